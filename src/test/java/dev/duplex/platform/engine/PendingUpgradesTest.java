package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.engine.PendingUpgrades.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingUpgradesTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long GRACE = 5 * SECOND;
    private static final long STUCK = 60 * SECOND;

    /** Two connections that are equal but not the same object, as an engine's value type might be. */
    private record Connection(String id) {
    }

    private final PendingUpgrades upgrades = new PendingUpgrades();

    /** Registered, answered 101 and given up on by the engine at {@code at}: what Tyrus leaves after a failed upgrade. */
    private Connection failedUpgrade(String id, long at) {
        Connection connection = new Connection(id);
        upgrades.register(connection, "10.0.0.1", at);
        upgrades.answered(connection, 101, at);
        upgrades.engineDone(connection, at);
        return connection;
    }

    @Test
    void aClaimedUpgradeIsNeverReaped() {
        Connection connection = new Connection("a");
        upgrades.register(connection, "10.0.0.1", 0);
        upgrades.answered(connection, 101, 0);
        assertTrue(upgrades.claim(connection));
        upgrades.engineDone(connection, 0); // the engine's end comes after the session claimed it
        assertEquals(List.of(), upgrades.reap(10 * SECOND, GRACE, STUCK));
        assertEquals(1, upgrades.claimed());
        assertEquals(0, upgrades.reaped());
        assertEquals(0, upgrades.pending("10.0.0.1"));
    }

    @Test
    void anUpgradeTheEngineGaveUpOnIsReapedOnlyAfterTheGracePeriod() {
        Connection orphan = failedUpgrade("orphan", 10 * SECOND);
        assertEquals(List.of(), upgrades.reap(15 * SECOND - 1, GRACE, STUCK));
        assertEquals(List.of(orphan), upgrades.reap(15 * SECOND, GRACE, STUCK));
        assertEquals(List.of(), upgrades.reap(600 * SECOND, GRACE, STUCK), "reaped once");
        assertEquals(1, upgrades.reaped());
        assertEquals(0, upgrades.size());
    }

    /** Issue 16, item 6: a loaded server may take far longer than the grace period to open a session. */
    @Test
    void aSessionStillBeingOpenedIsNotReapedHoweverLongItTakes() {
        Connection slow = new Connection("slow");
        upgrades.register(slow, "10.0.0.1", 0);
        assertEquals(Stage.UPGRADING, upgrades.stage(slow));
        assertEquals(List.of(), upgrades.reap(30 * SECOND, GRACE, STUCK), "the engine is still handling the handshake");
        upgrades.answered(slow, 101, 30 * SECOND);
        assertEquals(Stage.OPENING, upgrades.stage(slow));
        assertEquals(List.of(), upgrades.reap(59 * SECOND, GRACE, STUCK), "its session is being opened");
        assertTrue(upgrades.claim(slow));
        assertEquals(0, upgrades.reaped());
    }

    @Test
    void theGracePeriodRunsFromTheEngineGivingUpNotFromTheHandshake() {
        Connection late = new Connection("late");
        upgrades.register(late, "10.0.0.1", 0);
        upgrades.answered(late, 101, 20 * SECOND);
        upgrades.engineDone(late, 40 * SECOND);
        assertEquals(Stage.UPGRADED, upgrades.stage(late));
        assertEquals(List.of(), upgrades.reap(44 * SECOND, GRACE, STUCK));
        assertEquals(List.of(late), upgrades.reap(45 * SECOND, GRACE, STUCK));
    }

    @Test
    void anUpgradeWhoseEndIsNeverReportedIsForgottenWithoutBeingClosed() {
        Connection stuck = new Connection("stuck");
        upgrades.register(stuck, "10.0.0.1", 0);
        upgrades.answered(stuck, 101, SECOND);
        assertEquals(List.of(), upgrades.reap(STUCK - 1, GRACE, STUCK));
        assertEquals(Stage.OPENING, upgrades.stage(stuck));
        assertEquals(List.of(), upgrades.reap(STUCK, GRACE, STUCK), "its session may be open: never closed on a guess");
        assertNull(upgrades.stage(stuck));
        assertEquals(1, upgrades.forgotten());
        assertEquals(0, upgrades.reaped());
        assertEquals(0, upgrades.pending("10.0.0.1"));
    }

    @Test
    void aHandshakeTheEngineDidNotUpgradeIsForgotten() {
        Connection notFound = new Connection("404");
        upgrades.register(notFound, "10.0.0.1", 0);
        upgrades.answered(notFound, 404, 0);
        assertNull(upgrades.stage(notFound));
        assertEquals(0, upgrades.size());
        assertEquals(0, upgrades.pending("10.0.0.1"));
        assertEquals(List.of(), upgrades.reap(600 * SECOND, GRACE, STUCK), "its keep-alive is not cut");
    }

    @Test
    void handshakesInProgressAreCountedPerAddressUntilClaimedReapedOrForgotten() {
        Connection a = new Connection("a");
        Connection b = new Connection("b");
        Connection c = new Connection("c");
        upgrades.register(a, "10.0.0.1", 0);
        upgrades.register(b, "10.0.0.1", 0);
        upgrades.register(c, "10.0.0.2", 0);
        assertEquals(2, upgrades.pending("10.0.0.1"));
        assertEquals(1, upgrades.pending("10.0.0.2"));
        assertEquals(0, upgrades.pending("10.0.0.3"));

        upgrades.claim(a);
        upgrades.answered(c, 400, 0);
        assertEquals(1, upgrades.pending("10.0.0.1"));
        assertEquals(0, upgrades.pending("10.0.0.2"));

        upgrades.answered(b, 101, 0);
        upgrades.engineDone(b, 0);
        upgrades.reap(GRACE, GRACE, STUCK);
        assertEquals(0, upgrades.pending("10.0.0.1"));
        assertEquals(0, upgrades.size());
    }

    @Test
    void aSecondHandshakeOnOneConnectionCountsOnce() {
        Connection keptAlive = new Connection("keep-alive");
        upgrades.register(keptAlive, "10.0.0.1", 0);
        upgrades.answered(keptAlive, 404, 0);
        upgrades.register(keptAlive, "10.0.0.1", 0);
        upgrades.register(keptAlive, "10.0.0.1", 0);
        assertEquals(1, upgrades.pending("10.0.0.1"));
        assertEquals(1, upgrades.size());
    }

    @Test
    void connectionsAreMatchedByIdentityNotEquality() {
        Connection registered = failedUpgrade("same", 0);
        assertFalse(upgrades.claim(new Connection("same")), "an equal but different connection claims nothing");
        assertEquals(List.of(registered), upgrades.reap(GRACE, GRACE, STUCK));
    }

    @Test
    void clearForgetsEverythingPending() {
        failedUpgrade("a", 0);
        failedUpgrade("b", 0);
        upgrades.clear();
        assertEquals(List.of(), upgrades.reap(600 * SECOND, GRACE, STUCK));
        assertEquals(0, upgrades.pending("10.0.0.1"));
    }
}
