package dev.duplex.bench.feed;

import java.time.Instant;

/**
 * Turns the server's {@code ts} (epoch microseconds, the same machine's wall clock) into this
 * process's {@link System#nanoTime()} scale, so a publish-to-receive latency is
 * {@code receivedAt - nanoTimeOf(ts)}. The offset is measured once, as the tightest of several
 * wall-clock readings bracketed by two nanoTime readings.
 */
final class LatencyClock {

    private final long offsetNanos;

    LatencyClock(long offsetNanos) {
        this.offsetNanos = offsetNanos;
    }

    /** Calibrated against the wall clock now. */
    static LatencyClock calibrate() {
        long best = Long.MAX_VALUE;
        long offset = 0;
        for (int i = 0; i < 50; i++) {
            long before = System.nanoTime();
            Instant now = Instant.now();
            long after = System.nanoTime();
            long epochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            if (after - before < best) {
                best = after - before;
                offset = epochNanos - (before + (after - before) / 2);
            }
        }
        return new LatencyClock(offset);
    }

    /** The nanoTime at which the wall clock read {@code epochMicros}. */
    long nanoTimeOf(long epochMicros) {
        return epochMicros * 1_000L - offsetNanos;
    }

    /** The wall clock, epoch microseconds, at nanoTime {@code nanos}. */
    long epochMicrosOf(long nanos) {
        return Math.floorDiv(nanos + offsetNanos, 1_000L);
    }
}
