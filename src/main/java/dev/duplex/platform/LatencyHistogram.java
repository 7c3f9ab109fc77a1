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

    /** Records one duration in nanoseconds, measured to the nanosecond (System.nanoTime). */
    public void record(long nanos) {
        record(nanos, 0);
    }

    /**
     * Records one duration measured with a coarser clock: {@code nanos} is a whole number of
     * {@code resolutionNanos} (e.g. milliseconds from {@code System.currentTimeMillis()}) and the
     * real duration lies anywhere in {@code [nanos, nanos + resolutionNanos)}. It is recorded as the
     * middle of that interval: a fan-out timed at "0 ms" took between 0 and 999 µs, not 0 µs, and
     * recording it as 0 made the summary read p50 0 µs beside a mean of 2 ms, and every figure one
     * half-step too low.
     */
    public void record(long nanos, long resolutionNanos) {
        long micros = Math.max(0, (Math.max(0, nanos) + Math.max(0, resolutionNanos) / 2) / 1000);
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

    /**
     * A copy of the figures, in microseconds, that always reads p50 <= p90 <= p99 <= max: the
     * percentiles come from one copy of the buckets (the count is that copy's total, not the
     * running total, which may have moved on), and a bucket's upper bound is capped at the largest
     * value recorded, which can lie below it (a bucket holds up to 1/32 more than its values).
     */
    public Snapshot snapshot() {
        long[] copy = new long[counts.length()];
        long n = 0;
        for (int i = 0; i < copy.length; i++) {
            copy[i] = counts.get(i);
            n += copy[i];
        }
        if (n == 0) {
            return new Snapshot(0, 0, 0, 0, 0, 0);
        }
        // record() updates the bucket before the maximum: a value seen in the copy may not have
        // reached maxMicros yet, so the maximum is at least the lower bound of the highest bucket.
        long max = Math.max(maxMicros.get(), lowerBound(highest(copy)));
        long p50 = Math.min(max, percentile(copy, n, 0.50));
        long p90 = Math.min(max, percentile(copy, n, 0.90));
        long p99 = Math.min(max, percentile(copy, n, 0.99));
        double mean = Math.min(max, Math.max(0, sumMicros.sum() / (double) total.sum()));
        return new Snapshot(n, mean, p50, p90, p99, max);
    }

    private static int highest(long[] counts) {
        for (int i = counts.length - 1; i > 0; i--) {
            if (counts[i] > 0) {
                return i;
            }
        }
        return 0;
    }

    /** The smallest value (in microseconds) that falls into the bucket. */
    static long lowerBound(int index) {
        return index == 0 ? 0 : upperBound(index - 1) + 1;
    }

    /** The nearest-rank percentile: the upper bound of the bucket holding the ceil(p * n)-th value. */
    private static long percentile(long[] counts, long n, double p) {
        long rank = Math.max(1, (long) Math.ceil(p * n));
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
