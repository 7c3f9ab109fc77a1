package dev.duplex.game.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.game.control.GameRoomsTest.Client;
import dev.duplex.game.entity.ClientMessage;
import dev.duplex.game.entity.GameCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Matchmaking (a join with an empty room name) on an instance of a cluster: against a fake bus
 * whose directory and vacancies say what the other instances hold, and on two instances of the
 * in-memory grid ({@link MemoryGameGrid}).
 */
class GameMatchmakingTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final GameSettings settings = new GameSettings(30, 8, 16, 100, 40, 15, 60, 300, true, 32, 2000);

    /** A grid seen from instance "b": rooms other instances hold, their vacancies, who is live, and what b sends. */
    static final class FakeBus implements GameBus {
        final Map<String, String> held = new HashMap<>();
        final Map<String, Integer> vacancies = new HashMap<>();
        final Set<String> live = new HashSet<>(Set.of("a", "b"));
        final List<String> sentTo = new ArrayList<>();
        final List<Relay> sent = new ArrayList<>();
        final List<Integer> published = new ArrayList<>();
        RuntimeException gridFailure;

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
            return live.size();
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
        public void vacancy(int freeSlots) {
            if (gridFailure != null) {
                throw gridFailure;
            }
            published.add(freeSlots);
        }

        @Override
        public Map<String, Integer> vacancies() {
            if (gridFailure != null) {
                throw gridFailure;
            }
            return Map.copyOf(vacancies);
        }

        @Override
        public boolean live(String member) {
            return live.contains(member);
        }

        @Override
        public void send(String member, byte[] message) {
            sentTo.add(member);
            sent.add(Relay.decode(message));
        }

        @Override
        public void close() {
        }
    }

    private static ClientMessage.Join play(String name) {
        return new ClientMessage.Join(false, name, "", new byte[0]);
    }

    private GameRooms on(GameBus bus) {
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

    @Test
    void withNoFreeRoomHereTheJoinGoesToTheLiveInstanceWhoseFullestRoomHasTheFewestFreeSlots() throws Exception {
        FakeBus bus = new FakeBus();
        bus.live.addAll(List.of("c", "d"));
        bus.vacancies.putAll(Map.of("a", 7, "c", 2, "d", 5));
        GameRooms b = on(bus);
        GameRooms.Seat seat = b.join(play("bob"), new Client());
        assertEquals(List.of("c"), bus.sentTo, "relayed to c, whose room is the fullest");
        Relay join = bus.sent.get(0);
        assertEquals(Relay.JOIN, join.kind());
        assertEquals(new ClientMessage.Join(false, "bob", "", new byte[0]).room(),
                ((ClientMessage.Join) GameCodec.decodeClient(ByteBuffer.wrap(join.payload()))).room(),
                "the join keeps its empty room name: c matchmakes among its own rooms");
        assertTrue(seat.holds());
        assertEquals("", seat.room(), "the room is c's choice, known from its welcome");
        assertEquals(0, b.figures().rooms(), "no room created here");
        assertTrue(bus.held.isEmpty(), "no name claimed");
        assertEquals(1, b.figures().relayedOut());
    }

    @Test
    void aFreeRoomHereComesFirst() throws Exception {
        FakeBus bus = new FakeBus();
        GameRooms b = on(bus);
        assertEquals("arena-1", b.join(play("ann"), new Client()).room());
        bus.vacancies.put("a", 1);
        GameRooms.Seat seat = b.join(play("bob"), new Client());
        assertEquals("arena-1", seat.room(), "this instance's room with a free slot, before a's");
        assertEquals(List.of(), bus.sentTo);
        assertEquals(2, b.room("arena-1").humans());
    }

    @Test
    void thisInstancesOwnAndDepartedInstancesVacanciesAreIgnored() throws Exception {
        FakeBus bus = new FakeBus();
        bus.vacancies.putAll(Map.of("b", 1, "gone", 1, "a", 0));
        GameRooms b = on(bus);
        GameRooms.Seat seat = b.join(play("bob"), new Client());
        assertEquals(List.of(), bus.sentTo, "nobody live has a free slot");
        assertEquals("arena-1", seat.room(), "a new room here");
        assertTrue(seat.id() != 0);
    }

    @Test
    void whenTheGridFailsMatchmakingStaysHereAndSaysSoInTheLog() throws Exception {
        FakeBus bus = new FakeBus();
        bus.vacancies.put("a", 3);
        bus.gridFailure = new IllegalStateException("grid unreachable");
        GameRooms b = on(bus);
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(GameRooms.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        GameRooms.Seat seat;
        try {
            seat = b.join(play("bob"), new Client());
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals("arena-1", seat.room(), "seated in a new room here, not refused");
        assertTrue(seat.id() != 0);
        assertEquals(List.of(), bus.sentTo);
        assertTrue(logged.stream().anyMatch(r -> r.getLevel() == Level.WARNING && String.valueOf(r.getParameters()[0])
                .contains("grid unreachable")), "a warning with the cause");
    }

    @Test
    void aRelayedMatchmakingJoinIsMatchedOnTheInstanceItReachedNeverSentFurther() throws Exception {
        FakeBus bus = new FakeBus();
        bus.live.add("c");
        bus.vacancies.put("c", 1);
        bus.held.put("arena-1", "c");
        GameRooms b = on(bus);
        b.relay(Relay.of(Relay.JOIN, "a", 42, GameCodec.join(false, "ada", "", new byte[0])).encode());
        assertFalse(bus.sentTo.contains("c"), "not relayed again");
        assertEquals(1, b.figures().rooms(), "a room here, under a name c does not hold");
        assertEquals(1, b.room("arena-2").humans());
        Relay welcome = bus.sent.get(0);
        assertEquals("a", bus.sentTo.get(0));
        assertEquals(Relay.TO_CLIENT, welcome.kind());
        assertEquals("arena-2", ((GameCodec.Welcome) GameCodec.decodeServer(ByteBuffer.wrap(welcome.payload()))).room());
    }

    @Test
    void theVacancyIsTheFullestMatchmadeRoomsFreeSlotsPublishedWhenItChangesAndRetriedAfterAFailure() throws Exception {
        FakeBus bus = new FakeBus();
        GameRooms b = on(bus);
        b.publishVacancy();
        assertEquals(List.of(), bus.published, "nothing to publish: no room, 0 as at the start");
        for (int i = 0; i < 3; i++) {
            b.join(play("p" + i), new Client());
        }
        b.join(new ClientMessage.Join(false, "named", "duel", new byte[0]), new Client());
        bus.gridFailure = new IllegalStateException("grid unreachable");
        b.publishVacancy();
        assertEquals(0, b.vacancy(), "not published");
        bus.gridFailure = null;
        b.publishVacancy();
        assertEquals(List.of(5), bus.published, "arena-1 has 3 of 8 slots held; the named room does not count");
        assertEquals(5, b.vacancy());
        b.publishVacancy();
        assertEquals(List.of(5), bus.published, "unchanged: not published again");
        for (int i = 3; i < 8; i++) {
            b.join(play("p" + i), new Client());
        }
        b.publishVacancy();
        assertEquals(List.of(5, 0), bus.published, "arena-1 full: the entry goes");
        b.join(play("p8"), new Client());
        b.publishVacancy();
        assertEquals(List.of(5, 0, 7), bus.published, "arena-2 holds one");
    }

    @Test
    void onTwoInstancesAPlayerMatchedOnTheSecondPlaysInTheFirstsRoomUntilItIsFull() throws Exception {
        MemoryGameGrid grid = new MemoryGameGrid();
        GameRooms a = new GameRooms(settings, null, clock::get, 1, grid.member("a"), Runnable::run, Runnable::run);
        GameRooms b = new GameRooms(settings, null, clock::get, 2, grid.member("b"), Runnable::run, Runnable::run);
        Client ada = new Client();
        GameRooms.Seat adaSeat = a.join(play("ada"), ada);
        assertEquals("arena-1", adaSeat.room());
        a.publishVacancy();
        assertEquals(Map.of("a", 7), grid.vacancies);

        Client bob = new Client();
        GameRooms.Seat bobSeat = b.join(play("bob"), bob);
        grid.deliver();
        assertEquals("arena-1", bob.welcome().room(), "bob is seated in a's room");
        assertEquals("arena-1", bobSeat.room(), "his seat on b learnt the room from the welcome");
        assertEquals(0, b.figures().rooms());
        assertEquals(2, a.room("arena-1").humans());
        a.tickAll();
        grid.deliver();
        assertNotNull(bob.entity(adaSeat.id()), "bob sees ada");
        assertNotNull(ada.entity(bob.welcome().you()), "ada sees bob");

        for (int i = 0; i < 6; i++) {
            a.join(play("p" + i), new Client());
        }
        a.publishVacancy();
        assertTrue(grid.vacancies.isEmpty(), "a's room is full");
        Client cid = new Client();
        GameRooms.Seat cidSeat = b.join(play("cid"), cid);
        assertEquals("arena-2", cidSeat.room(), "a new room on b, under a name a does not hold");
        assertTrue(cidSeat.id() != 0);
        b.publishVacancy();
        assertEquals(Map.of("b", 7), grid.vacancies);

        grid.kill("b");
        GameRooms.Seat dan = a.join(play("dan"), new Client());
        assertTrue(dan.id() != 0 && a.room(dan.room()) != null, "b left: its vacancy is no place to go, dan plays on a");
        assertEquals(0, grid.deliver(), "nothing relayed");
    }
}
