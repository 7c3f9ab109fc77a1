package dev.duplex.game.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.game.control.GameRoomsTest.Client;
import dev.duplex.game.entity.ClientMessage;
import dev.duplex.game.entity.GameCheckpoint;
import dev.duplex.game.entity.GameCodec;
import dev.duplex.game.entity.Input;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one in-memory grid ({@link MemoryGameGrid}): the room directory, the relay of
 * joins, inputs and per-player delta snapshots, checkpoints, and the room resumed on the survivor
 * when its owner dies or is undeployed.
 */
class GameClusterTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final MemoryGameGrid grid = new MemoryGameGrid();
    /** The defaults, but every client sees the whole arena (wherever the ships spawned). */
    private final GameSettings settings = new GameSettings(30, 8, 16, 100, 40, 15, 60, 300, true, 32, 2000);
    private final GameRooms a = new GameRooms(settings, null, clock::get, 1, grid.member("a"), Runnable::run, Runnable::run);
    private final GameRooms b = new GameRooms(settings, null, clock::get, 2, grid.member("b"), Runnable::run, Runnable::run);

    private static ClientMessage.Join join(String name, String room, byte[] token) {
        return new ClientMessage.Join(false, name, room, token);
    }

    /** One tick of the owner, with the relay messages delivered before and after. */
    private void tick(GameRooms owner) {
        grid.deliver();
        owner.tickAll();
        grid.deliver();
    }

    @Test
    void aPlayerOnAnotherInstancePlaysInTheOwnersRoomThroughTheRelay() throws Exception {
        Client ada = new Client();
        GameRooms.Seat adaSeat = a.join(join("ada", "duel", new byte[0]), ada);
        Client bob = new Client();
        GameRooms.Seat bobSeat = b.join(join("bob", "duel", new byte[0]), bob);
        assertEquals("a", grid.rooms.get("duel"), "the first to claim the room owns it");
        assertEquals(0, b.figures().rooms(), "the room runs on its owner only");
        grid.deliver();
        GameCodec.Welcome welcome = bob.welcome();
        assertEquals("duel", welcome.room());
        assertNotEquals(adaSeat.id(), welcome.you());
        assertEquals(1, a.figures().relayedIn());
        assertEquals(1, b.figures().relayedOut());

        tick(a);
        assertNotNull(bob.entity(adaSeat.id()), "bob sees ada");
        assertNotNull(ada.entity(welcome.you()), "ada sees bob");
        int startX = a.room("duel").ship(welcome.you())[0];
        for (int seq = 1; seq <= 10; seq++) {
            b.input(bobSeat, new Input(seq, 127, 0, 0), bob.last().tick());
            tick(a);
        }
        int[] server = a.room("duel").ship(welcome.you());
        assertTrue(server[0] > startX, "bob's relayed inputs move his ship on the owner");
        assertEquals(10, bob.last().inputSeq(), "the owner applied the last relayed input");
        assertNotEquals(0, bob.last().base(), "relayed snapshots are deltas against bob's acknowledged one");
        int[] seen = bob.entity(welcome.you());
        assertArrayEquals(new int[] {server[0], server[1], server[2], server[3]}, new int[] {seen[2], seen[3], seen[4], seen[5]},
                "bob rebuilds the owner's state from the deltas");
        assertEquals(bob.entity(welcome.you())[2], ada.entity(welcome.you())[2], "ada sees bob where he is");

        b.left(bobSeat);
        grid.deliver();
        assertEquals(0, a.figures().relayedIn(), "the owner forgets the relayed client");
        assertEquals(0, b.figures().relayedOut());
        assertEquals(2, a.figures().players(), "bob's ship waits for his rejoin");
    }

    @Test
    void whenTheOwnerDiesTheSurvivorResumesTheRoomFromItsCheckpointAndPlayersRejoinWithTheirTokens() throws Exception {
        Client ada = new Client();
        a.join(join("ada", "duel", new byte[0]), ada);
        Client bob = new Client();
        b.join(join("bob", "duel", new byte[0]), bob);
        for (int i = 0; i < 300; i++) {
            tick(a);
        }
        a.checkpointAll();
        GameCheckpoint saved = GameCheckpoint.decode(grid.checkpoints.get("duel"));
        Map<Integer, Integer> scores = new HashMap<>();
        saved.ships().forEach(s -> scores.put(s.id(), s.score()));
        assertTrue(scores.values().stream().mapToInt(Integer::intValue).sum() > 0, "the bots scored: " + scores);
        for (int i = 0; i < 10; i++) {
            tick(a); // played after the checkpoint: lost with the owner
        }

        grid.kill("a");
        assertEquals("1012 " + GameRooms.OWNER_LEFT, bob.closed, "bob's relayed connection is told to rejoin");
        assertEquals("b", grid.rooms.get("duel"), "the survivor took the room's entry");
        assertEquals(1, b.figures().rooms());
        assertEquals(1, b.figures().resumed());
        Room resumed = b.room("duel");
        assertEquals(saved.tick(), resumed.tick(), "the room goes on from its checkpoint");
        scores.forEach((id, score) -> assertEquals(score, resumed.score(id), "ship " + id + " kept its score"));

        Client bobAgain = new Client();
        GameRooms.Seat bobSeat = b.join(join("bob", "", bob.welcome().token()), bobAgain);
        assertEquals(bob.welcome().you(), bobSeat.id(), "bob gets his ship back");
        assertEquals(GameCodec.REJOINED, bobAgain.welcome().flags());
        Client adaAgain = new Client();
        GameRooms.Seat adaSeat = b.join(join("ada", "", ada.welcome().token()), adaAgain);
        assertEquals(ada.welcome().you(), adaSeat.id(), "ada, who was on the dead instance, too");
        b.tickAll();
        int startX = resumed.ship(bobSeat.id())[0];
        for (int seq = 1; seq <= 10; seq++) {
            b.input(bobSeat, new Input(seq, 127, 0, 0), bobAgain.last().tick());
            b.tickAll();
        }
        assertTrue(resumed.ship(bobSeat.id())[0] > startX, "bob keeps playing");
        assertNotNull(adaAgain.entity(bobSeat.id()), "and ada sees him");
    }

    @Test
    void anUndeployedOwnerHandsItsRoomsToASurvivor() throws Exception {
        Client ada = new Client();
        a.join(join("ada", "duel", new byte[0]), ada);
        for (int i = 0; i < 5; i++) {
            tick(a);
        }
        a.stop();
        assertNull(grid.rooms.get("duel"), "the entry is given up");
        assertNotNull(grid.checkpoints.get("duel"), "the last checkpoint stays");
        b.adoptOrphans();
        assertEquals(5, b.room("duel").tick());
        Client again = new Client();
        assertEquals(ada.welcome().you(), b.join(join("ada", "", ada.welcome().token()), again).id());
    }

    @Test
    void aRelayedJoinTheOwnerRefusesAndRelayedInputsTooFastGetTheDocumentedAnswers() throws Exception {
        for (int i = 0; i < 8; i++) {
            a.join(join("p" + i, "full", new byte[0]), new Client());
        }
        Client late = new Client();
        GameRooms.Seat refused = b.join(join("late", "full", new byte[0]), late);
        grid.deliver();
        Object error = GameCodec.decodeServer(late.messages.get(0));
        assertEquals(new GameCodec.Error(GameCodec.ERROR_NO_ROOM, "Room full is full"), error);
        assertTrue(!refused.holds(), "the refused seat holds nothing: the client may join again");

        Client flood = new Client();
        GameRooms.Seat seat = b.join(join("flood", "other", new byte[0]), flood);
        assertEquals("b", grid.rooms.get("other"));
        Client remote = new Client();
        GameRooms.Seat relayed = a.join(join("remote", "other", new byte[0]), remote);
        for (int seq = 1; seq <= 400; seq++) {
            a.input(relayed, new Input(seq, 0, 0, 0), 0);
        }
        grid.deliver();
        grid.deliver();
        assertEquals("1008 Input rate over 60/s", remote.closed);
        assertNotNull(seat);
    }
}
