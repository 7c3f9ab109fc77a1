package dev.duplex.bench.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.bench.Measurement;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LatencyClockTest {

    @Test
    void convertsEpochMicrosToNanoTimeAndBack() {
        LatencyClock clock = new LatencyClock(1_000_000_000_000L);
        assertEquals(2_000_000L * 1000 - 1_000_000_000_000L, clock.nanoTimeOf(2_000_000L));
        assertEquals(2_000_000L, clock.epochMicrosOf(clock.nanoTimeOf(2_000_000L)));
    }

    @Test
    void aCalibratedClockAgreesWithTheWallClockToAMillisecond() {
        LatencyClock clock = LatencyClock.calibrate();
        // The wall clock is read between two nanoTime readings, so a thread that a busy machine
        // pauses between the readings widens the bracket instead of failing the test.
        long before = System.nanoTime();
        Instant now = Instant.now();
        long after = System.nanoTime();
        long wallMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        assertTrue(wallMicros > clock.epochMicrosOf(before) - 1_000 && wallMicros < clock.epochMicrosOf(after) + 1_000,
                "calibrated " + clock.epochMicrosOf(before) + " to " + clock.epochMicrosOf(after) + ", wall " + wallMicros);
    }

    @Test
    void aDeliveryIsTimedFromItsPublishTimestamp() {
        LatencyClock clock = new LatencyClock(0);
        Measurement m = new Measurement();
        m.startMeasuringNow();
        Traffic traffic = new Traffic(m, clock);
        long publishedMicros = (System.nanoTime() - 60_000_000_000L) / 1000; // a minute before the window
        long receivedAt = publishedMicros * 1000 + 60_002_500_000L; // arrives in it, 60.0025 s later
        traffic.delivery(receivedAt, publishedMicros, 0, true);
        traffic.delivery(receivedAt, publishedMicros, 0, false);
        assertEquals(1, m.histogram().getTotalCount(), "only readers are timed");
        assertEquals(60_002_500, m.histogram().getMaxValue(), 60_000, "a lag longer than the window still shows");
    }
}
