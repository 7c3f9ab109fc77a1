package dev.duplex.platform.deflate;

import java.util.Arrays;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
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
 * <li>with a rate ({@link #Inflation(long, double, long, boolean, long, long, LongSupplier)}), at
 * most that many inflated bytes per second per connection, whatever the message size or ratio; more
 * closes with 1008 "{@value #RATE}";</li>
 * <li>the frames of one message are inflated into one buffer, the assembled message (no fragment is
 * copied again downstream). Its every byte of capacity is charged to an optional budget
 * ({@link #chargeTo}) before it is allocated, for as long as the message is being received; a
 * refusal closes with 1013 "{@value #OVER_BUDGET}". It is released when the whole message is handed
 * on to the engine, which passes it at once to the endpoint (whose outbox charges it while it is
 * echoed), and on failure.</li>
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

    /** The close reason when the memory budget refuses inflated output (as everywhere else in Duplex). */
    public static final String OVER_BUDGET = "Server busy: memory budget";
    /** The close reason when a connection inflates more bytes per second than it may. */
    public static final String RATE = "Inflation rate too high";

    private final boolean resetPerMessage;
    private final double maxRatio;
    private final long maxBytesPerSecond;
    private final long burstBytes;
    private final LongSupplier clock;
    private double tokens;
    private long refilledAt;
    private final long ratioFloorBytes;
    private long maxMessageBytes;
    private LongPredicate reserve = bytes -> true;
    private LongConsumer release = bytes -> { };

    private Inflater inflater;
    private long messageReadStart;
    private boolean streamEnded;
    private long held;
    private Output out;
    private DeflateFailure failure;
    private boolean closed;

    /**
     * @param maxMessageBytes  the endpoint's limit for one inflated message
     * @param maxRatio         inflated bytes per compressed byte allowed past the floor; 0 for no bound
     * @param ratioFloorBytes  inflated bytes of a message below which the ratio is not checked
     * @param resetPerMessage  whether the client agreed to {@code client_no_context_takeover}
     */
    public Inflation(long maxMessageBytes, double maxRatio, long ratioFloorBytes, boolean resetPerMessage) {
        this(maxMessageBytes, maxRatio, ratioFloorBytes, resetPerMessage, 0, 0, System::nanoTime);
    }

    /**
     * As {@link #Inflation(long, double, long, boolean)}, with a bound on the CPU one connection
     * may spend inflating: at most {@code maxBytesPerSecond} inflated bytes per second, sustained,
     * and {@code burstBytes} at once (a token bucket, refilled from {@code clock}, in nanoseconds);
     * more closes the connection with 1008 "{@value #RATE}". It applies to every message, small or
     * large, whatever its ratio. 0 switches it off.
     */
    public Inflation(long maxMessageBytes, double maxRatio, long ratioFloorBytes, boolean resetPerMessage,
            long maxBytesPerSecond, long burstBytes, LongSupplier clock) {
        if (maxMessageBytes < 0 || maxRatio < 0 || ratioFloorBytes < 0 || maxBytesPerSecond < 0 || burstBytes < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        this.maxBytesPerSecond = maxBytesPerSecond;
        this.burstBytes = Math.max(burstBytes, maxBytesPerSecond);
        this.clock = clock;
        this.refilledAt = clock.getAsLong();
        this.tokens = this.burstBytes;
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
     * Inflates one frame's payload of a compressed message into the message's one buffer: the
     * frames of a fragmented message are inflated straight into the assembled message, so no
     * fragment is copied again downstream.
     *
     * @param payload the frame's (unmasked) payload
     * @param first   whether this is the message's first frame (text or binary opcode, RSV1 set)
     * @param fin     whether this is the message's last frame
     * @return the whole inflated message when {@code fin}, exactly its length; {@code null} before
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
                messageReadStart = inflater.getBytesRead();
                releaseHeld();
                out = new Output(payload.length);
            } else if (out == null) {
                throw new DeflateFailure(DeflateFailure.PROTOCOL_ERROR, "Continuation without a message");
            }
            if (payload.length > 0) {
                if (streamEnded) {
                    throw new DeflateFailure(DeflateFailure.INVALID_DATA, "Invalid compressed data");
                }
                run(payload, out, false);
            }
            if (!fin) {
                return null;
            }
            if (!streamEnded) {
                run(TAIL, out, true);
            }
            if (resetPerMessage || streamEnded) {
                inflater.reset();
                streamEnded = false;
            }
            byte[] message = out.bytes();
            out = null;
            // handed on to the engine, which passes it to the endpoint (and its outbox, which charges it) at once
            releaseHeld();
            return message;
        } catch (DataFormatException e) {
            throw fail(new DeflateFailure(DeflateFailure.INVALID_DATA, "Invalid compressed data"));
        } catch (DeflateFailure e) {
            throw fail(e);
        }
    }

    /** Bytes of inflated output held on the budget now (a message being assembled). */
    public synchronized long held() {
        return held;
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
            long allowed = maxMessageBytes - out.length;
            int room = out.room(allowed);
            int n = inflater.inflate(out.buffer, out.length, Math.min(room, CHUNK));
            out.length += n;
            if (out.length > maxMessageBytes) {
                throw new DeflateFailure(DeflateFailure.TOO_BIG, "Message too big");
            }
            checkRatio(out.length);
            checkRate(n);
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

    /** Takes {@code inflated} bytes from the connection's rate bucket; refuses when it is empty. */
    private void checkRate(int inflated) throws DeflateFailure {
        if (maxBytesPerSecond <= 0 || inflated == 0) {
            return;
        }
        long now = clock.getAsLong();
        tokens = Math.min(burstBytes, tokens + (now - refilledAt) * (maxBytesPerSecond / 1e9));
        refilledAt = now;
        tokens -= inflated;
        if (tokens < 0) {
            throw new DeflateFailure(DeflateFailure.POLICY, RATE);
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
        out = null;
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
                throw new DeflateFailure(DeflateFailure.TRY_AGAIN_LATER, OVER_BUDGET);
            }
            held += grow;
            buffer = Arrays.copyOf(buffer, Math.toIntExact(buffer.length + grow));
            return buffer.length - length;
        }

        /**
         * The message, exactly its length: the buffer itself when full, else one exact copy,
         * reserved before it is made (both are held while it is copied).
         */
        byte[] bytes() throws DeflateFailure {
            if (length == buffer.length) {
                return buffer;
            }
            if (!reserve.test(length)) {
                throw new DeflateFailure(DeflateFailure.TRY_AGAIN_LATER, OVER_BUDGET);
            }
            held += length;
            byte[] exact = Arrays.copyOf(buffer, length);
            buffer = exact;
            return exact;
        }
    }
}
