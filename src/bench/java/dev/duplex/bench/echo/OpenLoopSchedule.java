package dev.duplex.bench.echo;

/**
 * When each message of one connection is due in an open-loop run: the total rate is split evenly
 * over the connections, and connection {@code i} of {@code n} is offset by {@code i/n} of an
 * interval so that sends are spread over time instead of arriving in bursts. A message's latency
 * is measured from this intended time, not from when it actually left, so a server that stalls
 * the client cannot hide the stall (wrk2's answer to coordinated omission).
 */
public final class OpenLoopSchedule {

    private final long start;
    private final double intervalNanos;
    private final double offsetNanos;

    OpenLoopSchedule(long start, double intervalNanos, double offsetNanos) {
        this.start = start;
        this.intervalNanos = intervalNanos;
        this.offsetNanos = offsetNanos;
    }

    /**
     * @param start when message 0 of connection 0 is due ({@link System#nanoTime()})
     * @param totalRate messages per second over all connections
     */
    public static OpenLoopSchedule forConnection(long start, double totalRate, int connections, int index) {
        if (totalRate <= 0 || connections <= 0 || index < 0 || index >= connections) {
            throw new IllegalArgumentException("rate " + totalRate + ", connection " + index + " of " + connections);
        }
        double interval = 1e9 * connections / totalRate;
        return new OpenLoopSchedule(start, interval, interval * index / connections);
    }

    /** When message {@code k} (0-based) is due. */
    public long intended(long k) {
        return start + Math.round(offsetNanos + k * intervalNanos);
    }

    /** How many messages are due at {@code now} (messages 0 .. n-1). */
    public long dueBy(long now) {
        double elapsed = now - start - offsetNanos;
        if (elapsed < 0) {
            return 0;
        }
        long n = (long) Math.floor(elapsed / intervalNanos) + 1;
        // Guard the floating-point edge: message n-1 must really be due, message n must not.
        while (n > 0 && intended(n - 1) > now) {
            n--;
        }
        while (intended(n) <= now) {
            n++;
        }
        return n;
    }

    public double intervalNanos() {
        return intervalNanos;
    }
}
