package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void bucketsCoverEveryValueWithinThreePercent() {
        for (long micros = 0; micros < 10_000_000; micros = micros < 100 ? micros + 1 : micros * 11 / 10) {
            long upper = LatencyHistogram.upperBound(LatencyHistogram.index(micros));
            assertTrue(upper >= micros, micros + " <= " + upper);
            assertTrue(upper - micros <= Math.max(1, micros / 32), micros + " within 1/32 of " + upper);
        }
    }

    @Test
    void percentilesOfAKnownDistribution() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int ms = 1; ms <= 100; ms++) {
            histogram.record(ms * 1_000_000L);
        }
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();
        assertEquals(100, snapshot.count());
        assertEquals(50_500, snapshot.meanMicros(), 1);
        assertEquals(50_000, snapshot.p50Micros(), 50_000 / 32.0);
        assertEquals(99_000, snapshot.p99Micros(), 99_000 / 32.0);
        assertEquals(100_000, snapshot.maxMicros());
    }

    @Test
    void millisecondTimingsAreSummarisedAsTheMiddleOfTheirMillisecond() {
        // chat.fanout is timed with currentTimeMillis: 60 of 100 fan-outs read "0 ms", so the summary
        // read p50 0 µs beside a mean of 2 ms. A "0 ms" took somewhere in 0..999 µs.
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 60; i++) {
            histogram.record(0, 1_000_000);
        }
        for (int i = 0; i < 40; i++) {
            histogram.record(5_000_000, 1_000_000);
        }
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();
        assertEquals(500, snapshot.p50Micros(), 500 / 32.0, "the middle of the first millisecond");
        assertEquals(5_500, snapshot.p90Micros(), 5_500 / 32.0);
        assertEquals(5_500, snapshot.maxMicros());
        assertEquals(0.6 * 500 + 0.4 * 5_500, snapshot.meanMicros(), 1, "the mean is no longer half a millisecond low");
        assertTrue(snapshot.p50Micros() <= snapshot.meanMicros() && snapshot.meanMicros() <= snapshot.p90Micros());
    }

    @Test
    void nanosecondTimingsAreRecordedAsMeasured() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(7_000);
        histogram.record(7_000, 0);
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();
        assertEquals(7, snapshot.p50Micros());
        assertEquals(7, snapshot.maxMicros());
        assertEquals(7, snapshot.meanMicros(), 0);
    }

    @Test
    void emptyHistogramReadsZero() {
        assertEquals(new LatencyHistogram.Snapshot(0, 0, 0, 0, 0, 0), new LatencyHistogram().snapshot());
    }

    @Test
    void percentilesNeverExceedTheMaximum() {
        // One value of 33 ms sits in a bucket whose upper bound is higher: the summary used to read
        // p50 = p99 = that bound, above the max.
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(33_000_000L);
        LatencyHistogram.Snapshot snapshot = histogram.snapshot();
        assertEquals(33_000, snapshot.maxMicros());
        assertEquals(33_000, snapshot.p99Micros());
        assertEquals(33_000, snapshot.p50Micros());
    }

    @Test
    void percentilesAreOrderedForAnyDistribution() {
        SplittableRandom random = new SplittableRandom(11);
        for (int run = 0; run < 500; run++) {
            LatencyHistogram histogram = new LatencyHistogram();
            int n = 1 + random.nextInt(300);
            long largest = 0;
            for (int i = 0; i < n; i++) {
                long nanos = (long) Math.pow(10, random.nextDouble(2, 10)); // 100 ns to 10 s
                largest = Math.max(largest, nanos / 1000);
                histogram.record(nanos);
            }
            assertOrdered(histogram.snapshot(), "run " + run);
            assertEquals(largest, histogram.snapshot().maxMicros(), "run " + run);
        }
    }

    @Test
    void percentilesStayOrderedWhileValuesArrive() throws Exception {
        LatencyHistogram histogram = new LatencyHistogram();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 2_000_000; i++) {
                histogram.record(random.nextLong(1, 50_000_000L));
            }
        });
        while (!writer.isDone()) {
            assertOrdered(histogram.snapshot(), "while recording");
        }
        writer.get(1, TimeUnit.MINUTES);
        assertOrdered(histogram.snapshot(), "at the end");
    }

    private static void assertOrdered(LatencyHistogram.Snapshot s, String when) {
        String figures = when + ": " + s;
        assertTrue(0 <= s.p50Micros(), figures);
        assertTrue(s.p50Micros() <= s.p90Micros(), figures);
        assertTrue(s.p90Micros() <= s.p99Micros(), figures);
        assertTrue(s.p99Micros() <= s.maxMicros(), figures);
        assertTrue(s.meanMicros() <= s.maxMicros(), figures);
    }
}
