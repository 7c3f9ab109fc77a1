package dev.duplex.platform.deflate;

import java.util.Arrays;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The receiving half of permessage-deflate for one connection: inflates a compressed message frame
 * by frame into bounded output, and refuses it as soon as it would grow past the endpoint's limit
 * or past the compression-ratio bound. Plain Java ({@link Inflater}), tested without a server.
 *
 * <p>Bounds, for one message (summed over its frames):
 * <ul>
 * <li>at most {@code maxMessageBytes} inflated bytes; the first byte beyond closes with 1009
 * "Message too big". Output grows with what arrives, so at most {@code maxMessageBytes + 1} bytes
 * are ever inflated for a refused message;</li>
 * <li>past {@code ratioFloorBytes} inflated bytes, at most {@code maxRatio} inflated bytes per
 * compressed byte read; more closes with 1009 "Compression ratio too high" (checked every
 * {@link #CHUNK} bytes);</li>
 * <li>invalid DEFLATE data closes with 1007 "Invalid compressed data";</li>
 * <li>output buffers are charged to an optional budget ({@link #chargeTo}) while they are being
 * filled; a refusal closes with 1013 "Try again later". They are released when the inflated frame is
 * handed on to the engine (which holds, and may charge, the message from then on), and on failure.</li>
 * </ul>
 * After a refusal the {@link Inflater} is ended at once (its native memory freed) and every later
 * call fails the same way; {@link #close} ends it too. Thread-safe (one lock per connection).
 */
public final class Inflation implements AutoCloseable {

    /** The most bytes inflated in one step, and the granularity of the ratio check. */
    public static final int CHUNK = 16 * 1024;
    /** The largest message a Java array can hold here. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 16;
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};

    private final boolean resetPerMessage;
    private final double maxRatio;
    private final long ratioFloorBytes;
    private long maxMessageBytes;
    private LongPredicate reserve = bytes -> true;
    private LongConsumer release = bytes -> { };

    private Inflater inflater;
    private long messageBytes;
    private long messageReadStart;
    private boolean streamEnded;
    private long held;
    private DeflateFailure failure;
    private boolean closed;

    /**
     * @param maxMessageBytes  the endpoint's limit for one inflated message
     * @param maxRatio         inflated bytes per compressed byte allowed past the floor; 0 for no bound
     * @param ratioFloorBytes  inflated bytes of a message below which the ratio is not checked
     * @param resetPerMessage  whether the client agreed to {@code client_no_context_takeover}
     */
    public Inflation(long maxMessageBytes, double maxRatio, long ratioFloorBytes, boolean resetPerMessage) {
        if (maxMessageBytes < 0 || maxRatio < 0 || ratioFloorBytes < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        this.maxMessageBytes = Math.min(maxMessageBytes, MAX_ARRAY);
        this.maxRatio = maxRatio;
        this.ratioFloorBytes = ratioFloorBytes;
        this.resetPerMessage = resetPerMessage;
    }

    /** Narrows the limit once the endpoint is known (the handshake path); applies from the next message on. */
    public synchronized void limitMessageBytes(long maxMessageBytes) {
        if (maxMessageBytes < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        this.maxMessageBytes = Math.min(maxMessageBytes, MAX_ARRAY);
    }

    public synchronized long maxMessageBytes() {
        return maxMessageBytes;
    }

    /**
     * Charges inflated output to a budget: {@code reserve} is asked before a buffer grows (false
     * refuses the message with 1013), {@code release} gets back every reserved byte.
     */
    public synchronized void chargeTo(LongPredicate reserve, LongConsumer release) {
        releaseHeld();
        this.reserve = reserve == null ? bytes -> true : reserve;
        this.release = release == null ? bytes -> { } : release;
    }

    /**
     * Inflates one frame's payload of a compressed message.
     *
     * @param payload the frame's (unmasked) payload
     * @param first   whether this is the message's first frame (text or binary opcode, RSV1 set)
     * @param fin     whether this is the message's last frame
     * @return the inflated bytes of this frame
     * @throws DeflateFailure when the message is refused; the connection must be closed with its code
     */
    public synchronized byte[] inflate(byte[] payload, boolean first, boolean fin) throws DeflateFailure {
        if (failure != null) {
            throw failure;
        }
        if (closed) {
            throw new IllegalStateException("closed");
        }
        try {
            if (inflater == null) {
                inflater = new Inflater(true);
            }
            if (first) {
                messageBytes = 0;
                messageReadStart = inflater.getBytesRead();
            }
            Output out = new Output(payload.length);
            if (payload.length > 0) {
                if (streamEnded) {
                    throw new DeflateFailure(DeflateFailure.INVALID_DATA, "Invalid compressed data");
                }
                run(payload, out, false);
            }
            if (fin) {
                if (!streamEnded) {
                    run(TAIL, out, true);
                }
                if (resetPerMessage || streamEnded) {
                    inflater.reset();
                    streamEnded = false;
                }
            }
            messageBytes += out.length;
            return out.bytes();
        } catch (DataFormatException e) {
            throw fail(new DeflateFailure(DeflateFailure.INVALID_DATA, "Invalid compressed data"));
        } catch (DeflateFailure e) {
            throw fail(e);
        } finally {
            releaseHeld();
        }
    }

    /** Whether this connection's decompressor has been refused or closed (and its native memory freed). */
    public synchronized boolean ended() {
        return inflater == null && (failure != null || closed);
    }

    /** Ends the {@link Inflater} (native memory) and releases what the budget still holds. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        end();
    }

    private void run(byte[] input, Output out, boolean tail) throws DataFormatException, DeflateFailure {
        inflater.setInput(input);
        while (true) {
            if (inflater.finished()) {
                // A block with BFINAL set ended the DEFLATE stream; only our own tail may follow.
                streamEnded = true;
                if (!tail && inflater.getRemaining() > 0) {
                    throw new DeflateFailure(DeflateFailure.INVALID_DATA, "Invalid compressed data");
                }
                return;
            }
            long allowed = maxMessageBytes - messageBytes - out.length;
            int room = out.room(allowed);
            int n = inflater.inflate(out.buffer, out.length, Math.min(room, CHUNK));
            out.length += n;
            if (messageBytes + out.length > maxMessageBytes) {
                throw new DeflateFailure(DeflateFailure.TOO_BIG, "Message too big");
            }
            checkRatio(messageBytes + out.length);
            if (n == 0) {
                if (inflater.needsDictionary()) {
                    throw new DeflateFailure(DeflateFailure.INVALID_DATA, "Invalid compressed data");
                }
                if (inflater.needsInput()) {
                    return;
                }
                if (!inflater.finished() && room > 0) {
                    return;
                }
            }
        }
    }

    private void checkRatio(long inflated) throws DeflateFailure {
        if (maxRatio > 0 && inflated > ratioFloorBytes) {
            long read = Math.max(1, inflater.getBytesRead() - messageReadStart);
            if (inflated > maxRatio * read) {
                throw new DeflateFailure(DeflateFailure.TOO_BIG, "Compression ratio too high");
            }
        }
    }

    private DeflateFailure fail(DeflateFailure e) {
        failure = e;
        end();
        return e;
    }

    private void end() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        releaseHeld();
    }

    private void releaseHeld() {
        if (held > 0) {
            long bytes = held;
            held = 0;
            release.accept(bytes);
        }
    }

    /** A growing output buffer whose every byte of capacity is reserved from the budget first. */
    private final class Output {
        byte[] buffer = new byte[0];
        int length;
        private final int hint;

        Output(int compressedLength) {
            this.hint = (int) Math.min(CHUNK * 4L, Math.max(1024L, compressedLength * 2L));
        }

        /** Makes room for the next step; at least one byte, so that one byte past the limit is seen. */
        int room(long allowed) throws DeflateFailure {
            if (length < buffer.length) {
                return buffer.length - length;
            }
            long cap = Math.min(allowed + 1, MAX_ARRAY - length);
            long grow = Math.max(1, Math.min(cap, Math.max(buffer.length == 0 ? hint : buffer.length, CHUNK)));
            if (!reserve.test(grow)) {
                throw new DeflateFailure(DeflateFailure.TRY_AGAIN_LATER, "Try again later");
            }
            held += grow;
            buffer = Arrays.copyOf(buffer, Math.toIntExact(buffer.length + grow));
            return buffer.length - length;
        }

        byte[] bytes() {
            return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        }
    }
}
