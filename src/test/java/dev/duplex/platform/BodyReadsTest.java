package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplex.platform.BodyReads.Admission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How many bodies may be in flight, and the sweep that ends the ones past their time. */
class BodyReadsTest {

    private final AtomicLong nanos = new AtomicLong(42);

    @Test
    void eachAddressHasItsShareAndAllTogetherTheTotal() {
        BodyReads reads = new BodyReads(new BodyReads.Bounds(5, 2), nanos::get);
        assertEquals(Admission.ADMITTED, reads.admit("10.0.0.1"));
        assertEquals(Admission.ADMITTED, reads.admit("10.0.0.1"));
        assertEquals(Admission.ADDRESS_FULL, reads.admit("10.0.0.1"));
        assertEquals(Admission.ADMITTED, reads.admit("10.0.0.2"));
        assertEquals(Admission.ADMITTED, reads.admit("10.0.0.2"));
        assertEquals(Admission.ADMITTED, reads.admit(null));
        assertEquals(Admission.SERVER_FULL, reads.admit("10.0.0.3"));
        assertEquals(5, reads.inFlight());

        reads.release("10.0.0.1");
        assertEquals(Admission.ADMITTED, reads.admit("10.0.0.1"), "a slot came back");
        reads.release("10.0.0.1");
        reads.release("10.0.0.1");
        reads.release("10.0.0.2");
        reads.release("10.0.0.2");
        reads.release(null);
        assertEquals(0, reads.inFlight());
        assertEquals(0, reads.addresses(), "no address is remembered without a body in flight");
        assertThrows(IllegalStateException.class, () -> reads.release("10.0.0.1"), "a slot is given back once");
    }

    @Test
    void zeroMeansUnbounded() {
        BodyReads reads = new BodyReads(new BodyReads.Bounds(0, 0), nanos::get);
        for (int i = 0; i < 1000; i++) {
            assertEquals(Admission.ADMITTED, reads.admit("10.0.0.1"));
        }
        assertEquals(1000, reads.inFlight());
    }

    @Test
    void theSweepAsksEveryReadAtOneInstantAndDropsTheOnesThatEnded() {
        BodyReads reads = new BodyReads(new BodyReads.Bounds(0, 0), nanos::get);
        List<Long> asked = new ArrayList<>();
        reads.track(now -> asked.add(now) && now >= 100);
        reads.track(now -> asked.add(now) && now >= 200);
        assertEquals(0, reads.sweep());
        assertEquals(List.of(42L, 42L), asked);
        nanos.set(150);
        assertEquals(1, reads.sweep());
        assertEquals(1, reads.watched());
        nanos.set(250);
        assertEquals(1, reads.sweep());
        assertEquals(0, reads.watched());
        asked.clear();
        assertEquals(0, reads.sweep());
        assertEquals(List.of(), asked);
    }
}
