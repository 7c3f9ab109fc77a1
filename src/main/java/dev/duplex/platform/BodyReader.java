package dev.duplex.platform;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP request body taken in as its bytes arrive, with three limits: a size (checked against
 * {@code Content-Length} before anything is read, and again at every chunk, so that at most one
 * chunk past the limit is ever looked at), a total deadline counted from the start of the read,
 * and a minimum average data rate. Plain Java with the clock passed in, so that every verdict is
 * tested without a server or a wait ({@code BodyReaderTest}); {@link RequestBodies} feeds it from
 * Servlet async I/O and asks {@link #check} from a shared sweep, so that the deadline also fires
 * when no more bytes come.
 *
 * <p>The rate rule: from {@link #RATE_GRACE_NANOS} after the start on, the bytes that have arrived
 * must be at least {@code minBytesPerSecond} per second since the grace ended (and never more
 * than the whole body when its length was announced). A client that sends its body at once never
 * meets the rule; one that trickles meets it within seconds; one that starts fast and then stalls
 * meets the deadline.
 *
 * <p>The buffer grows with the bytes that arrived (doubling, capped at the limit), never from the
 * announced length: announcing a large body reserves nothing.
 *
 * <p>Not thread-safe by itself: {@link RequestBodies} calls it under its own lock.
 */
final class BodyReader {

    /** How long a body may take before the rate rule applies (the time for its first bytes to come). */
    static final long RATE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Where a read stands; everything but {@link #READING} is final. */
    enum State {
        /** More bytes are expected. */
        READING,
        /** The whole body arrived within the limits: {@link #body()}. */
        COMPLETE,
        /** More bytes than the limit were announced or arrived. */
        TOO_LARGE,
        /** The deadline passed before the body was complete. */
        TIMED_OUT,
        /** The body arrived slower than the minimum rate. */
        TOO_SLOW
    }

    /**
     * The limits of one read.
     *
     * @param maxBytes          the largest body accepted
     * @param timeoutNanos      the most time the whole body may take; 0: no deadline
     * @param minBytesPerSecond the least average rate after the grace second; 0: no rate rule
     */
    record Limits(int maxBytes, long timeoutNanos, long minBytesPerSecond) {
        Limits {
            if (maxBytes < 0 || timeoutNanos < 0 || minBytesPerSecond < 0) {
                throw new IllegalArgumentException("negative body limit");
            }
        }
    }

    private final Limits limits;
    private final long contentLength;
    private final long start;
    private byte[] buffer = new byte[0];
    private int length;
    private State state = State.READING;

    /**
     * @param limits        the limits
     * @param contentLength the announced length, or -1 when none was (chunked)
     * @param start         the clock (nanoseconds, monotonic) when the read starts
     */
    BodyReader(Limits limits, long contentLength, long start) {
        this.limits = limits;
        this.contentLength = contentLength;
        this.start = start;
        if (contentLength > limits.maxBytes()) {
            state = State.TOO_LARGE;
        } else if (contentLength == 0) {
            state = State.COMPLETE;
        }
    }

    State state() {
        return state;
    }

    /** Bytes that arrived so far. */
    int received() {
        return length;
    }

    /** Bytes the buffer holds room for now (it grows with the bytes that arrived). */
    int capacity() {
        return buffer == null ? 0 : buffer.length;
    }

    /** The limits this read enforces. */
    Limits limits() {
        return limits;
    }

    /**
     * Takes {@code count} bytes that arrived at {@code now}. The deadline and the rate are checked
     * before the bytes count, so bytes that come late do not rescue a read that already failed.
     */
    State arrived(byte[] bytes, int offset, int count, long now) {
        if (state != State.READING) {
            return state;
        }
        if (check(now) != State.READING) {
            return state;
        }
        if (count > limits.maxBytes() - length) {
            // only bodies without a Content-Length get here: a longer announced one was refused at once
            state = State.TOO_LARGE;
            buffer = null;
            return state;
        }
        if (length + count > buffer.length) {
            int wanted = Math.max(length + count, Math.min(limits.maxBytes(), Math.max(256, buffer.length * 2)));
            buffer = Arrays.copyOf(buffer, wanted);
        }
        System.arraycopy(bytes, offset, buffer, length, count);
        length += count;
        if (length == contentLength) {
            state = State.COMPLETE;
        }
        return state;
    }

    /** The body ended (end of stream) at {@code now}. */
    State ended(long now) {
        if (state == State.READING) {
            // the end counts even at the deadline: every byte is in
            state = State.COMPLETE;
        }
        return state;
    }

    /** Whether the read has failed its deadline or its rate at {@code now}; called by the sweep too. */
    State check(long now) {
        if (state != State.READING) {
            return state;
        }
        long elapsed = now - start;
        if (limits.timeoutNanos() > 0 && elapsed >= limits.timeoutNanos()) {
            state = State.TIMED_OUT;
            buffer = null;
        } else if (limits.minBytesPerSecond() > 0 && elapsed > RATE_GRACE_NANOS && length < required(elapsed)) {
            state = State.TOO_SLOW;
            buffer = null;
        }
        return state;
    }

    /** The bytes the rate rule wants to have arrived after {@code elapsed} nanoseconds. */
    private long required(long elapsed) {
        double seconds = (elapsed - RATE_GRACE_NANOS) / 1e9;
        long wanted = (long) Math.ceil(limits.minBytesPerSecond() * seconds);
        return contentLength >= 0 ? Math.min(wanted, contentLength) : wanted;
    }

    /** The whole body; only when {@link #state()} is {@link State#COMPLETE}. */
    byte[] body() {
        if (state != State.COMPLETE) {
            throw new IllegalStateException("body read " + state);
        }
        return buffer.length == length ? buffer : Arrays.copyOf(buffer, length);
    }
}
