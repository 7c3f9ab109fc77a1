package dev.duplex.game.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.game.entity.ClientMessage;
import dev.duplex.game.entity.GameCodec;
import dev.duplex.game.entity.Input;
import dev.duplex.game.entity.SnapshotCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Matchmaking, bots, inputs, delta snapshots against acknowledgements, rejoin, spectators, limits. */
class GameRoomsTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    /** A client that keeps what it is sent and decodes snapshots as the page does. */
    static final class Client implements GameSink {
        final List<ByteBuffer> messages = new ArrayList<>();
        final List<SnapshotCodec.Snapshot> snapshots = new ArrayList<>();
        long reserved;
        long budget = Long.MAX_VALUE;
        String closed;

        @Override
        public boolean send(ByteBuffer message) {
            messages.add(message.duplicate());
            if ((message.get(message.position()) & 0xFF) == GameCodec.SNAPSHOT) {
                long base = SnapshotCodec.baseOf(message);
                int[] known = snapshots.stream().filter(s -> s.tick() == base).map(SnapshotCodec.Snapshot::entities).findFirst().orElse(null);
                snapshots.add(SnapshotCodec.decode(message, known));
            }
            return true;
        }

        @Override
        public void close(int code, String reason) {
            closed = code + " " + reason;
        }

        @Override
        public boolean reserve(long bytes) {
            if (reserved + bytes > budget) {
                return false;
            }
            reserved += bytes;
            return true;
        }

        @Override
        public void release(long bytes) {
            reserved -= bytes;
        }

        GameCodec.Welcome welcome() {
            return messages.stream().filter(m -> (m.get(0) & 0xFF) == GameCodec.WELCOME)
                    .map(m -> (GameCodec.Welcome) GameCodec.decodeServer(m)).reduce((a, b) -> b).orElseThrow();
        }

        SnapshotCodec.Snapshot last() {
            return snapshots.get(snapshots.size() - 1);
        }

        int[] entity(int id) {
            int[] e = last().entities();
            for (int i = 0; i < e.length; i += SnapshotCodec.STRIDE) {
                if (e[i] == id) {
                    return java.util.Arrays.copyOfRange(e, i, i + SnapshotCodec.STRIDE);
                }
            }
            return null;
        }
    }

    private GameRooms rooms(GameSettings settings) {
        return new GameRooms(settings, null, clock::get, 11);
    }

    private static ClientMessage.Join play(String name) {
        return new ClientMessage.Join(false, name, "", new byte[0]);
    }

    @Test
    void playersMeetInTheFullestRoomAndBotsFillTheOtherSlots() throws Exception {
        GameRooms rooms = rooms(GameSettings.defaults());
        List<GameRooms.Seat> seats = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            seats.add(rooms.join(play("p" + i), new Client()));
        }
        assertEquals("arena-1", seats.get(0).room());
        assertEquals("arena-1", seats.get(7).room(), "eight slots per room");
        assertEquals("arena-2", seats.get(8).room(), "the ninth goes to a new room");
        GameRooms.Figures figures = rooms.figures();
        assertEquals(2, figures.rooms());
        assertEquals(9, figures.players());
        assertEquals(7, figures.bots(), "arena-1 has no bot left, arena-2 seven");
        assertEquals(8, rooms.room("arena-2").humans() + rooms.room("arena-2").bots(), "every slot is flown");
    }

    @Test
    void snapshotsAreFullUntilAcknowledgedThenDeltasAgainstTheAcknowledgedOne() throws Exception {
        GameRooms rooms = rooms(GameSettings.defaults());
        Client ada = new Client();
        GameRooms.Seat seat = rooms.join(play("ada"), ada);
        rooms.tickAll();
        rooms.tickAll();
        assertEquals(0, ada.snapshots.get(0).base());
        assertEquals(0, ada.snapshots.get(1).base(), "nothing acknowledged yet");
        rooms.acknowledge(seat, ada.snapshots.get(1).tick());
        rooms.tickAll();
        assertEquals(ada.snapshots.get(1).tick(), ada.last().base());
        ByteBuffer lastMessage = ada.messages.get(ada.messages.size() - 1);
        rooms.acknowledge(seat, 99_999); // never sent: ignored
        rooms.tickAll();
        assertEquals(ada.snapshots.get(1).tick(), ada.last().base());
        assertTrue(lastMessage.remaining() < ada.messages.stream().filter(m -> (m.get(0) & 0xFF) == GameCodec.SNAPSHOT)
                .findFirst().orElseThrow().remaining(), "a delta is smaller than the first full snapshot");
        // the state the client rebuilds from deltas is the server's
        int[] server = rooms.room(seat).ship(seat.id());
        int[] seen = ada.entity(seat.id());
        assertArrayEquals(new int[] {server[0], server[1], server[2], server[3]}, new int[] {seen[2], seen[3], seen[4], seen[5]});
    }

    @Test
    void aStandingInputQueueIsDroppedAfterAWindowWhileJitterIsNot() throws Exception {
        GameRooms rooms = rooms(GameSettings.defaults());
        Client ada = new Client();
        GameRooms.Seat seat = rooms.join(play("ada"), ada);
        Client bob = new Client();
        GameRooms.Seat bobs = rooms.join(play("bob"), bob);
        long adaSeq = 0;
        long bobSeq = 0;
        // ada's client ran ahead once (a burst of six after a stall), then sends one input per tick:
        // five inputs wait at every tick from then on, five ticks of latency for as long as she plays.
        // bob's network delivers his inputs in pairs every other tick: jitter, nothing standing.
        for (int i = 0; i < 5; i++) {
            assertTrue(rooms.input(seat, new Input(++adaSeq, 127, 0, 0), 0));
        }
        for (int t = 0; t < 3 * Room.TRIM_TICKS; t++) {
            assertTrue(rooms.input(seat, new Input(++adaSeq, 127, 0, 0), 0));
            if (t % 2 == 0) {
                assertTrue(rooms.input(bobs, new Input(++bobSeq, 0, 127, 0), 0));
                assertTrue(rooms.input(bobs, new Input(++bobSeq, 0, 127, 0), 0));
            }
            rooms.tickAll();
            if (t == Room.TRIM_TICKS - 2) {
                assertEquals(adaSeq - 5, ada.last().inputSeq(), "before the window ends, ada's inputs wait five ticks");
            }
        }
        assertEquals(adaSeq, ada.last().inputSeq(), "after it, her newest input is the one applied");
        assertEquals(bobSeq, bob.last().inputSeq(), "bob's pairs were all applied, one a tick");
        assertEquals(5, rooms.figures().droppedInputs(), "ada's five standing inputs, once; none of bob's");
    }

    @Test
    void inputsMoveTheShipOnePerTickStaleOnesAreDroppedAndTheAppliedSeqIsReported() throws Exception {
        GameRooms rooms = rooms(GameSettings.defaults());
        Client ada = new Client();
        GameRooms.Seat seat = rooms.join(play("ada"), ada);
        rooms.tickAll();
        int x0 = ada.entity(seat.id())[2];
        for (int seq = 1; seq <= 5; seq++) {
            assertTrue(rooms.input(seat, new Input(seq, 127, 0, 0), 0));
        }
        assertTrue(rooms.input(seat, new Input(3, -127, 0, 0), 0), "a stale input is no abuse");
        for (int t = 1; t <= 5; t++) {
            rooms.tickAll();
            assertEquals(t, ada.last().inputSeq(), "one input per tick");
        }
        assertTrue(ada.entity(seat.id())[2] > x0 || x0 >= 31000, "thrust to the right moved the ship right");
        assertEquals(1, rooms.figures().staleInputs());
    }

    @Test
    void aShipWhoseInputsStopHoldsTheLastOneBrieflyThenCoasts() throws Exception {
        GameRooms rooms = rooms(GameSettings.defaults());
        Client ada = new Client();
        GameRooms.Seat seat = rooms.join(play("ada"), ada);
        rooms.input(seat, new Input(1, 0, 127, 0), 0);
        for (int t = 0; t <= Room.HOLD_TICKS; t++) {
            rooms.tickAll();
        }
        int[] held = rooms.room(seat).ship(seat.id());
        assertTrue(held[3] > 0 || held[1] >= 31_000, "the held input kept thrusting down");
        rooms.tickAll();
        int[] coasting = rooms.room(seat).ship(seat.id());
        assertTrue(coasting[3] < held[3] || coasting[3] == 0, "then drag only: " + held[3] + " -> " + coasting[3]);
        for (int t = 0; t < 300; t++) {
            rooms.tickAll();
        }
        assertEquals(0, rooms.room(seat).ship(seat.id())[3], "and it comes to rest");
    }

    @Test
    void inputsFasterThanTheRateAreRefused() throws Exception {
        GameRooms rooms = rooms(GameSettings.defaults());
        GameRooms.Seat seat = rooms.join(play("ada"), new Client());
        int accepted = 0;
        for (int seq = 1; seq <= 1000; seq++) {
            if (!rooms.input(seat, new Input(seq, 0, 0, 0), 0)) {
                break;
            }
            accepted++;
        }
        assertEquals(GameSettings.defaults().inputBurst(), accepted, "the burst at once, not more");
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertTrue(rooms.input(seat, new Input(2000, 0, 0, 0), 0), "the rate refills");
    }

    @Test
    void lateTicksCatchUpWithoutSnapshotsAndTicksASecondLateAreSkipped() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        long period = TimeUnit.SECONDS.toNanos(1) / 30;
        List<Long> lateness = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        GameRooms.Ticker ticker = new GameRooms.Ticker(now::get, period, period, lateness::add,
                () -> runs.add("step"), () -> runs.add("catch-up"), () -> runs.add("skip"));
        now.set(period + TimeUnit.MILLISECONDS.toNanos(1));
        ticker.run();
        assertEquals(List.of("step"), runs, "a millisecond late: it runs and sends");
        // the instance stalls for ten ticks; the executor then runs the missed fixed-rate ticks back to back
        now.set(12 * period + TimeUnit.MICROSECONDS.toNanos(500));
        for (int i = 0; i < 11; i++) {
            ticker.run();
        }
        assertEquals(10, runs.stream().filter("catch-up"::equals).count(), "the ten a period late or more are simulated only");
        assertEquals("step", runs.get(runs.size() - 1), "the one due now sends");
        assertEquals(TimeUnit.MICROSECONDS.toNanos(500), lateness.get(lateness.size() - 1));
        assertEquals(12, lateness.size(), "every tick's lateness is recorded");
        assertTrue(lateness.get(1) >= 10 * period, "the first catch-up was ten periods late: " + lateness.get(1));
        now.set(13 * period);
        ticker.run();
        assertEquals(0L, lateness.get(lateness.size() - 1), "and the next is on time");

        // a pause of two seconds: what is a second late or more is skipped, the rest caught up
        runs.clear();
        now.set(13 * period + TimeUnit.SECONDS.toNanos(2));
        for (int i = 0; i < 60; i++) {
            ticker.run();
        }
        long skipped = runs.stream().filter("skip"::equals).count();
        assertTrue(skipped >= 30 && skipped <= 31, "a second's worth skipped: " + skipped);
        assertEquals(60 - skipped - 1, runs.stream().filter("catch-up"::equals).count());
        assertEquals("step", runs.get(runs.size() - 1));
    }

    @Test
    void aCatchUpTickMovesTheWorldAndTakesAnInputButSendsNothing() throws Exception {
        GameRooms rooms = rooms(GameSettings.defaults());
        Client ada = new Client();
        GameRooms.Seat seat = rooms.join(play("ada"), ada);
        rooms.tickAll();
        int before = ada.snapshots.size();
        long tick = ada.last().tick();
        assertTrue(rooms.input(seat, new Input(1, 127, 0, 0), 0));
        assertTrue(rooms.input(seat, new Input(2, 127, 0, 0), 0));
        rooms.room(seat).step(false);
        assertEquals(before, ada.snapshots.size(), "no snapshot for a catch-up tick");
        rooms.room(seat).step(true);
        assertEquals(before + 1, ada.snapshots.size());
        assertEquals(tick + 2, ada.last().tick(), "the world moved two ticks");
        assertEquals(2, ada.last().inputSeq(), "one input taken by each");
    }

    @Test
    void inputsHeldUpOnTheWayArriveAtOnceAndThePlayerPlaysOn() throws Exception {
        GameRooms rooms = rooms(GameSettings.defaults());
        GameRooms.Seat seat = rooms.join(play("ada"), new Client());
        long tick = TimeUnit.SECONDS.toNanos(1) / 30;
        int seq = 0;
        for (int i = 0; i < 90; i++) {
            clock.addAndGet(tick);
            assertTrue(rooms.input(seat, new Input(++seq, 0, 0, 0), 0), "30 inputs a second, as the page sends");
        }
        // The network holds the next 8 s of inputs back (a stalled mobile link, or this server paused),
        // then delivers all 240 at once: an honest client, not a flood.
        clock.addAndGet(TimeUnit.SECONDS.toNanos(8));
        for (int i = 0; i < 240; i++) {
            assertTrue(rooms.input(seat, new Input(++seq, 0, 0, 0), 0), "input " + seq + " of the held-up burst");
        }
        for (int i = 0; i < 90; i++) {
            clock.addAndGet(tick);
            assertTrue(rooms.input(seat, new Input(++seq, 0, 0, 0), 0), "and it plays on at 30 a second");
        }
    }

    @Test
    void aDroppedPlayerRejoinsWithItsTokenWithinTheGraceAndLosesTheSlotAfterIt() throws Exception {
        GameRooms rooms = rooms(GameSettings.defaults());
        Client first = new Client();
        GameRooms.Seat seat = rooms.join(play("ada"), first);
        byte[] token = first.welcome().token();
        for (int i = 0; i < 40; i++) {
            rooms.tickAll();
        }
        rooms.left(seat);
        assertEquals(0, first.reserved, "what the room held for the connection is given back");
        clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
        rooms.tickAll();
        Client second = new Client();
        GameRooms.Seat back = rooms.join(new ClientMessage.Join(false, "ada", "", token), second);
        assertEquals(seat.id(), back.id(), "the same ship");
        assertEquals(GameCodec.REJOINED, second.welcome().flags());
        assertArrayEquals(token, second.welcome().token());
        rooms.tickAll();
        assertEquals(0, second.last().base(), "a new connection starts from a full snapshot");

        rooms.left(back);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(GameSettings.defaults().graceSeconds()));
        rooms.tickAll();
        assertEquals(0, rooms.figures().players(), "a bot took the slot");
        assertEquals(0, rooms.figures().rooms(), "and the room, with nobody in it, closed");
        Client third = new Client();
        // the room was emptied and closed; the stale token gets a new ship
        GameRooms.Seat fresh = rooms.join(new ClientMessage.Join(false, "ada", "", token), third);
        assertEquals(0, third.welcome().flags());
        assertFalse(java.util.Arrays.equals(token, third.welcome().token()));
        assertNotEquals(0, fresh.id());
    }

    @Test
    void anEmptyRoomCloses() throws Exception {
        GameSettings settings = new GameSettings(30, 8, 16, 100, 40, 0, 60, 300, true, 32, 600);
        GameRooms rooms = rooms(settings);
        GameRooms.Seat seat = rooms.join(play("ada"), new Client());
        rooms.left(seat);
        rooms.tickAll();
        assertEquals(0, rooms.figures().rooms());
    }

    @Test
    void spectatorsWatchTheRoomAndAreRefusedWhereThereIsNone() throws Exception {
        GameRooms rooms = rooms(GameSettings.defaults());
        GameRooms.NoPlace none = assertThrows(GameRooms.NoPlace.class,
                () -> rooms.join(new ClientMessage.Join(true, "", "", new byte[0]), new Client()));
        assertEquals("No room to watch", none.getMessage());
        rooms.join(new ClientMessage.Join(false, "ada", "blue", new byte[0]), new Client());
        Client watcher = new Client();
        GameRooms.Seat seat = rooms.join(new ClientMessage.Join(true, "", "blue", new byte[0]), watcher);
        assertEquals(0, seat.id());
        assertEquals(GameCodec.SPECTATOR, watcher.welcome().flags());
        rooms.tickAll();
        assertTrue(watcher.last().entities().length > 0);
        assertTrue(rooms.input(seat, new Input(1, 127, 0, 0), 0), "a spectator's input changes nothing");
    }

    @Test
    void roomsAndSlotsAreBounded() throws Exception {
        GameSettings settings = new GameSettings(30, 1, 0, 2, 10, 5, 60, 300, true, 32, 600);
        GameRooms rooms = rooms(settings);
        rooms.join(play("a"), new Client());
        rooms.join(new ClientMessage.Join(false, "b", "red", new byte[0]), new Client());
        GameRooms.NoPlace full = assertThrows(GameRooms.NoPlace.class,
                () -> rooms.join(new ClientMessage.Join(false, "c", "red", new byte[0]), new Client()));
        assertEquals("Room red is full", full.getMessage());
        GameRooms.NoPlace taken = assertThrows(GameRooms.NoPlace.class, () -> rooms.join(play("d"), new Client()));
        assertEquals("Every room is taken (2)", taken.getMessage());
        assertThrows(GameRooms.NoPlace.class, () -> rooms.join(new ClientMessage.Join(true, "", "red", new byte[0]), new Client()));
    }

    @Test
    void aClientWhoseBudgetIsExhaustedIsClosedWith1013() throws Exception {
        GameRooms rooms = rooms(GameSettings.defaults());
        Client poor = new Client();
        poor.budget = 2000;
        rooms.join(play("ada"), poor);
        Client other = new Client();
        rooms.join(play("bob"), other);
        for (int i = 0; i < 40 && poor.closed == null; i++) {
            rooms.tickAll();
        }
        assertEquals("1013 Server busy: memory budget", poor.closed);
        assertNull(other.closed, "the other player plays on");
        assertTrue(poor.reserved <= poor.budget);
    }
}
