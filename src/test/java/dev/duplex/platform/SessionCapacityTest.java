package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Issue 16, item 5: the session limit is sized from the descriptors and the heap, the configured value a ceiling. */
class SessionCapacityTest {

    private static final long GIB = 1L << 30;
    private static final long KIB = 1024;

    @Test
    void theFileDescriptorLimitBindsWhenItIsBelowTheCeiling() {
        // the adversarial run: ulimit -n 20000 = max-sessions 20000, and the server needs descriptors of its own
        SessionCapacity capacity = SessionCapacity.size(20_000, 20_000, 348, 1024, 8 * GIB, 0.4, 40 * KIB);
        assertEquals(20_000 - 348 - 1024, capacity.effective());
        assertEquals("file descriptors", capacity.limitedBy());
        assertTrue(capacity.reason().contains("20000 (ulimit -n) - 348 open at start - 1024 headroom = 18628"), capacity.reason());
        assertEquals(20_000, capacity.ceiling());
    }

    @Test
    void theHeapBindsWhenIdleSessionsWouldNotFitInTheirShare() {
        SessionCapacity capacity = SessionCapacity.size(20_000, 1_000_000, 400, 1024, GIB, 0.4, 40 * KIB);
        assertEquals((int) (GIB * 0.4 / (40 * KIB)), capacity.effective());
        assertEquals(10_485, capacity.effective());
        assertEquals("heap", capacity.limitedBy());
        assertTrue(capacity.reason().startsWith("10485, set by heap"), capacity.reason());
    }

    @Test
    void theConfiguredValueIsACeiling() {
        SessionCapacity capacity = SessionCapacity.size(500, 1_000_000, 400, 1024, 8 * GIB, 0.4, 40 * KIB);
        assertEquals(500, capacity.effective());
        assertEquals("max-sessions", capacity.limitedBy());
    }

    @Test
    void theHeadroomIsAtMostAQuarterOfWhatTheLimitLeavesSoThatALowUlimitStillAdmitsSessions() {
        SessionCapacity capacity = SessionCapacity.size(20_000, 1024, 424, 1024, 8 * GIB, 0.4, 40 * KIB);
        assertEquals(600 - 150, capacity.effective());
        assertEquals(450, capacity.byFileDescriptors());
    }

    @Test
    void withoutACeilingTheServerIsStillBoundedByWhatItHas() {
        SessionCapacity capacity = SessionCapacity.size(0, 4096, 96, 1000, 8 * GIB, 0.4, 40 * KIB);
        assertEquals(3000, capacity.effective());
    }

    @Test
    void unknownFiguresAreLeftOutAndSaidSo() {
        SessionCapacity capacity = SessionCapacity.size(20_000, -1, -1, 1024, GIB, 0, 40 * KIB);
        assertEquals(20_000, capacity.effective());
        assertTrue(capacity.reason().contains("file descriptor limit unknown"), capacity.reason());
        assertEquals(0, SessionCapacity.size(0, -1, -1, 1024, 0, 0.4, 40 * KIB).effective(), "nothing known, nothing set: no limit");
    }

    @Test
    void aServerWithNoDescriptorsLeftStillAdmitsOneSessionRatherThanSwitchingTheLimitOff() {
        SessionCapacity capacity = SessionCapacity.size(20_000, 512, 600, 64, GIB, 0.4, 40 * KIB);
        assertEquals(1, capacity.effective(), "0 would mean no limit at all");
    }

    @Test
    void theRunningJvmKnowsItsDescriptors() {
        long limit = SessionCapacity.fileDescriptorLimit();
        long open = SessionCapacity.openFileDescriptors();
        assertTrue(limit > 0 && open > 0 && open <= limit, limit + " / " + open);
    }
}
