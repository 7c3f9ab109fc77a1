package dev.duplex.game.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.game.entity.EntityKind;
import dev.duplex.game.entity.Input;
import dev.duplex.game.entity.Physics;
import dev.duplex.game.entity.SnapshotCodec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The world is deterministic given a seed; bots collect orbs; a view holds only what is near. */
class ArenaTest {

    /** Plays a seed: three humans with scripted inputs and five bots, for {@code ticks} ticks. */
    private static long replay(long seed, int ticks) {
        Arena arena = new Arena(seed, 30, 40);
        for (int id = 1; id <= 8; id++) {
            arena.add(id, id > 3);
        }
        for (int t = 0; t < ticks; t++) {
            int phase = t / 45;
            arena.step(Map.of(1, new Input(t, phase % 2 == 0 ? 127 : -90, 40, 0),
                    2, new Input(t, 0, phase % 3 == 0 ? -127 : 127, 1),
                    3, new Input(t, (t * 7) % 255 - 127, (t * 13) % 255 - 127, t % 2)));
        }
        return arena.digest();
    }

    @Test
    void theSameSeedAndInputsReplayToTheSameWorld() {
        assertEquals(replay(42, 900), replay(42, 900));
        assertNotEquals(replay(42, 900), replay(43, 900), "another seed, another world");
        assertNotEquals(replay(42, 900), replay(42, 901), "one more tick moves it");
    }

    @Test
    void botsCollectOrbsAndScoresOnlyGrow() {
        Arena arena = new Arena(5, 30, 40);
        arena.add(1, true);
        int last = 0;
        for (int t = 0; t < 30 * 30; t++) {
            arena.step(Map.of());
            int score = arena.ship(1).score;
            assertTrue(score >= last);
            last = score;
        }
        assertTrue(last >= 5, "a bot that seeks orbs for 30 s collects a few; it has " + last);
    }

    @Test
    void aViewHoldsTheOwnShipAndOnlyWhatIsWithinTheViewDistance() {
        Arena arena = new Arena(9, 30, 200);
        arena.add(1, false);
        arena.add(2, true);
        int[] me = arena.ship(1).state;
        int[] view = arena.view(me[0], me[1], 1);
        int limit = Physics.VIEW * Physics.SCALE;
        int orbs = 0;
        boolean own = false;
        for (int i = 0; i < view.length; i += SnapshotCodec.STRIDE) {
            assertTrue(i == 0 || view[i - SnapshotCodec.STRIDE] < view[i], "sorted by id");
            own |= view[i] == 1;
            if (view[i + 1] == EntityKind.ORB) {
                orbs++;
                assertTrue(Math.abs(view[i + 2] - me[0]) <= limit && Math.abs(view[i + 3] - me[1]) <= limit);
            }
        }
        assertTrue(own);
        assertTrue(orbs > 0 && orbs < 200, "some but not all of 200 orbs are in view: " + orbs);
    }
}
