package dev.duplex.draw.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.draw.entity.DrawCodec;
import dev.duplex.draw.entity.DrawError;
import dev.duplex.platform.MemoryBudget;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Boards without a server: sharing while drawing, a late joiner's view, undo, clear, snapshots, limits, freeing. */
class DrawBoardsTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final MemoryBudget budget = new MemoryBudget(1 << 20, 1 << 20, 1 << 20);

    private DrawBoards boards(DrawLimits limits) {
        DrawBoards boards = new DrawBoards();
        boards.start(limits, name -> budget.account("draw", "board " + name), clock::get);
        return boards;
    }

    private static DrawLimits limits(int maxStrokes, int compactAfter, int keep, long maxBoardBytes, int maxMembers) {
        return new DrawLimits(1 << 20, 240, 480, 4096, maxStrokes, compactAfter, keep, maxBoardBytes, maxMembers, 10, 3,
                60_000, 10_000, Pattern.compile("[\\p{L}\\p{N}_.\\- ]{1,24}"), Pattern.compile("[A-Za-z0-9_.-]{1,40}"));
    }

    /** draw.bin messages a page sends (DrawClusterTest uses them too). */
    static ByteBuffer join(String name, String board) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] b = board.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(3 + n.length + b.length).put((byte) 1).put((byte) n.length).put(n).put((byte) b.length).put(b).flip();
    }

    static ByteBuffer begin(int rgb, int width) {
        return ByteBuffer.wrap(new byte[] {2, (byte) (rgb >> 16), (byte) (rgb >> 8), (byte) rgb, (byte) width});
    }

    static ByteBuffer points(int... xy) {
        ByteBuffer out = ByteBuffer.allocate(2 + xy.length / 2 * 5).put((byte) 3).put((byte) (xy.length / 2));
        for (int i = 0; i < xy.length; i += 2) {
            out.putShort((short) xy[i]).putShort((short) xy[i + 1]).put((byte) 0);
        }
        return out.flip();
    }

    static ByteBuffer one(int type) {
        return ByteBuffer.wrap(new byte[] {(byte) type});
    }

    private record Joined(DrawMember member, RecordingPeer peer) {
    }

    private static Joined joined(DrawBoards boards, String name, String board) {
        RecordingPeer peer = new RecordingPeer(name);
        DrawMember member = boards.connect(peer);
        boards.handle(member, join(name, board));
        return new Joined(member, peer);
    }

    private static void stroke(DrawBoards boards, Joined who, int... xy) {
        boards.handle(who.member, begin(0x102030, 4));
        boards.handle(who.member, points(xy));
        boards.handle(who.member, one(DrawCodec.END));
    }

    @Test
    void aStrokeReachesTheOtherMemberWhileItIsDrawnAndCursorsGoToOthersOnly() {
        DrawBoards boards = boards(DrawLimits.defaults());
        Joined ann = joined(boards, "Ann", "team");
        Joined bob = joined(boards, "Bob", "team");
        assertEquals(List.of("welcome 1", "member 1 Ann", "member 2 Bob"), ann.peer.take());
        assertEquals(List.of("welcome 2", "member 1 Ann", "member 2 Bob"), bob.peer.take());

        boards.handle(ann.member, begin(0xff0000, 6));
        boards.handle(ann.member, points(10, 20, 30, 40));
        assertEquals(List.of("begin 1 by 1", "points 1: 10,20 30,40"), bob.peer.take(), "before the pen lifts");
        boards.handle(ann.member, points(50, 60));
        boards.handle(ann.member, one(DrawCodec.END));
        assertEquals(List.of("points 1: 50,60", "end 1"), bob.peer.take());
        assertEquals(List.of("begin 1 by 1", "points 1: 10,20 30,40", "points 1: 50,60", "end 1"), ann.peer.take(),
                "the author gets its stroke back, with its id");

        boards.handle(ann.member, ByteBuffer.wrap(new byte[] {5, 0, 7, 0, 9}));
        assertEquals(List.of("cursor 1 7,9"), bob.peer.take());
        assertEquals(List.of(), ann.peer.take());
    }

    @Test
    void aLateJoinerGetsTheStrokesInTheOrderTheyEndedAndThoseBeingDrawn() {
        DrawBoards boards = boards(DrawLimits.defaults());
        Joined ann = joined(boards, "Ann", "team");
        Joined bob = joined(boards, "Bob", "team");
        boards.handle(ann.member, begin(1, 1));         // stroke 1, ended last
        boards.handle(ann.member, points(1, 1));
        stroke(boards, bob, 2, 2);                        // stroke 2, ended first
        boards.handle(ann.member, one(DrawCodec.END));
        boards.handle(bob.member, begin(1, 1));         // stroke 3, in progress
        boards.handle(bob.member, points(3, 3));
        List<String> ends = bob.peer.of("end");

        Joined cat = joined(boards, "Cat", "team");
        assertEquals(List.of("welcome 3", "member 1 Ann", "member 2 Bob", "member 3 Cat",
                "begin 2 by 2", "points 2: 2,2", "end 2",
                "begin 1 by 1", "points 1: 1,1", "end 1",
                "begin 3 by 2", "points 3: 3,3"), cat.peer.take());
        assertEquals(List.of("end 2", "end 1"), ends, "the members saw the same order");
    }

    @Test
    void undoTakesBackOnlyTheMembersOwnLastStroke() {
        DrawBoards boards = boards(DrawLimits.defaults());
        Joined ann = joined(boards, "Ann", "team");
        Joined bob = joined(boards, "Bob", "team");
        stroke(boards, ann, 1, 1);
        stroke(boards, ann, 2, 2);
        stroke(boards, bob, 3, 3);
        bob.peer.take();
        boards.handle(ann.member, one(DrawCodec.UNDO));
        assertEquals(List.of("remove 2"), bob.peer.take());
        boards.handle(ann.member, one(DrawCodec.UNDO));
        boards.handle(ann.member, one(DrawCodec.UNDO));
        assertEquals(List.of("remove 1"), bob.peer.take());
        assertEquals("error " + DrawError.NOTHING_TO_UNDO.code(), ann.peer.received.get(ann.peer.received.size() - 1));
        assertEquals(1, boards.board("team").strokeCount(), "Bob's stroke stays");
    }

    @Test
    void clearEmptiesTheBoardForEveryoneAndDropsAStrokeInProgress() {
        DrawBoards boards = boards(DrawLimits.defaults());
        Joined ann = joined(boards, "Ann", "team");
        Joined bob = joined(boards, "Bob", "team");
        stroke(boards, ann, 1, 1);
        boards.handle(bob.member, begin(1, 1));
        boards.handle(ann.member, one(DrawCodec.CLEAR));
        boards.handle(bob.member, points(5, 5)); // the rest of a stroke that was cleared: dropped quietly
        boards.handle(bob.member, one(DrawCodec.END));
        assertEquals("clear by 1", ann.peer.received.get(ann.peer.received.size() - 1));
        assertTrue(bob.peer.of("error").isEmpty(), "no error for the cleared stroke's samples: " + bob.peer.received);
        assertEquals(0, boards.board("team").strokeCount());
        assertEquals(0, boards.board("team").bytes());
    }

    @Test
    void aSnapshotTakesThePlaceOfTheOlderStrokesAndALateJoinerGetsItFirst() {
        DrawBoards boards = boards(limits(100, 4, 1, 1 << 20, 8));
        Joined ann = joined(boards, "Ann", "team");
        Joined bob = joined(boards, "Bob", "team");
        for (int i = 1; i <= 4; i++) {
            stroke(boards, bob, i, i);
        }
        assertEquals(List.of("snapshot-request 1 up to 3"), ann.peer.of("snapshot-request"), "the first member renders it");
        assertEquals(List.of(), bob.peer.of("snapshot-request"));

        byte[] png = png(100);
        boards.handle(bob.member, snapshot(1, png));
        assertEquals("error " + DrawError.SNAPSHOT_REFUSED.code(), bob.peer.received.get(bob.peer.received.size() - 1), "not asked");
        long before = boards.board("team").bytes();
        boards.handle(ann.member, snapshot(1, png));
        assertEquals(List.of("compacted 3"), bob.peer.of("compacted"));
        assertEquals(1, boards.board("team").strokeCount());
        assertEquals(before - 3 * (Board.STROKE_BYTES + Board.SAMPLE_BYTES) + png.length, boards.board("team").bytes());

        Joined cat = joined(boards, "Cat", "team");
        assertEquals(List.of("welcome 3", "member 1 Ann", "member 2 Bob", "member 3 Cat",
                "snapshot up to 3 (" + png.length + " bytes)", "begin 4 by 2", "points 4: 4,4", "end 4"), cat.peer.take());
    }

    @Test
    void anUnansweredSnapshotRequestGoesToTheNextMemberAfterItsTimeout() {
        DrawBoards boards = boards(limits(100, 2, 0, 1 << 20, 8));
        Joined ann = joined(boards, "Ann", "team");
        Joined bob = joined(boards, "Bob", "team");
        stroke(boards, bob, 1, 1);
        stroke(boards, bob, 2, 2);
        assertEquals(1, ann.peer.of("snapshot-request").size());
        boards.sweep();
        assertEquals(List.of(), bob.peer.of("snapshot-request"), "not before the timeout");
        clock.addAndGet(10_001_000_000L);
        boards.sweep();
        assertEquals(List.of("snapshot-request 2 up to 2"), bob.peer.of("snapshot-request"));
    }

    @Test
    void samplesOverTheRateAreDroppedWithOneError() {
        DrawBoards boards = boards(DrawLimits.defaults()); // 240/s, burst 480
        Joined ann = joined(boards, "Ann", "team");
        boards.handle(ann.member, begin(1, 1));
        int[] xy = new int[2 * 200];
        for (int i = 0; i < 3; i++) {
            boards.handle(ann.member, points(xy));
        }
        assertEquals(List.of("error " + DrawError.SAMPLE_RATE.code()), ann.peer.of("error"), "one error for a run of refusals");
        int kept = ann.peer.of("points").stream().mapToInt(line -> line.split(" ").length - 2).sum();
        assertEquals(480, kept, "the burst, no more");
        clock.addAndGet(1_000_000_000L);
        boards.handle(ann.member, points(1, 1));
        assertEquals(1, ann.peer.of("error").size());
        assertEquals("points 1: 1,1", ann.peer.received.get(ann.peer.received.size() - 1), "a second later samples pass again");
    }

    @Test
    void strokesMembersAndBytesHaveTheirLimits() {
        DrawBoards boards = boards(limits(2, 100, 0, 2 * Board.STROKE_BYTES + 3 * Board.SAMPLE_BYTES, 2));
        Joined ann = joined(boards, "Ann", "team");
        Joined bob = joined(boards, "Bob", "team");
        Joined cat = joined(boards, "Cat", "team");
        assertEquals(List.of("error " + DrawError.BOARD_FULL.code()), cat.peer.take());
        assertEquals(0, cat.member.id());

        stroke(boards, ann, 1, 1, 2, 2);
        boards.handle(bob.member, begin(1, 1));
        boards.handle(bob.member, points(1, 1, 2, 2));
        assertEquals(List.of("error " + DrawError.BOARD_BYTES.code()), bob.peer.of("error"));
        boards.handle(bob.member, one(DrawCodec.END));
        stroke(boards, ann, 3, 3);
        assertEquals(List.of("error " + DrawError.TOO_MANY_STROKES.code()), ann.peer.of("error"));
        assertEquals(boards.board("team").bytes(), budget.used(), "the board's bytes are charged to the memory budget");
    }

    @Test
    void aStrokeAtItsSampleLimitEndsThereWithOneError() {
        DrawBoards boards = boards(new DrawLimits(1 << 20, 240, 480, 3, 100, 100, 0, 1 << 20, 8, 10, 3, 60_000, 10_000,
                Pattern.compile("[A-Za-z]{1,24}"), Pattern.compile("[a-z]{1,40}")));
        Joined ann = joined(boards, "Ann", "team");
        Joined bob = joined(boards, "Bob", "team");
        bob.peer.take();
        boards.handle(ann.member, begin(1, 1));
        boards.handle(ann.member, points(1, 1, 2, 2, 3, 3, 4, 4));
        boards.handle(ann.member, points(5, 5));
        boards.handle(ann.member, one(DrawCodec.END));
        assertEquals(List.of("begin 1 by 1", "points 1: 1,1 2,2 3,3", "end 1"), bob.peer.take());
        assertEquals(List.of("error " + DrawError.STROKE_TOO_LONG.code()), ann.peer.of("error"), "one error, the rest dropped quietly");
        assertEquals(0, ann.member.violations);
    }

    @Test
    void badMessagesGetTheirErrorAndTooManyCloseWith1008() {
        DrawBoards boards = boards(DrawLimits.defaults());
        RecordingPeer peer = new RecordingPeer("x");
        DrawMember member = boards.connect(peer);
        boards.handle(member, one(DrawCodec.END));
        boards.handle(member, join("Ann", "no spaces allowed"));
        Joined bob = joined(boards, "Bob", "team");
        boards.handle(member, join("Ann", "team"));
        boards.handle(member, join("Ann", "team"));
        assertEquals(List.of("error " + DrawError.NOT_JOINED.code(), "error " + DrawError.BAD_NAME.code()), peer.of("error").subList(0, 2));
        assertEquals("error " + DrawError.ALREADY_JOINED.code(), peer.received.get(peer.received.size() - 1));
        for (int i = 0; i < 7; i++) {
            boards.handle(member, ByteBuffer.wrap(new byte[] {0x7f}));
        }
        assertNull(peer.closeReason, "nine violations");
        boards.handle(member, ByteBuffer.allocate(0));
        assertEquals(1008, peer.closeCode);
        assertEquals(DrawBoards.TOO_MANY_VIOLATIONS, peer.closeReason);
        assertNull(bob.peer.closeReason);
    }

    @Test
    void anEmptyBoardIsFreedAfterTheGraceAndGivesItsBytesBack() {
        DrawBoards boards = boards(DrawLimits.defaults());
        Joined ann = joined(boards, "Ann", "team");
        stroke(boards, ann, 1, 1);
        assertTrue(budget.used() > 0);
        boards.disconnect(ann.member);
        boards.sweep();
        assertNotNull(boards.board("team"), "kept during the grace");
        clock.addAndGet(60_000_000_001L);
        boards.sweep();
        assertNull(boards.board("team"));
        assertEquals(0, budget.used());
        assertEquals(0, boards.boardCount());

        Joined bob = joined(boards, "Bob", "team");
        assertEquals(List.of("welcome 1", "member 1 Bob"), bob.peer.take(), "a new, empty board of the same name");
    }

    private static byte[] png(int length) {
        ByteBuffer png = ByteBuffer.allocate(length).put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})
                .putInt(13).put(new byte[] {'I', 'H', 'D', 'R'}).putInt(DrawCodec.WIDTH).putInt(DrawCodec.HEIGHT);
        return png.array();
    }

    private static ByteBuffer snapshot(long request, byte[] png) {
        return ByteBuffer.allocate(5 + png.length).put((byte) DrawCodec.SNAPSHOT).putInt((int) request).put(png).flip();
    }
}
