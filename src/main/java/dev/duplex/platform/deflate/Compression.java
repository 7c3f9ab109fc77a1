package dev.duplex.platform.deflate;

import java.util.Arrays;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import java.util.zip.Deflater;

/**
 * The sending half of permessage-deflate for one connection (RFC 7692 section 7.2.1): each frame's
 * payload is compressed and flushed (SYNC_FLUSH), and the final frame of a message loses the
 * trailing {@code 00 00 ff ff}. With {@code server_no_context_takeover} the compressor starts afresh
 * for every message. The {@link Deflater} (about 256 KiB of native memory) is made on the first
 * message and ended by {@link #close}. Thread-safe; the engine must write the frames in the order
 * they were compressed (Tyrus does, under its send lock).
 *
 * <p><b>Memory.</b> The compressed output is the only copy this class makes: it grows in
 * {@value #STEP}-byte steps with what the compressor produces (never sized from the input up front)
 * and ends as one array of exactly the compressed length. Every byte of it is reserved on the
 * optional budget ({@link #chargeTo}) before it is allocated, and stays reserved while the engine
 * holds the frame made from it, until {@link #sent} (the session's send completed) or the next
 * frame's compression gives it back.
 * A refused reservation sends the frame uncompressed (RSV1 clear, which RFC 7692 allows per
 * message) only when it is a whole message; within a fragmented message it fails
 * ({@link IllegalStateException}) and the engine drops the send. The compressor's reference to the
 * input is cleared after each frame, so that no payload outlives its send in the {@link Deflater}
 * (it kept the last message, up to 16 MiB per connection, until the next one).
 */
public final class Compression implements AutoCloseable {

    static final int STEP = 8 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private final boolean resetPerMessage;
    private LongPredicate reserve = bytes -> true;
    private LongConsumer release = bytes -> { };
    private Deflater deflater;
    private long held;
    private boolean closed;
    private boolean off;

    public Compression(boolean resetPerMessage) {
        this.resetPerMessage = resetPerMessage;
    }

    /** Charges compressed output to a budget: {@code reserve} before it is allocated, {@code release} by {@link #sent}. */
    public synchronized void chargeTo(LongPredicate reserve, LongConsumer release) {
        releaseHeld();
        this.reserve = reserve == null ? bytes -> true : reserve;
        this.release = release == null ? bytes -> { } : release;
    }

    /** As {@link #compress(byte[], boolean, boolean)} for a frame that may be within a message (never null). */
    public byte[] compress(byte[] payload, boolean fin) {
        return compress(payload, false, fin);
    }

    /**
     * The compressed payload of one frame of a message; {@code first} marks the message's first
     * frame and {@code fin} its last. Null when the budget refused the output of a whole message ({@code first && fin}): send it
     * uncompressed then (and, with context takeover, every later message too).
     */
    public synchronized byte[] compress(byte[] payload, boolean first, boolean fin) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (off && first) {
            return null;
        }
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        // the engine serialized the previous frame before it asks for the next one (Tyrus compresses
        // under its send lock): sends that do not report through sent() (an endpoint's own
        // transport) leave nothing charged behind
        releaseHeld();
        long before = held;
        byte[] out = EMPTY;
        int length = 0;
        try {
            deflater.setInput(payload);
            while (true) {
                if (out.length - length < STEP) {
                    out = grow(out, length, first && fin, before);
                    if (out == null) {
                        return null;
                    }
                }
                int n = deflater.deflate(out, length, out.length - length, Deflater.SYNC_FLUSH);
                length += n;
                if (n == 0 && deflater.needsInput()) {
                    break;
                }
            }
        } finally {
            deflater.setInput(EMPTY);
        }
        if (fin) {
            if (resetPerMessage) {
                deflater.reset();
            }
            if (length >= 4 && out[length - 4] == 0 && out[length - 3] == 0
                    && out[length - 2] == (byte) 0xff && out[length - 1] == (byte) 0xff) {
                length -= 4;
            }
        }
        if (length == out.length) {
            return out;
        }
        // one exact copy, reserved first; the larger buffer is given back once the copy exists
        if (!reserve.test(length)) {
            return refused(first && fin, before);
        }
        byte[] exact = Arrays.copyOf(out, length);
        release.accept(out.length);
        held += length - out.length;
        return exact;
    }

    /** A buffer {@link #STEP} bytes (or half its size) larger, reserved first; null when refused for a whole message. */
    private byte[] grow(byte[] out, int length, boolean whole, long before) {
        int more = Math.max(STEP, out.length / 2);
        if (!reserve.test(more + (long) out.length)) {
            return refused(whole, before);
        }
        byte[] grown = Arrays.copyOf(out, out.length + more);
        release.accept(out.length);
        held += more;
        return grown;
    }

    /** The budget refused: give back this frame's output, start the message afresh, and say what to do. */
    private byte[] refused(boolean whole, long before) {
        long mine = held - before;
        held = before;
        release.accept(mine);
        // the compressor took part of the input: its state no longer matches what the peer has
        deflater.reset();
        if (whole) {
            // sent uncompressed; with context takeover the compressor's context no longer matches
            // the peer's, so nothing more is compressed on this connection
            off = !resetPerMessage;
            return null;
        }
        throw new IllegalStateException("memory budget refused the compressed output");
    }

    /** The engine is done with what was compressed so far (its send completed): gives the output back to the budget. */
    public synchronized void sent() {
        releaseHeld();
    }

    /** Bytes of compressed output held on the budget now. */
    synchronized long held() {
        return held;
    }

    private void releaseHeld() {
        if (held > 0) {
            long bytes = held;
            held = 0;
            release.accept(bytes);
        }
    }

    /** Ends the {@link Deflater} (native memory) and gives back what it held. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        releaseHeld();
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }

    synchronized boolean ended() {
        return closed && deflater == null;
    }
}
