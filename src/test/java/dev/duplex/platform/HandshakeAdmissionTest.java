package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 16, items 5 and 6: which handshakes get 503 before the upgrade. */
class HandshakeAdmissionTest {

    private static final Limits LIMITS = new Limits(100, 10, 0, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    private static final int PENDING_PER_ADDRESS = 4;

    private static Connections.Busy check(int open, int pending, int openFromAddress, int pendingFromAddress) {
        return HandshakeAdmission.check(LIMITS, PENDING_PER_ADDRESS, false, open, pending, openFromAddress, pendingFromAddress);
    }

    @Test
    void aHandshakeWithRoomIsAdmitted() {
        assertNull(check(0, 0, 0, 0));
        assertNull(check(98, 1, 8, 1));
    }

    @Test
    void upgradesInProgressCountAgainstTheServersSessionLimit() {
        assertNull(check(90, 9, 0, 0));
        Connections.Busy busy = check(90, 10, 0, 0);
        assertEquals("max sessions (503)", busy.reason());
        assertTrue(busy.message().contains("(100)"), busy.message());
        assertEquals("max sessions (503)", check(100, 0, 0, 0).reason());
    }

    @Test
    void upgradesInProgressCountAgainstTheAddressesSessionLimit() {
        assertEquals("max sessions per address (503)", check(10, 0, 7, 3).reason());
        assertEquals("max sessions per address (503)", check(10, 0, 10, 0).reason());
    }

    @Test
    void oneAddressMayHaveOnlySoManyHandshakesInProgress() {
        assertNull(check(0, 3, 0, 3));
        Connections.Busy busy = check(0, 4, 0, 4);
        assertEquals("pending upgrades per address (503)", busy.reason());
        assertTrue(busy.message().contains("(4)"), busy.message());
    }

    @Test
    void aStoppingServerAdmitsNothing() {
        assertEquals("shutting down", HandshakeAdmission.check(LIMITS, PENDING_PER_ADDRESS, true, 0, 0, 0, 0).reason());
    }

    @Test
    void limitsOfZeroAreSwitchedOff() {
        Limits none = Limits.none();
        assertNull(HandshakeAdmission.check(none, 0, false, 1_000_000, 1_000_000, 1_000_000, 1_000_000));
    }
}
