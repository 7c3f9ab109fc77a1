package dev.duplex.bench.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplex.bench.Options;
import dev.duplex.bench.UsageException;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GameScenarioTest {

    private static GameScenario.Settings settings(String... args) {
        return GameScenario.settings(Options.parse(List.of(args), Set.of("allow-remote")));
    }

    @Test
    void oneInstanceTakesEveryPlayerAndRelaysNone() {
        GameScenario.Settings s = settings("--url", "ws://127.0.0.1:8590/game", "--rooms", "3", "--server-pid", "42");
        assertEquals(List.of(URI.create("ws://127.0.0.1:8590/game")), s.urls());
        assertEquals(List.of(42L), s.serverPids());
        for (int i = 0; i < 24; i++) {
            assertEquals(0, s.instanceOf(i));
            assertEquals(false, s.relayed(i));
        }
    }

    @Test
    void twoInstancesShareTheRoomsAndHalfOfEveryRoomIsRelayed() {
        GameScenario.Settings s = settings("--url", "ws://127.0.0.1:8590/game, ws://127.0.0.1:8591/game", "--rooms", "4",
                "--server-pid", "41,42");
        assertEquals(2, s.urls().size());
        assertEquals(List.of(41L, 42L), s.serverPids());
        int[] owners = new int[2];
        for (int room = 0; room < 4; room++) {
            int first = room * 8;
            owners[s.instanceOf(first)]++;
            int relayed = 0;
            for (int i = first; i < first + 8; i++) {
                relayed += s.relayed(i) ? 1 : 0;
                assertEquals(s.instanceOf(i) != s.instanceOf(first), s.relayed(i));
            }
            assertEquals(4, relayed, "room " + room + ": half its players on the other instance");
        }
        assertEquals(2, owners[0], "rooms begin on either instance in turn");
        assertEquals(2, owners[1]);
    }

    @Test
    void urlsOffLoopbackAndBadPidsAreRefused() {
        assertThrows(UsageException.class, () -> settings("--url", "ws://127.0.0.1:8590/game,ws://example.org/game"));
        assertThrows(UsageException.class, () -> settings("--url", "ws://127.0.0.1:8590/game", "--server-pid", "x"));
    }
}
