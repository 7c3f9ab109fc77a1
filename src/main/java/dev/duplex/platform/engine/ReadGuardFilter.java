package dev.duplex.platform.engine;

import dev.duplex.platform.MemoryBudget;

/**
 * Watches the bytes a client sends on a WebSocket connection, before the engine buffers them, and
 * passes on only what may be held: it parses each frame header as it arrives (2 to 14 bytes, split
 * across reads however the network splits them) and, for every data frame,
 * <ul>
 * <li>refuses it ({@link Refusal#TOO_BIG}) when its announced payload is over the endpoint's largest
 * message, before any of its payload is passed on;</li>
 * <li>reserves its announced payload from the session's {@link MemoryBudget.Account} before any of
 * it is passed on, and refuses it ({@link Refusal#OVER_BUDGET}) when the reservation is refused;
 * the reservation is given back by {@link #settle()} once the whole frame has been passed on (the
 * caller settles after the engine took the bytes). A frame that arrives whole within one read is
 * not reserved: the engine takes it from that read at once and buffers nothing of it across
 * reads, so small messages cost no reservation and are never refused for memory.</li>
 * </ul>
 * After the first refusal every later data frame is dropped whole (header and payload); control
 * frames (close, ping, pong) still pass, so the engine can finish the closing handshake. A header
 * is held back until it is complete, so the engine never sees half of a header whose frame is then
 * dropped. Payloads are never unmasked or copied beyond the one pass from input to output.
 *
 * <p>Plain Java, one instance per connection, not thread-safe (the engine reads one connection on
 * one thread at a time).
 */
public final class ReadGuardFilter {

    /** Why a frame was refused; the caller closes the session accordingly. */
    public enum Refusal {
        /** Announced payload over the endpoint's largest message: 1009. */
        TOO_BIG,
        /** The memory budget refused the frame's reservation: 1013. */
        OVER_BUDGET,
        /** A control frame announcing more than 125 bytes: 1002. */
        PROTOCOL
    }

    /** Told once, at the first refusal. */
    @FunctionalInterface
    public interface Listener {
        void refused(Refusal refusal, long announcedBytes);
    }

    private static final int MAX_HEADER = 14;
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private final long maxPayload;
    private final long maxCompressedPayload;
    private final MemoryBudget.Account account;
    private final Listener listener;

    private final byte[] header = new byte[MAX_HEADER];
    private int headerLength;
    private int headerNeeded = 2;
    /** Payload bytes of the current frame not yet seen; -1 while a header is being read. */
    private long payloadLeft = -1;
    private boolean passing;
    /** Whether the frame whose payload is being read is a control frame. */
    private boolean control;
    private long reservedForFrame;
    private long settled;
    private boolean refused;
    private long frames;
    /** Told of each control frame; may drop it or change its payload (see {@link ControlFrames}). */
    private ControlFrames controlFrames;

    /**
     * @param maxPayload largest payload a data frame may announce (the endpoint's largest message);
     *                   frames with RSV1 set (permessage-deflate) may be a little larger, as deflate
     *                   can grow incompressible data by a few bytes per 16 KiB block
     * @param account    what the frames being buffered are reserved from
     * @param listener   told at the first refusal
     */
    public ReadGuardFilter(long maxPayload, MemoryBudget.Account account, Listener listener) {
        if (maxPayload < 0) {
            throw new IllegalArgumentException("maxPayload must not be negative: " + maxPayload);
        }
        this.maxPayload = maxPayload;
        this.maxCompressedPayload = maxPayload + (maxPayload >> 10) + 64;
        this.account = account;
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
                control = (header[0] & 0x08) != 0;
                frames++;
                passing = admit(end - i);
                if (passing && control && controlFrames != null) {
                    passing = controlFrames.header(header, headerLength);
                }
                if (passing) {
                    System.arraycopy(header, 0, out, o, headerLength);
                    o += headerLength;
                }
                headerLength = 0;
                headerNeeded = 2;
                if (payloadLeft == 0) {
                    frameDone();
                }
                continue;
            }
            int take = (int) Math.min(payloadLeft, end - i);
            if (passing) {
                System.arraycopy(in, i, out, o, take);
                if (control && controlFrames != null) {
                    controlFrames.payload(out, o, take);
                }
                o += take;
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
     * Gives back the reservations of the frames passed on whole since the last call. Call it once
     * the engine has taken the bytes {@link #filter} returned.
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
        boolean cut = passing && payloadLeft > 0 && !control;
        if (cut) {
            passing = false;
            settled += reservedForFrame;
            reservedForFrame = 0;
        }
        return cut;
    }

    /** Gives back everything this filter reserved (the connection ends). */
    public void release() {
        settled += reservedForFrame;
        reservedForFrame = 0;
        settle();
    }

    private void frameDone() {
        settled += reservedForFrame;
        reservedForFrame = 0;
        payloadLeft = -1;
    }

    /** Whether the frame whose header was just read may pass; {@code inHand} input bytes follow the header in this read. */
    private boolean admit(int inHand) {
        boolean control = (header[0] & 0x08) != 0;
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
        if (payloadLeft <= inHand) {
            // the whole frame is in this read: the engine takes it at once, nothing is buffered across reads
            return true;
        }
        if (!account.tryReserve(payloadLeft)) {
            refuse(Refusal.OVER_BUDGET);
            return false;
        }
        reservedForFrame = payloadLeft;
        return true;
    }

    private void refuse(Refusal refusal) {
        long announced = payloadLeft;
        if (announced < 0) {
            // a 64-bit length with the top bit set: count it as the largest there is
            announced = Long.MAX_VALUE;
            payloadLeft = Long.MAX_VALUE;
        }
        if (!refused) {
            refused = true;
            listener.refused(refusal, announced);
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
