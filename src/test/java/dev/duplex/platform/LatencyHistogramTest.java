package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void emptyHistogramReadsZero() {
        assertEquals(new LatencyHistogram.Snapshot(0, 0, 0, 0, 0, 0), new LatencyHistogram().snapshot());
    }
}
