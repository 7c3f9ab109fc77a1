package dev.duplex.platform.engine;

import dev.duplex.platform.MemoryBudget;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Watches the bytes a client sends on a WebSocket connection, before the engine buffers them, and
 * passes on only what may be held: it parses each frame header as it arrives (2 to 14 bytes, split
 * across reads however the network splits them) and, for every data frame,
 * <ul>
 * <li>refuses it ({@link Refusal#TOO_BIG}) when its announced payload is over the endpoint's largest
 * message, before any of its payload is passed on;</li>
 * <li>charges what has <em>arrived</em> of it to the session's {@link MemoryBudget.Account}, as it
 * arrives, never what its header announces: the charge grows with each read by the bytes passed
 * on (and to the capacity the engine's buffer was {@linkplain #cover grown to} for them, when that
 * is more), and is given back by {@link #settle()} once the whole frame has been passed on (the
 * caller settles after the engine took the bytes). When the budget refuses the next bytes the
 * frame is refused ({@link Refusal#OVER_BUDGET}) part-way: the rest of it is dropped, its charge
 * given back, and {@link #takeCut()} tells the caller to let go of the engine's part. So a header
 * that announces 16 MiB and is followed by a trickle holds the trickle, not 16 MiB. A frame that
 * arrives whole within one read is not charged (the engine takes it from that read at once and
 * buffers nothing of it across reads), nor is one of at most {@link #SMALL_FRAME} bytes: small
 * messages cost no charge and are never refused for memory.</li>
 * <li>reports to its {@link DataRate} when a message is being received (a frame that did not arrive
 * whole, or a fragmented message) and how many payload bytes arrive, so that the periodic sweep
 * can drop one that arrives slower than the minimum rate.</li>
 * </ul>
 * After the first refusal every later data frame is dropped whole (header and payload); control
 * frames (close, ping, pong) still pass, so the engine can finish the closing handshake. A header
 * is held back until it is complete, so the engine never sees half of a header whose frame is then
 * dropped.
 *
 * <p><b>Masking.</b> RFC 6455 §5.1: a server must close the connection when a client's frame is not
 * masked; an unmasked frame is refused ({@link Refusal#UNMASKED}, 1002) and dropped. A masked
 * frame is unmasked here, in the one pass from input to output, eight bytes at a time, and passed
 * on as an unmasked frame (the mask bit cleared, the 4-byte key left out): the engine then copies
 * the payload as it is instead of unmasking it byte by byte. The engine never sees a client's
 * unmasked frame, so it cannot tell the two apart. Payloads are never copied beyond that pass.
 *
 * <p>Plain Java, one instance per connection, not thread-safe (the engine reads one connection on
 * one thread at a time); only its {@link DataRate} is read by another thread.
 */
public final class ReadGuardFilter {

    /**
     * Data frames of at most this many bytes are never charged, even when split across reads: the
     * engine holds at most one partly received frame per connection, so this is at most this many
     * bytes (plus the engine's 256-byte rounding) per connection, and a bystander's small message is
     * never refused by a budget that attackers filled.
     */
    public static final int SMALL_FRAME = 1024;

    /** Why a frame was refused; the caller closes the session accordingly. */
    public enum Refusal {
        /** Announced payload over the endpoint's largest message: 1009. */
        TOO_BIG,
        /** The memory budget refused the bytes that arrived of the frame: 1013. */
        OVER_BUDGET,
        /** A control frame announcing more than 125 bytes: 1002. */
        PROTOCOL,
        /** The message being received arrived slower than the minimum data rate (told by the sweep): 1008. */
        TOO_SLOW,
        /** A frame without a masking key (RFC 6455 §5.1: every client frame is masked): 1002. */
        UNMASKED
    }

    /** Told once, at the first refusal. */
    @FunctionalInterface
    public interface Listener {
        void refused(Refusal refusal, long announcedBytes);
    }

    private static final int MAX_HEADER = 14;
    private static final int MASK_KEY = 4;
    /** Eight bytes of a byte array as one long, in any alignment; the byte order only has to be the same both ways. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private final long maxPayload;
    private final long maxCompressedPayload;
    private final MemoryBudget.Account account;
    private final DataRate rate;
    private final java.util.function.LongSupplier clock;
    private final Listener listener;

    private final byte[] header = new byte[MAX_HEADER];
    private int headerLength;
    private int headerNeeded = 2;
    /** Payload bytes of the current frame not yet seen; -1 while a header is being read. */
    private long payloadLeft = -1;
    /** Payload the current frame announced. */
    private long announced;
    private boolean passing;
    /** Whether the frame whose payload is being read is a control frame. */
    private boolean control;
    /** Whether the frame whose payload is being read has FIN set. */
    private boolean fin;
    /** Whether the frame being passed is charged as it arrives. */
    private boolean charging;
    /** Payload bytes of the charged frame passed on so far. */
    private long arrived;
    /** Bytes charged for the frame being passed: at least {@link #arrived} while charging. */
    private long charged;
    private long settled;
    private boolean cut;
    private boolean largeDone;
    /** Whether a message is being received and reported to the rate (read thread's copy, so whole frames cost no call). */
    private boolean measuring;
    private boolean refused;
    private long frames;
    /** Told of each control frame; may drop it or change its payload (see {@link ControlFrames}). */
    private ControlFrames controlFrames;
    /** The current frame's masking key three times over, so that any 8 bytes of it from 0 to 3 are one long. */
    private final byte[] key = new byte[3 * MASK_KEY];
    /** The masking key as eight bytes starting at key byte 0, 1, 2 and 3. */
    private final long[] keyWords = new long[MASK_KEY];
    /** The key byte that masks the next payload byte of the current frame. */
    private int keyAt;

    /**
     * A filter without a minimum data rate.
     *
     * @param maxPayload largest payload a data frame may announce (the endpoint's largest message);
     *                   frames with RSV1 set (permessage-deflate) may be a little larger, as deflate
     *                   can grow incompressible data by a few bytes per 16 KiB block
     * @param account    what the bytes being buffered are charged to
     * @param listener   told at the first refusal
     */
    public ReadGuardFilter(long maxPayload, MemoryBudget.Account account, Listener listener) {
        this(maxPayload, account, DataRate.off(), System::nanoTime, listener);
    }

    /**
     * @param rate  told when a message is being received and what arrives of it (read by the sweep)
     * @param clock {@link System#nanoTime()} or a test's clock, read when a message starts
     */
    public ReadGuardFilter(long maxPayload, MemoryBudget.Account account, DataRate rate, java.util.function.LongSupplier clock,
            Listener listener) {
        if (maxPayload < 0) {
            throw new IllegalArgumentException("maxPayload must not be negative: " + maxPayload);
        }
        this.maxPayload = maxPayload;
        this.maxCompressedPayload = maxPayload + (maxPayload >> 10) + 64;
        this.account = account;
        this.rate = rate;
        this.clock = clock;
        this.listener = listener;
    }

    /**
     * Header bytes held back, waiting for the rest of their header; an output buffer must have room
     * for them on top of the input ({@link #filter} writes at most {@code held() + length} bytes).
     */
    public int held() {
        return payloadLeft < 0 ? headerLength : 0;
    }

    /** Payload bytes of the frame being passed on that are still to come; 0 between frames or while dropping. */
    public long payloadToCome() {
        return payloadLeft > 0 && passing ? payloadLeft : 0;
    }

    /** Whether the frame being passed on is charged as it arrives (it did not arrive whole and is not small). */
    public boolean charging() {
        return charging && passing && payloadLeft > 0;
    }

    /** Payload bytes of the charged frame being passed on that arrived so far. */
    public long arrived() {
        return charging ? arrived : 0;
    }

    /** Bytes charged now for the frame being passed on (given back at the next {@link #settle} once it is complete). */
    public long charged() {
        return charged;
    }

    /** Sets what is told of each control frame before it is passed on. */
    public void controlFrames(ControlFrames hook) {
        this.controlFrames = hook;
    }

    /** How many frame headers were read so far (tells one frame from the next). */
    public long frames() {
        return frames;
    }

    /** Whether a frame was refused; from then on only control frames pass. */
    public boolean refused() {
        return refused;
    }

    /** The minimum data rate this filter reports to. */
    public DataRate rate() {
        return rate;
    }

    /**
     * Charges the frame being passed on up to {@code bytes} in all (the capacity the caller is about
     * to give the engine's buffer for it), before the bytes arrive; false, charging nothing, when
     * the budget refuses (the caller then leaves the buffer as it is) or no charged frame is being
     * passed on. Never a refusal of the frame.
     */
    public boolean cover(long bytes) {
        if (!charging()) {
            return false;
        }
        long more = bytes - charged;
        if (more <= 0) {
            return true;
        }
        if (!account.tryReserve(more)) {
            return false;
        }
        charged += more;
        return true;
    }

    /**
     * Whether a charged frame was cut off part-way since the last call (refused by the budget, or the
     * session ended): the engine's copy of its first part is then of no use and may be let go.
     */
    public boolean takeCut() {
        boolean was = cut;
        cut = false;
        return was;
    }

    /**
     * Whether a data frame of at least {@code size} bytes was passed on whole since the last call
     * (charged or not): the engine's buffer may then be larger than it needs to be.
     */
    public boolean takeLargeDone() {
        boolean was = largeDone;
        largeDone = false;
        return was;
    }

    /** Data frames at least this large are reported by {@link #takeLargeDone()}. */
    static final long LARGE_FRAME = 64 * 1024;

    /**
     * Filters {@code length} bytes of input into {@code out}. {@code out} may be {@code in} with
     * {@code outOffset == offset} when {@link #held()} is 0: the output never overtakes the input then.
     *
     * @return how many bytes were written to {@code out} from {@code outOffset}; at most
     *         {@link #held()} (before the call) {@code + length}
     */
    public int filter(byte[] in, int offset, int length, byte[] out, int outOffset) {
        int i = offset;
        int end = offset + length;
        int o = outOffset;
        while (i < end) {
            if (payloadLeft < 0) {
                int take = Math.min(headerNeeded - headerLength, end - i);
                System.arraycopy(in, i, header, headerLength, take);
                headerLength += take;
                i += take;
                if (headerLength == 2) {
                    headerNeeded = 2 + extendedLengthBytes(header[1]) + ((header[1] & 0x80) != 0 ? 4 : 0);
                }
                if (headerLength < headerNeeded) {
                    continue;
                }
                payloadLeft = payloadLength();
                announced = payloadLeft;
                control = (header[0] & 0x08) != 0;
                fin = (header[0] & 0x80) != 0;
                frames++;
                if ((header[1] & 0x80) == 0) {
                    refuse(Refusal.UNMASKED);
                    passing = false;
                } else {
                    passing = admit(end - i);
                }
                int passedHeader = passing ? unmaskedHeader() : 0;
                if (passing && control && controlFrames != null) {
                    passing = controlFrames.header(header, passedHeader);
                }
                if (passing) {
                    System.arraycopy(header, 0, out, o, passedHeader);
                    o += passedHeader;
                }
                headerLength = 0;
                headerNeeded = 2;
                if (payloadLeft == 0) {
                    frameDone();
                }
                continue;
            }
            int take = (int) Math.min(payloadLeft, end - i);
            if (passing && charging && !charge(take)) {
                cutOff(Refusal.OVER_BUDGET);
            }
            if (passing) {
                unmask(in, i, out, o, take);
                if (control && controlFrames != null) {
                    controlFrames.payload(out, o, take);
                }
                o += take;
                if (measuring && !control) {
                    rate.arrived(take);
                }
            }
            i += take;
            payloadLeft -= take;
            if (payloadLeft == 0) {
                frameDone();
            }
        }
        return o - outOffset;
    }

    /**
     * Takes the masking key out of the complete header just read and clears its mask bit.
     *
     * @return the length of the header as passed on (4 bytes shorter)
     */
    private int unmaskedHeader() {
        int length = headerLength - MASK_KEY;
        for (int k = 0; k < key.length; k++) {
            key[k] = header[length + (k & 3)];
        }
        for (int at = 0; at < MASK_KEY; at++) {
            keyWords[at] = (long) LONGS.get(key, at);
        }
        keyAt = 0;
        header[1] &= 0x7F;
        return length;
    }

    /**
     * Copies {@code take} payload bytes unmasked, eight at a time. {@code out} may be {@code in} at
     * or before {@code i}: every byte is read before anything at or after it is written.
     */
    private void unmask(byte[] in, int i, byte[] out, int o, int take) {
        long word = keyWords[keyAt];
        int k = 0;
        for (; k + Long.BYTES <= take; k += Long.BYTES) {
            LONGS.set(out, o + k, (long) LONGS.get(in, i + k) ^ word);
        }
        // eight bytes are two whole keys: the key position after them is where it was
        for (; k < take; k++) {
            out[o + k] = (byte) (in[i + k] ^ key[keyAt + (k & 3)]);
        }
        keyAt = (keyAt + take) & 3;
    }

    /** Charges {@code take} more arrived bytes of the frame being passed; false when the budget refuses them. */
    private boolean charge(int take) {
        long more = arrived + take - charged;
        if (more > 0) {
            if (!account.tryReserve(more)) {
                return false;
            }
            charged += more;
        }
        arrived += take;
        return true;
    }

    /** Stops passing the charged frame part-way: its charge goes back at the next settle, the engine's part is to be dropped. */
    private void cutOff(Refusal refusal) {
        passing = false;
        cut = true;
        settled += charged;
        charged = 0;
        arrived = 0;
        charging = false;
        stopMeasuring();
        if (refusal != null) {
            refuse(refusal);
        }
    }

    /**
     * Gives back the charges of the frames passed on whole since the last call, and of frames cut
     * off. Call it once the engine has taken the bytes {@link #filter} returned.
     *
     * @return the bytes given back
     */
    public long settle() {
        long back = settled;
        if (back > 0) {
            account.release(back);
            settled = 0;
        }
        return back;
    }

    /**
     * The session ended: from now on only control frames pass (the peer's close frame still
     * reaches the engine), and the rest of a data frame being passed is dropped.
     *
     * @return whether a data frame was cut off part-way: the engine's copy of its first part is
     *         then of no use and may be let go
     */
    public boolean end() {
        refused = true;
        stopMeasuring();
        boolean wasCut = passing && payloadLeft > 0 && !control;
        if (wasCut) {
            cutOff(null);
            cut = false;
        } else {
            settled += charged;
            charged = 0;
        }
        return wasCut;
    }

    /** Gives back everything this filter charged (the connection ends). */
    public void release() {
        settled += charged;
        charged = 0;
        arrived = 0;
        stopMeasuring();
        settle();
    }

    private void stopMeasuring() {
        if (measuring) {
            measuring = false;
            rate.finished();
        }
    }

    private void frameDone() {
        if (!control) {
            if (passing && announced >= LARGE_FRAME) {
                largeDone = true;
            }
            if (fin) {
                stopMeasuring();
            }
        }
        settled += charged;
        charged = 0;
        arrived = 0;
        charging = false;
        payloadLeft = -1;
    }

    /** Whether the frame whose header was just read may pass; {@code inHand} input bytes follow the header in this read. */
    private boolean admit(int inHand) {
        charging = false;
        if (control) {
            if (payloadLeft > MAX_CONTROL_PAYLOAD) {
                refuse(Refusal.PROTOCOL);
                return false;
            }
            return true;
        }
        if (refused) {
            return false;
        }
        boolean compressed = (header[0] & 0x40) != 0;
        if (payloadLeft < 0 || payloadLeft > (compressed ? maxCompressedPayload : maxPayload)) {
            refuse(Refusal.TOO_BIG);
            return false;
        }
        boolean whole = payloadLeft <= inHand;
        if ((!fin || !whole) && !measuring && rate.enabled()) {
            // a message that will take more than this read: the minimum data rate applies to it
            measuring = true;
            rate.started(clock.getAsLong());
        }
        // a frame in hand whole is taken by the engine at once; a small one costs at most SMALL_FRAME
        charging = !whole && payloadLeft > SMALL_FRAME;
        arrived = 0;
        charged = 0;
        return true;
    }

    private void refuse(Refusal refusal) {
        long bytes = announced;
        if (payloadLeft < 0) {
            // a 64-bit length with the top bit set: count it as the largest there is
            bytes = Long.MAX_VALUE;
            payloadLeft = Long.MAX_VALUE;
        }
        if (!refused) {
            refused = true;
            listener.refused(refusal, bytes);
        }
    }

    private static int extendedLengthBytes(byte second) {
        int length = second & 0x7F;
        return length == 126 ? 2 : length == 127 ? 8 : 0;
    }

    private long payloadLength() {
        int length = header[1] & 0x7F;
        if (length < 126) {
            return length;
        }
        if (length == 126) {
            return ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
        }
        long value = 0;
        for (int k = 2; k < 10; k++) {
            value = (value << 8) | (header[k] & 0xFFL);
        }
        return value;
    }
}
