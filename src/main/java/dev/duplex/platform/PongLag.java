package dev.duplex.platform;

/**
 * How late the server itself reads pongs: the longest ping-to-pong time it observed lately, over
 * the sessions that did answer. Under a connection flood Grizzly's worker queue holds every
 * connection's read, the pongs of live clients among them, for as long as the queue is deep (30 s
 * and more on a starved machine, measured with {@code src/bench/flood.sh}); a pong timeout counted
 * from the ping alone then closed those live clients with 1001 {@code No pong within 15 s}. The
 * keepalive adds this lag to the pong timeout ({@link Liveness}), capped at {@code cap}, so that a
 * session is called unresponsive only when it is later than the sessions that answered.
 *
 * <p>The lag is the larger maximum of the current and the previous window of {@code window}
 * nanoseconds, so it follows the server back down within two windows once the backlog is gone.
 * Plain Java, tested without a clock. Thread-safe.
 */
final class PongLag {

    private final long window;
    private final long cap;
    private long windowStart;
    private long current;
    private long previous;

    /**
     * @param window how long an observation counts (at least one, at most two windows)
     * @param cap    the most the lag may add to the pong timeout
     */
    PongLag(long window, long cap) {
        this.window = Math.max(1, window);
        this.cap = Math.max(0, cap);
    }

    /** A pong arrived {@code roundTrip} nanoseconds after its ping, seen at {@code now}. */
    synchronized void observed(long roundTrip, long now) {
        roll(now);
        current = Math.max(current, Math.max(0, roundTrip));
    }

    /** What the keepalive adds to the pong timeout at {@code now}. */
    synchronized long allowance(long now) {
        roll(now);
        return Math.min(cap, Math.max(current, previous));
    }

    private void roll(long now) {
        long elapsed = now - windowStart;
        if (elapsed >= 2 * window) {
            previous = 0;
            current = 0;
            windowStart = now;
        } else if (elapsed >= window) {
            previous = current;
            current = 0;
            windowStart += window;
        }
    }
}
