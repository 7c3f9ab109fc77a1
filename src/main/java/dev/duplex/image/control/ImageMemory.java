package dev.duplex.image.control;

import dev.duplex.image.entity.ErrorCode;
import dev.duplex.platform.MemoryBudget;
import java.util.Locale;

/**
 * The bytes one image holds while it is received, decoded, processed and encoded, charged to its
 * session's {@link MemoryBudget.Account} <em>before</em> each buffer is allocated and released when
 * it is let go: the input bytes, the decoder's raster, the {@code int[]} ARGB pixels, each
 * operation's output raster and scratch buffers, the encoder's output buffer and the encoded
 * result until the outbox takes it over (and charges it itself).
 *
 * <p>A charge the budget refuses becomes an {@link ImageException}: {@link ErrorCode#BUSY} when the
 * image would fit if the server held nothing else (send it again later), and
 * {@link ErrorCode#TOO_MANY_PIXELS} when it needs more at once than {@link #ceiling} (what one
 * session may ever hold: the smallest of the budget's total and its endpoint and address shares),
 * so that waiting would not help. Nothing is allocated after a refusal: the caller stops and
 * {@link #close closes} the charge, which gives back everything it still holds.
 *
 * <p>One instance per image. Thread-safe (the work and the hand-over of its reply run on different
 * threads).
 */
public final class ImageMemory implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ImageMemory.class.getName());

    private final MemoryBudget.Account account;
    private final long ceiling;
    private long held;
    private long peak;
    private long charged;
    private boolean closed;

    /**
     * @param account the session's account
     * @param ceiling the most one image may hold at once ({@link #ceiling(MemoryBudget)})
     */
    public ImageMemory(MemoryBudget.Account account, long ceiling) {
        this.account = account;
        this.ceiling = ceiling;
    }

    /** A charge outside any budget (tests, tools): every charge succeeds, the figures are still kept. */
    public static ImageMemory unlimited() {
        return new ImageMemory(MemoryBudget.unlimited().account("image", "local"), Long.MAX_VALUE);
    }

    /**
     * The most one image of a session can hold with the budget otherwise empty: the total, the
     * endpoint's share and the address's share, whichever is smallest; unbounded without a budget.
     */
    public static long ceiling(MemoryBudget budget) {
        if (budget.total() == 0) {
            return Long.MAX_VALUE;
        }
        return Math.min(budget.total(), Math.min(budget.perEndpoint(), budget.perAddress()));
    }

    public long ceiling() {
        return ceiling;
    }

    /**
     * Charges {@code bytes} that are about to be allocated for {@code what}, or refuses.
     *
     * @throws ImageException {@link ErrorCode#TOO_MANY_PIXELS} when this image would then hold more
     *                        than the ceiling, {@link ErrorCode#BUSY} when the budget has no room now
     */
    public synchronized void charge(long bytes, String what) throws ImageException {
        if (bytes <= 0) {
            return;
        }
        if (held + bytes > ceiling) {
            throw tooLarge(held + bytes, what);
        }
        if (closed || !account.tryReserve(bytes)) {
            throw new ImageException(ErrorCode.BUSY, String.format(Locale.ROOT,
                    "The server's memory budget has no room for this image now (%s needs %d more bytes); "
                            + "send it again later", what, bytes));
        }
        held += bytes;
        charged += bytes;
        peak = Math.max(peak, held);
    }

    /**
     * Checks, before anything is allocated, that {@code bytes} at once would fit under the ceiling
     * with what this image holds already; reserves nothing.
     */
    public synchronized void checkFits(long bytes, String what) throws ImageException {
        if (held + bytes > ceiling) {
            throw tooLarge(held + bytes, what);
        }
    }

    /** Gives back {@code bytes} that were let go (at most what this image holds). */
    public synchronized void release(long bytes) {
        long back = Math.min(Math.max(bytes, 0), held);
        if (back < bytes) {
            LOG.log(System.Logger.Level.WARNING, "image memory: released {0} bytes but held only {1}", bytes, back);
        }
        held -= back;
        account.release(back);
    }

    /** Bytes charged now. */
    public synchronized long held() {
        return held;
    }

    /** The most this image held at once. */
    public synchronized long peak() {
        return peak;
    }

    /** All bytes charged over this image's life (each allocation once): what its work allocated. */
    public synchronized long charged() {
        return charged;
    }

    /** Gives back everything still held; later charges are refused ({@code busy}). */
    @Override
    public synchronized void close() {
        account.release(held);
        held = 0;
        closed = true;
    }

    private ImageException tooLarge(long needed, String what) {
        return new ImageException(ErrorCode.TOO_MANY_PIXELS, String.format(Locale.ROOT,
                "Processing this image needs %d bytes at once (at %s), more than this server lets one connection "
                        + "hold (%d bytes, its memory budget); send fewer pixels or a shorter chain", needed, what, ceiling));
    }
}
