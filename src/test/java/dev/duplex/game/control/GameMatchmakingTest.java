package dev.duplex.game.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.game.control.GameRoomsTest.Client;
import dev.duplex.game.entity.ClientMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Matchmaking (a join with an empty room name) on an instance of a cluster, against a fake bus
 * whose directory says which other instance holds which room.
 */
class GameMatchmakingTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final GameSettings settings = new GameSettings(30, 8, 16, 100, 40, 15, 60, 300, true, 32, 2000);

    /** A grid seen from instance "b": rooms other instances hold, and what b sends. */
    static final class FakeBus implements GameBus {
        final Map<String, String> held = new HashMap<>();
        final List<String> sentTo = new ArrayList<>();

        @Override
        public String mode() {
            return "fake";
        }

        @Override
        public String self() {
            return "b";
        }

        @Override
        public int instances() {
            return 2;
        }

        @Override
        public void listen(Listener listener) {
        }

        @Override
        public String claim(String room) {
            return held.computeIfAbsent(room, r -> "b");
        }

        @Override
        public List<String> orphans() {
            return List.of();
        }

        @Override
        public void save(String room, byte[] checkpoint) {
        }

        @Override
        public Optional<byte[]> checkpoint(String room) {
            return Optional.empty();
        }

        @Override
        public void closed(String room) {
            held.remove(room, "b");
        }

        @Override
        public void handOver(String room) {
            held.remove(room, "b");
        }

        @Override
        public void token(byte[] token, String room) {
        }

        @Override
        public void forget(byte[] token) {
        }

        @Override
        public Optional<String> roomOf(byte[] token) {
            return Optional.empty();
        }

        @Override
        public void send(String member, byte[] message) {
            sentTo.add(member);
        }

        @Override
        public void close() {
        }
    }

    private static ClientMessage.Join play(String name) {
        return new ClientMessage.Join(false, name, "", new byte[0]);
    }

    private GameRooms on(FakeBus bus) {
        return new GameRooms(settings, null, clock::get, 3, bus, Runnable::run, Runnable::run);
    }

    @Test
    void matchmakingSkipsTheNamesOtherInstancesHoldInsteadOfFailing() throws Exception {
        FakeBus bus = new FakeBus();
        bus.held.put("arena-1", "a");
        bus.held.put("arena-2", "a");
        GameRooms b = on(bus);
        GameRooms.Seat seat = b.join(play("bob"), new Client());
        assertEquals("arena-3", seat.room(), "a new room under a name nobody holds");
        assertTrue(seat.holds() && seat.id() != 0, "seated here");
        assertEquals("b", bus.held.get("arena-3"));
        assertEquals("a", bus.held.get("arena-1"), "a's rooms stay a's");
        assertEquals(List.of(), bus.sentTo, "nothing relayed: a's rooms are not known to have a free slot");
    }
}
