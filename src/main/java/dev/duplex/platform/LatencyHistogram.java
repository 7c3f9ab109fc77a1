package dev.duplex.platform;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free histogram of durations with about 3% precision, for server-side timings (image
 * operations, chat fan-out). Buckets are log-linear: 32 sub-buckets per power of two of
 * microseconds, up to about 38 hours.
 */
public final class LatencyHistogram {

    private static final int SUB_BUCKETS = 32;
    private static final int SHIFT = Integer.numberOfTrailingZeros(SUB_BUCKETS);
    private static final int POWERS = 33;

    private final AtomicLongArray counts = new AtomicLongArray(POWERS * SUB_BUCKETS);
    private final LongAdder total = new LongAdder();
    private final LongAdder sumMicros = new LongAdder();
    private final AtomicLong maxMicros = new AtomicLong();

    /** Records one duration in nanoseconds. */
    public void record(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        counts.incrementAndGet(index(micros));
        total.increment();
        sumMicros.add(micros);
        maxMicros.accumulateAndGet(micros, Math::max);
    }

    static int index(long micros) {
        if (micros < SUB_BUCKETS) {
            return (int) micros;
        }
        int power = 63 - Long.numberOfLeadingZeros(micros) - SHIFT + 1;
        if (power >= POWERS) {
            return POWERS * SUB_BUCKETS - 1;
        }
        int sub = (int) (micros >>> (power - 1)) - SUB_BUCKETS;
        return power * SUB_BUCKETS + sub;
    }

    /** The largest value (in microseconds) that falls into the bucket. */
    static long upperBound(int index) {
        int power = index / SUB_BUCKETS;
        int sub = index % SUB_BUCKETS;
        if (power == 0) {
            return sub;
        }
        return ((long) (SUB_BUCKETS + sub + 1) << (power - 1)) - 1;
    }

    /** A consistent-enough copy of the figures, in microseconds. */
    public Snapshot snapshot() {
        long n = total.sum();
        long[] copy = new long[counts.length()];
        long seen = 0;
        for (int i = 0; i < copy.length; i++) {
            copy[i] = counts.get(i);
            seen += copy[i];
        }
        return new Snapshot(n, n == 0 ? 0 : sumMicros.sum() / (double) n, percentile(copy, seen, 0.50),
                percentile(copy, seen, 0.90), percentile(copy, seen, 0.99), maxMicros.get());
    }

    private static long percentile(long[] counts, long n, double p) {
        if (n == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p * n);
        long running = 0;
        for (int i = 0; i < counts.length; i++) {
            running += counts[i];
            if (running >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(counts.length - 1);
    }

    /** Count, mean and percentiles in microseconds. */
    public record Snapshot(long count, double meanMicros, long p50Micros, long p90Micros, long p99Micros, long maxMicros) {
    }
}
