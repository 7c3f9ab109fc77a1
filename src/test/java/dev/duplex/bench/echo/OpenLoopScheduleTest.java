package dev.duplex.bench.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {

    @Test
    void splitsTheRateEvenlyAndStaggersTheConnections() {
        // 20 000 msgs/s over 1000 connections: 20 per connection per second, one every 50 ms.
        OpenLoopSchedule first = OpenLoopSchedule.forConnection(0, 20_000, 1000, 0);
        OpenLoopSchedule half = OpenLoopSchedule.forConnection(0, 20_000, 1000, 500);
        assertEquals(50_000_000, first.intervalNanos(), 1e-6);
        assertEquals(0, first.intended(0));
        assertEquals(50_000_000, first.intended(1));
        assertEquals(25_000_000, half.intended(0));
        assertEquals(75_000_000, half.intended(1));
    }

    @Test
    void countsWhatIsDueWithoutDrift() {
        OpenLoopSchedule s = OpenLoopSchedule.forConnection(1_000, 3, 1, 0);
        assertEquals(0, s.dueBy(999));
        assertEquals(1, s.dueBy(1_000));
        assertEquals(1, s.dueBy(1_000 + 333_333_332));
        assertEquals(2, s.dueBy(1_000 + 333_333_333));
        // One hour later the count is exactly rate x time: no accumulated rounding.
        assertEquals(3 * 3600 + 1, s.dueBy(1_000 + 3_600_000_000_000L));
        for (long k = 0; k < 10_000; k++) {
            assertTrue(s.intended(k) <= s.intended(k + 1));
            assertEquals(k + 1, s.dueBy(s.intended(k)));
        }
    }

    @Test
    void totalRateIsKeptOverAllConnections() {
        int connections = 7;
        long second = 1_000_000_000L;
        long due = 0;
        for (int i = 0; i < connections; i++) {
            due += OpenLoopSchedule.forConnection(0, 1000, connections, i).dueBy(10 * second - 1);
        }
        assertEquals(10_000, due, 7);
    }

    @Test
    void refusesImpossibleSchedules() {
        assertThrows(IllegalArgumentException.class, () -> OpenLoopSchedule.forConnection(0, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> OpenLoopSchedule.forConnection(0, 10, 2, 2));
    }
}
