package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeaderClockTest {

    private static final long TIMEOUT = 10;
    private final HeaderClock clock = new HeaderClock();

    @Test
    void headersStillIncompleteAfterTheTimeoutExpire() {
        Object request = new Object();
        assertFalse(clock.expired(request, 100, TIMEOUT));
        assertFalse(clock.expired(request, 109, TIMEOUT));
        assertTrue(clock.expired(request, 110, TIMEOUT));
    }

    @Test
    void completedHeadersStopTheClock() {
        Object request = new Object();
        assertFalse(clock.expired(request, 100, TIMEOUT));
        assertFalse(clock.expired(null, 105, TIMEOUT), "headers in");
        assertFalse(clock.expired(null, 1_000, TIMEOUT), "a long request or an upgraded connection is not timed here");
    }

    @Test
    void eachRequestOnAKeptAliveConnectionGetsItsOwnDeadline() {
        Object first = new Object();
        Object second = new Object();
        assertFalse(clock.expired(first, 100, TIMEOUT));
        assertFalse(clock.expired(second, 108, TIMEOUT));
        assertFalse(clock.expired(second, 117, TIMEOUT));
        assertTrue(clock.expired(second, 118, TIMEOUT));
    }
}
