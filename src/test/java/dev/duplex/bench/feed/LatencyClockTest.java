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
        Instant now = Instant.now();
        long nano = System.nanoTime();
        long wallMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        assertTrue(Math.abs(clock.epochMicrosOf(nano) - wallMicros) < 1_000,
                "calibrated " + clock.epochMicrosOf(nano) + " wall " + wallMicros);
    }

    @Test
    void aDeliveryIsTimedFromItsPublishTimestamp() {
        LatencyClock clock = new LatencyClock(0);
        Measurement m = new Measurement();
        m.startMeasuringNow();
        Traffic traffic = new Traffic(m, clock);
        long publishedMicros = (System.nanoTime() + 1_000_000) / 1000;
        long receivedAt = publishedMicros * 1000 + 2_500_000; // 2.5 ms later
        traffic.delivery(receivedAt, publishedMicros, 0, true);
        traffic.delivery(receivedAt, publishedMicros, 0, false);
        assertEquals(1, m.histogram().getTotalCount(), "only readers are timed");
        assertEquals(2_500, m.histogram().getMaxValue(), 2);
    }
}
