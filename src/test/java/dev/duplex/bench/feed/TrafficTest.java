package dev.duplex.bench.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.bench.Measurement;
import org.junit.jupiter.api.Test;

class TrafficTest {

    @Test
    void countsBytesMessagesAndDeliveriesThatArriveInTheWindow() {
        Measurement m = new Measurement();
        Traffic traffic = new Traffic(m, new LatencyClock(0));
        long before = System.nanoTime();
        traffic.message(before, 1000);
        traffic.delivery(before, 0, 0, false);
        assertEquals(0, traffic.bytes(), "before the window");
        assertTrue(Double.isNaN(traffic.bytesPerDelivery()));

        m.startMeasuringNow();
        long at = System.nanoTime() + 1;
        traffic.message(at, 300);
        for (int i = 0; i < 4; i++) {
            traffic.delivery(at, 0, i == 0 ? 3 : 0, false);
        }
        traffic.message(at, 100);
        traffic.delivery(at, 0, 0, false);
        assertEquals(400, traffic.bytes());
        assertEquals(2, traffic.messages());
        assertEquals(5, traffic.deliveries());
        assertEquals(3, traffic.conflated());
        assertEquals(80.0, traffic.bytesPerDelivery(), 1e-9);
    }
}
