package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PendingUpgradesTest {

    private static final long SECOND = 1_000_000_000L;

    /** Two connections that are equal but not the same object, as an engine's value type might be. */
    private record Connection(String id) {
    }

    private final PendingUpgrades upgrades = new PendingUpgrades();

    @Test
    void aClaimedUpgradeIsNeverReaped() {
        Connection connection = new Connection("a");
        upgrades.register(connection, 0);
        assertTrue(upgrades.claim(connection));
        assertEquals(List.of(), upgrades.reap(10 * SECOND, 5 * SECOND));
        assertEquals(1, upgrades.claimed());
        assertEquals(0, upgrades.reaped());
    }

    @Test
    void anUnclaimedUpgradeIsReapedOnlyAfterTheGracePeriod() {
        Connection orphan = new Connection("orphan");
        upgrades.register(orphan, 0);
        assertEquals(List.of(), upgrades.reap(5 * SECOND - 1, 5 * SECOND));
        assertEquals(List.of(orphan), upgrades.reap(5 * SECOND, 5 * SECOND));
        assertEquals(List.of(), upgrades.reap(60 * SECOND, 5 * SECOND), "reaped once");
        assertEquals(1, upgrades.reaped());
        assertEquals(0, upgrades.size());
    }

    @Test
    void connectionsAreMatchedByIdentityNotEquality() {
        Connection registered = new Connection("same");
        upgrades.register(registered, 0);
        assertFalse(upgrades.claim(new Connection("same")), "an equal but different connection claims nothing");
        assertEquals(List.of(registered), upgrades.reap(5 * SECOND, 5 * SECOND));
    }

    @Test
    void clearForgetsEverythingPending() {
        upgrades.register(new Connection("a"), 0);
        upgrades.register(new Connection("b"), 0);
        upgrades.clear();
        assertEquals(List.of(), upgrades.reap(60 * SECOND, 5 * SECOND));
    }
}
