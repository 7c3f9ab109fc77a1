package dev.duplex.draw.control;

import static dev.duplex.draw.control.DrawBoardsTest.begin;
import static dev.duplex.draw.control.DrawBoardsTest.one;
import static dev.duplex.draw.control.DrawBoardsTest.points;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.draw.entity.DrawCodec;
import dev.duplex.platform.MemoryBudget;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Boards across instances without a server: two (or three) {@link DrawBoards} on an in-memory grid
 * whose inboxes the test delivers by hand, so the interleaving is the test's. One board, one owner,
 * one order: members on both instances see the same strokes in the same order, late joiners on
 * either instance get the same board, and when the owner goes the board continues on a survivor.
 */
class DrawClusterTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    /** The grid: owners, who is alive, and one FIFO inbox per instance. */
    private static final class Grid {
        final Map<String, String> owners = new HashMap<>();
        final Set<String> alive = new HashSet<>();
        final Map<String, Queue<Runnable>> inboxes = new HashMap<>();
        final Map<String, Bus> buses = new HashMap<>();

        Bus bus(String instance) {
            alive.add(instance);
            inboxes.put(instance, new ArrayDeque<>());
            Bus bus = new Bus(this, instance);
            buses.put(instance, bus);
            return bus;
        }

        /** Delivers until every inbox is empty; the inboxes take turns, one message each. */
        int deliver() {
            int delivered = 0;
            boolean any = true;
            while (any) {
                any = false;
                for (String instance : List.copyOf(inboxes.keySet())) {
                    Runnable next = inboxes.get(instance).poll();
                    if (next != null) {
                        next.run();
                        delivered++;
                        any = true;
                    }
                }
            }
            return delivered;
        }

        /** The instance dies: its inbox goes, its owner entries stay (a crash), the others hear of it. */
        void kill(String instance) {
            alive.remove(instance);
            inboxes.remove(instance);
            changed();
        }

        void changed() {
            for (String other : alive) {
                Bus bus = buses.get(other);
                Queue<Runnable> inbox = inboxes.get(other);
                if (inbox != null) {
                    inbox.add(bus.ownersChanged);
                }
            }
        }
    }

    private static final class Bus implements DrawBus {
        final Grid grid;
        final String instance;
        Consumer<byte[]> inbox;
        Runnable ownersChanged;
        int sent;

        Bus(Grid grid, String instance) {
            this.grid = grid;
            this.instance = instance;
        }

        @Override
        public String mode() {
            return "test";
        }

        @Override
        public String instance() {
            return instance;
        }

        @Override
        public int instances() {
            return grid.alive.size();
        }

        @Override
        public void start(Consumer<byte[]> inbox, Runnable ownersChanged) {
            this.inbox = inbox;
            this.ownersChanged = ownersChanged;
        }

        @Override
        public String owner(String board) {
            String holder = grid.owners.get(board);
            if (holder == null || !grid.alive.contains(holder)) {
                grid.owners.put(board, instance);
                return instance;
            }
            return holder;
        }

        @Override
        public void release(String board) {
            grid.owners.remove(board, instance);
        }

        @Override
        public boolean alive(String other) {
            return grid.alive.contains(other);
        }

        @Override
        public void send(String other, byte[] message) {
            Queue<Runnable> queue = grid.inboxes.get(other);
            Bus to = grid.buses.get(other);
            sent++;
            if (queue != null) {
                queue.add(() -> to.inbox.accept(message));
            }
        }

        /** As an undeploy on a server whose grid goes on: the inbox and owner entries go, the member stays. */
        @Override
        public void close() {
            grid.owners.values().removeIf(instance::equals);
            grid.inboxes.remove(instance);
            grid.changed();
        }
    }

    private final Grid grid = new Grid();
    private final Map<String, MemoryBudget> budgets = new HashMap<>();

    private DrawBoards instance(String name) {
        MemoryBudget budget = new MemoryBudget(1 << 24, 1 << 24, 1 << 24);
        budgets.put(name, budget);
        DrawBoards boards = new DrawBoards();
        boards.start(DrawLimits.defaults(), board -> budget.account("draw", "board " + board), clock::get, grid.bus(name));
        return boards;
    }

    private record Joined(DrawBoards boards, DrawMember member, RecordingPeer peer) {
        void send(ByteBuffer message) {
            boards.handle(member, message);
        }
    }

    private Joined join(DrawBoards boards, String name, String board) {
        RecordingPeer peer = new RecordingPeer(name);
        DrawMember member = boards.connect(peer);
        boards.handle(member, DrawBoardsTest.join(name, board));
        grid.deliver();
        return new Joined(boards, member, peer);
    }

    /** What a late joiner got after its welcome and the member list: the board. */
    private static List<String> board(RecordingPeer peer) {
        return peer.received.stream().filter(l -> !l.startsWith("welcome") && !l.startsWith("member")).toList();
    }

    @Test
    void membersOnTwoInstancesSeeEveryStrokeInOneOrderAndLateJoinersOnBothGetTheSameBoard() {
        DrawBoards a = instance("a");
        DrawBoards b = instance("b");
        Joined ann = join(a, "Ann", "team");
        Joined bob = join(b, "Bob", "team");
        assertEquals(List.of("welcome 1", "member 1 Ann", "member 2 Bob"), ann.peer.take());
        assertEquals(List.of("welcome 2", "member 1 Ann", "member 2 Bob"), bob.peer.take(), "Bob joined Ann's board on a");
        assertEquals(List.of(1, 0, 0, 1), List.of(a.boardCount(), a.copyCount(), b.boardCount(), b.copyCount()),
                "a owns the board, b keeps a copy");

        // both draw at once: Ann's messages are read on the owner at once, Bob's travel through the grid
        ann.send(begin(0xff0000, 6));
        bob.send(begin(0x0000ff, 3));
        grid.deliver();
        ann.send(points(10, 10, 20, 20));
        bob.send(points(50, 50));
        bob.send(one(DrawCodec.END));      // sent before Ann's END, but still on its way when the owner reads hers
        ann.send(one(DrawCodec.END));
        grid.deliver();
        ann.send(begin(1, 1));
        ann.send(points(7, 7));
        grid.deliver();                    // Ann's third stroke stays in progress

        List<String> seenByAnn = ann.peer.take();
        List<String> seenByBob = bob.peer.take();
        assertEquals(seenByAnn, seenByBob, "one order on both instances");
        assertEquals(List.of("begin 1 by 1", "begin 2 by 2", "points 1: 10,10 20,20", "end 1", "points 2: 50,50", "end 2",
                "begin 3 by 1", "points 3: 7,7"), seenByAnn, "the owner's order: Ann's END came first");

        Joined cat = join(a, "Cat", "team");
        Joined dan = join(b, "Dan", "team");
        assertEquals(List.of("welcome 3", "member 1 Ann", "member 2 Bob", "member 3 Cat"), cat.peer.received.subList(0, 4));
        assertEquals(board(cat.peer), board(dan.peer), "late joiners on either instance get the same board");
        assertEquals(List.of("begin 1 by 1", "points 1: 10,10 20,20", "end 1", "begin 2 by 2", "points 2: 50,50", "end 2",
                "begin 3 by 1", "points 3: 7,7"), board(dan.peer));
        assertEquals(List.of("member 3 Cat", "member 4 Dan"), bob.peer.take(), "b's members see the newcomers once");
    }

    @Test
    void cursorsUndoClearAndErrorsCrossInstancesAndOnlyTheirMemberGetsAnError() {
        DrawBoards a = instance("a");
        DrawBoards b = instance("b");
        Joined ann = join(a, "Ann", "team");
        Joined bob = join(b, "Bob", "team");
        Joined bea = join(b, "Bea", "team");
        ann.peer.take();
        bob.peer.take();
        bea.peer.take();

        bob.send(ByteBuffer.wrap(new byte[] {5, 0, 7, 0, 9}));
        grid.deliver();
        assertEquals(List.of("cursor 2 7,9"), ann.peer.take());
        assertEquals(List.of("cursor 2 7,9"), bea.peer.take(), "the other member on b");
        assertEquals(List.of(), bob.peer.take(), "not back to its own member");

        bob.send(one(DrawCodec.UNDO));
        grid.deliver();
        assertEquals(List.of("error 12"), bob.peer.take(), "nothing to undo: to Bob alone");
        assertEquals(List.of(), bea.peer.take());

        bob.send(begin(1, 1));
        bob.send(points(1, 1));
        bob.send(one(DrawCodec.END));
        bob.send(one(DrawCodec.UNDO));
        grid.deliver();
        assertEquals(List.of("begin 1 by 2", "points 1: 1,1", "end 1", "remove 1"), ann.peer.take());
        assertEquals(List.of("begin 1 by 2", "points 1: 1,1", "end 1", "remove 1"), bea.peer.take());
        assertEquals(List.of("begin 1 by 2", "points 1: 1,1", "end 1", "remove 1"), bob.peer.take());

        ann.send(begin(1, 1));
        ann.send(points(2, 2));
        ann.send(one(DrawCodec.END));
        bea.send(one(DrawCodec.CLEAR));
        grid.deliver();
        assertEquals(List.of("begin 2 by 1", "points 2: 2,2", "end 2", "clear by 3"), bob.peer.take());
        Joined cat = join(b, "Cat", "team");
        assertEquals(List.of(), board(cat.peer), "cleared for the late joiner too");
        bob.peer.take();

        // a bad message from b's member gets its error from the owner, and the violation count is the owner's
        bob.send(ByteBuffer.wrap(new byte[] {0x7f}));
        grid.deliver();
        assertEquals(List.of("error 2"), bob.peer.take());
    }

    @Test
    void whenTheOwnerDiesTheBoardContinuesOnTheSurvivorFromItsCopy() {
        DrawBoards a = instance("a");
        DrawBoards b = instance("b");
        Joined ann = join(a, "Ann", "team");
        Joined bob = join(b, "Bob", "team");
        ann.send(begin(1, 1));
        ann.send(points(1, 1));
        ann.send(one(DrawCodec.END));
        bob.send(begin(2, 2));
        bob.send(points(2, 2));
        grid.deliver();
        ann.send(begin(3, 3));             // Ann's stroke 3 in progress when a dies
        ann.send(points(3, 3));
        grid.deliver();
        List<String> before = board(join(b, "Dan", "team").peer);
        bob.peer.take();

        grid.kill("a");
        grid.deliver();
        assertEquals(List.of(1, 0), List.of(b.boardCount(), b.copyCount()), "b owns the board now");
        assertEquals(List.of("end 3", "left 1"), bob.peer.take(), "Ann's stroke ended where it was, Ann gone");

        bob.send(points(4, 4));            // Bob's stroke goes on
        bob.send(one(DrawCodec.END));
        bob.send(begin(5, 5));
        bob.send(one(DrawCodec.END));
        grid.deliver();
        assertEquals(List.of("points 2: 4,4", "end 2", "begin 4 by 2", "end 4"), bob.peer.take(), "stroke ids go on after 3");

        Joined eve = join(b, "Eve", "team");
        assertEquals(List.of("welcome 4", "member 2 Bob", "member 3 Dan", "member 4 Eve"), eve.peer.received.subList(0, 4));
        assertEquals(List.of("begin 1 by 1", "points 1: 1,1", "end 1", "begin 3 by 1", "points 3: 3,3", "end 3",
                "begin 2 by 2", "points 2: 2,2 4,4", "end 2", "begin 4 by 2", "end 4"), board(eve.peer),
                "everything drawn before the owner died, then after");
        assertEquals(List.of("begin 1 by 1", "points 1: 1,1", "end 1", "begin 3 by 1", "points 3: 3,3", "begin 2 by 2",
                "points 2: 2,2"), before, "the log, then the strokes in progress");
    }

    @Test
    void anOwnerThatStopsHandsItsBoardsOverAndACopyIsFreedWithItsLastMember() {
        DrawBoards a = instance("a");
        DrawBoards b = instance("b");
        Joined ann = join(a, "Ann", "team");
        Joined bob = join(b, "Bob", "team");
        ann.send(begin(1, 1));
        ann.send(points(1, 1, 2, 2));
        ann.send(one(DrawCodec.END));
        grid.deliver();
        assertTrue(budgets.get("b").used() > 0, "b's copy is charged to b's budget");

        a.stop();                          // an undeploy: the owner entries go, b claims the board
        grid.deliver();
        assertEquals(List.of(1, 0), List.of(b.boardCount(), b.copyCount()));
        Joined cat = join(b, "Cat", "team");
        assertEquals(List.of("begin 1 by 1", "points 1: 1,1 2,2", "end 1"), board(cat.peer));

        DrawBoards c = instance("c");
        Joined dan = join(c, "Dan", "team");
        assertEquals(1, c.copyCount());
        assertNotEquals(0, budgets.get("c").used());
        c.disconnect(dan.member);
        grid.deliver();
        assertEquals(List.of(0, 0L), List.of(c.copyCount(), budgets.get("c").used()), "the copy and its bytes are gone");
        assertEquals(List.of("left 1", "member 4 Dan", "left 4"), bob.peer.take().stream().filter(l -> l.endsWith("Dan") || l.startsWith("left")).toList(),
                "b's member saw Ann go with a, then c's member come and go");
    }

    @Test
    void anInstanceThatStopsTakesItsMembersOffTheBoardsOfOthers() {
        DrawBoards a = instance("a");
        DrawBoards b = instance("b");
        Joined ann = join(a, "Ann", "team");
        join(b, "Bob", "team");
        ann.peer.take();

        b.stop();                          // an undeploy: b's grid member stays in the cluster
        grid.deliver();
        assertEquals(List.of("left 2"), ann.peer.take(), "Bob left with b's application, not when b's grid member goes");
        assertEquals(1, a.memberCount());
    }
}
