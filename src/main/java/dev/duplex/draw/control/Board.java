package dev.duplex.draw.control;

import dev.duplex.draw.entity.DrawCodec;
import dev.duplex.draw.entity.DrawCommand;
import dev.duplex.draw.entity.DrawError;
import dev.duplex.platform.MemoryBudget;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One named board: its members, its strokes in commit order (the log, bounded), the strokes being
 * drawn, and the PNG snapshot that stands for the strokes before the log. Every change happens under
 * the board's lock and is sent to the members in that same order, so every member (and a late
 * joiner, from the snapshot and the log) composites the same strokes in the same order.
 *
 * <p>What the board holds (strokes at {@value #STROKE_BYTES} bytes plus {@value #SAMPLE_BYTES} per
 * sample, the snapshot's bytes) is reserved from its own memory-budget account and bounded by
 * {@code maxBoardBytes}. Plain Java: the time comes from the caller, in nanoseconds.
 *
 * <p><b>Across a cluster</b> the board lives on one instance, its owner ({@link DrawBoards}). Members
 * connected to other instances are here as proxies ({@link DrawMember#instance} names their
 * instance): what is sent to one of them alone (its welcome, its replay, its errors) goes through
 * its peer, but a broadcast goes once per instance, to that instance's {@link Mirror}, which keeps
 * a copy of the board ({@link BoardReplica}) and hands the message to its own members. An instance
 * whose first member joins gets the board's state first ({@link #dump}), so its copy follows this
 * board change by change, in this board's order: the copy a survivor continues from when the owner
 * is gone ({@link #restore}).
 */
final class Board {

    static final int STROKE_BYTES = 48;
    static final int SAMPLE_BYTES = 12;

    /** A stroke: who drew it, how, and its samples (three ints each: x, y, pressure). */
    static final class Stroke {
        final long id;
        final int member;
        final int rgb;
        final int width;
        int[] samples = new int[48];
        int count;
        long bytes = STROKE_BYTES;

        Stroke(long id, int member, int rgb, int width) {
            this.id = id;
            this.member = member;
            this.rgb = rgb;
            this.width = width;
        }

        void add(int[] from, int offset, int n) {
            if ((count + n) * 3 > samples.length) {
                samples = Arrays.copyOf(samples, Math.max(samples.length * 2, (count + n) * 3));
            }
            System.arraycopy(from, offset * 3, samples, count * 3, n * 3);
            count += n;
        }
    }

    private record Request(long id, long upTo, DrawMember member, long at) {
    }

    /** Another instance's copy of the board: it gets every broadcast once, and keeps it. */
    interface Mirror {
        /**
         * One server message of the board's stream; the instance hands it to its members except
         * {@code except} (a member id), or to none when {@code except} is {@link #NOBODY}.
         */
        void send(ByteBuffer message, int except);

        /** The board's whole state, as messages, replacing what the copy held. */
        void reset(List<ByteBuffer> state);
    }

    /** {@link Mirror#send}'s {@code except} for a message that only the copies keep (a snapshot's PNG). */
    static final int NOBODY = -1;

    private final String name;
    private final DrawLimits limits;
    private final MemoryBudget.Account account;
    private final Map<Integer, DrawMember> members = new LinkedHashMap<>();
    private final List<Stroke> log = new ArrayList<>();
    private final Map<Integer, Stroke> active = new HashMap<>();
    /** The instances with members here, each with its copy of the board (none when alone). */
    private final Map<String, Mirror> mirrors = new LinkedHashMap<>();
    private final Function<String, Mirror> mirrorOf;
    private byte[] snapshot;
    private long snapshotUpTo;
    private long nextStroke = 1;
    private long nextRequest = 1;
    private int nextMember = 1;
    private long bytes;
    private Request request;
    private long emptySince;
    private boolean freed;

    Board(String name, DrawLimits limits, MemoryBudget.Account account, long now) {
        this(name, limits, account, now, null);
    }

    /** A board whose proxies' instances get copies through {@code mirrorOf} (null: no cluster). */
    Board(String name, DrawLimits limits, MemoryBudget.Account account, long now,
            Function<String, Mirror> mirrorOf) {
        this.name = name;
        this.limits = limits;
        this.account = account;
        this.emptySince = now;
        this.mirrorOf = mirrorOf;
    }

    /**
     * The board continued from an instance's copy when its owner is gone: the copy's snapshot,
     * log and strokes in progress (with their bytes, which the copy's account already holds and
     * which this board takes over), the copy's members that are {@code kept} (this instance's own,
     * under the ids they have) and the others announced as left, their strokes in progress ended.
     */
    static Board restore(String name, DrawLimits limits, BoardReplica copy, List<DrawMember> kept, long now,
            Function<String, Mirror> mirrorOf) {
        Board board = new Board(name, limits, copy.account(), now, mirrorOf);
        synchronized (board) {
            board.snapshot = copy.snapshot();
            board.snapshotUpTo = copy.snapshotUpTo();
            board.log.addAll(copy.log());
            board.bytes = copy.bytes();
            board.nextStroke = copy.lastStroke() + 1;
            board.nextMember = copy.lastMember() % 65535 + 1;
            Map<Integer, Stroke> drawing = copy.active();
            for (DrawMember member : kept) {
                member.board = board;
                board.members.put(member.id, member);
                Stroke stroke = drawing.remove(member.id);
                if (stroke != null) {
                    board.active.put(member.id, stroke);
                }
            }
            // strokes of members who are gone: ended where they are, as when a member leaves
            for (Map.Entry<Integer, Stroke> entry : drawing.entrySet()) {
                board.active.put(entry.getKey(), entry.getValue());
                board.commit(entry.getKey());
            }
            for (int gone : copy.members().keySet()) {
                if (!board.members.containsKey(gone)) {
                    board.broadcast(DrawCodec.left(gone), null);
                }
            }
            if (board.members.isEmpty()) {
                board.emptySince = now;
            }
        }
        return board;
    }

    String name() {
        return name;
    }

    synchronized int memberCount() {
        return members.size();
    }

    synchronized int strokeCount() {
        return log.size() + active.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    /**
     * Lets {@code member} in: it gets its welcome, the members, the snapshot and every stroke (also
     * those being drawn), the others learn it joined.
     *
     * @return null, or the error that keeps it out ({@link DrawError#BOARD_FULL}); {@code false}-like
     *         {@link DrawError#TOO_MANY_BOARDS} when the board was freed meanwhile (the caller makes a new one)
     */
    synchronized DrawError join(DrawMember member) {
        if (freed) {
            return DrawError.TOO_MANY_BOARDS;
        }
        if (members.size() >= limits.maxMembers()) {
            return DrawError.BOARD_FULL;
        }
        while (members.containsKey(nextMember)) {
            nextMember = nextMember % 65535 + 1;
        }
        member.id = nextMember;
        nextMember = nextMember % 65535 + 1;
        member.board = this;
        if (member.instance != null && mirrorOf != null && !mirrors.containsKey(member.instance)) {
            Mirror mirror = mirrorOf.apply(member.instance);
            mirrors.put(member.instance, mirror);
            mirror.reset(dump());
        }
        DrawPeer peer = member.peer;
        peer.send(DrawCodec.welcome(member.id));
        for (DrawMember other : members.values()) {
            peer.send(DrawCodec.member(other.id, other.name));
        }
        members.put(member.id, member);
        broadcast(DrawCodec.member(member.id, member.name), null);
        if (snapshot != null) {
            peer.send(DrawCodec.snapshot(snapshotUpTo, snapshot));
        }
        for (Stroke stroke : log) {
            replay(peer, stroke, true);
        }
        for (Stroke stroke : active.values()) {
            replay(peer, stroke, false);
        }
        return null;
    }

    private static void replay(DrawPeer peer, Stroke stroke, boolean ended) {
        replay(peer::send, stroke, ended);
    }

    private static void replay(Consumer<ByteBuffer> out, Stroke stroke, boolean ended) {
        out.accept(DrawCodec.begin(stroke.id, stroke.member, stroke.rgb, stroke.width));
        for (int from = 0; from < stroke.count; from += DrawCodec.MAX_SAMPLES_PER_MESSAGE) {
            out.accept(DrawCodec.points(stroke.id, stroke.samples, from, Math.min(stroke.count, from + DrawCodec.MAX_SAMPLES_PER_MESSAGE)));
        }
        if (ended) {
            out.accept(DrawCodec.end(stroke.id));
        }
    }

    /**
     * The board's state as server messages, for a new copy: the members, the snapshot, the log and
     * the strokes in progress (the order a late joiner gets them in).
     */
    private List<ByteBuffer> dump() {
        List<ByteBuffer> state = new ArrayList<>();
        for (DrawMember other : members.values()) {
            state.add(DrawCodec.member(other.id, other.name));
        }
        if (snapshot != null) {
            state.add(DrawCodec.snapshot(snapshotUpTo, snapshot));
        }
        for (Stroke stroke : log) {
            replay(state::add, stroke, true);
        }
        for (Stroke stroke : active.values()) {
            replay(state::add, stroke, false);
        }
        return state;
    }

    /** The members here from {@code instance} (proxies), e.g. to let them go when it left the cluster. */
    synchronized List<DrawMember> membersFrom(String instance) {
        return members.values().stream().filter(m -> instance.equals(m.instance)).toList();
    }

    /** {@code member} left: a stroke it was drawing is ended for it, the others learn it left. */
    synchronized void leave(DrawMember member, long now) {
        if (members.remove(member.id) != member) {
            return;
        }
        if (active.containsKey(member.id)) {
            commit(member.id);
        }
        if (request != null && request.member == member) {
            request = null;
        }
        broadcast(DrawCodec.left(member.id), null);
        if (member.instance != null && members.values().stream().noneMatch(m -> member.instance.equals(m.instance))) {
            mirrors.remove(member.instance);
        }
        if (members.isEmpty()) {
            emptySince = now;
        }
    }

    synchronized DrawError begin(DrawMember member, DrawCommand.Begin begin) {
        if (active.containsKey(member.id)) {
            commit(member.id); // a BEGIN without an END: the pen lifted where the last sample was
        }
        if (log.size() + active.size() >= limits.maxStrokes()) {
            member.strokeRefused = true;
            return DrawError.TOO_MANY_STROKES;
        }
        if (!reserve(STROKE_BYTES)) {
            member.strokeRefused = true;
            return DrawError.BOARD_BYTES;
        }
        member.strokeRefused = false;
        Stroke stroke = new Stroke(nextStroke++, member.id, begin.rgb(), begin.width());
        active.put(member.id, stroke);
        broadcast(DrawCodec.begin(stroke.id, member.id, stroke.rgb, stroke.width), null);
        return null;
    }

    /** Adds the first {@code n} samples of {@code points} to the member's stroke. */
    synchronized DrawError points(DrawMember member, int[] samples, int n) {
        Stroke stroke = active.get(member.id);
        if (stroke == null) {
            return member.strokeRefused ? null : DrawError.NO_STROKE;
        }
        int take = Math.min(n, limits.maxSamplesPerStroke() - stroke.count);
        if (!reserve((long) take * SAMPLE_BYTES)) {
            return cutShort(member, DrawError.BOARD_BYTES);
        }
        if (take > 0) {
            stroke.add(samples, 0, take);
            stroke.bytes += (long) take * SAMPLE_BYTES;
            broadcast(DrawCodec.points(stroke.id, samples, 0, take), null);
        }
        return take < n ? cutShort(member, DrawError.STROKE_TOO_LONG) : null;
    }

    /**
     * Ends the member's stroke where it is (one error, not one per later message): the rest of its
     * samples, up to the next BEGIN, are dropped quietly.
     */
    private DrawError cutShort(DrawMember member, DrawError why) {
        commit(member.id);
        member.strokeRefused = true;
        return why;
    }

    synchronized DrawError end(DrawMember member, long now) {
        if (!active.containsKey(member.id)) {
            return member.strokeRefused ? null : DrawError.NO_STROKE;
        }
        commit(member.id);
        askForSnapshot(now);
        return null;
    }

    private void commit(int memberId) {
        Stroke stroke = active.remove(memberId);
        log.add(stroke);
        broadcast(DrawCodec.end(stroke.id), null);
    }

    synchronized void cursor(DrawMember member, int x, int y) {
        broadcast(DrawCodec.cursor(member.id, x, y), member);
    }

    /** Takes back the member's last finished stroke that is still in the log. */
    synchronized DrawError undo(DrawMember member) {
        for (int i = log.size() - 1; i >= 0; i--) {
            Stroke stroke = log.get(i);
            if (stroke.member == member.id) {
                if (request != null && i <= indexOf(request.upTo)) {
                    request = null; // the page asked renders it; ask again later
                }
                log.remove(i);
                release(stroke.bytes);
                broadcast(DrawCodec.remove(stroke.id), null);
                return null;
            }
        }
        return DrawError.NOTHING_TO_UNDO;
    }

    private int indexOf(long strokeId) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).id == strokeId) {
                return i;
            }
        }
        return -1;
    }

    /** Clears the board: every stroke (also those being drawn) and the snapshot. */
    synchronized void clear(DrawMember member) {
        for (Stroke stroke : log) {
            release(stroke.bytes);
        }
        for (Map.Entry<Integer, Stroke> entry : active.entrySet()) {
            release(entry.getValue().bytes);
            DrawMember drawing = members.get(entry.getKey());
            if (drawing != null) {
                drawing.strokeRefused = true;
            }
        }
        log.clear();
        active.clear();
        if (snapshot != null) {
            release(snapshot.length);
            snapshot = null;
            snapshotUpTo = 0;
        }
        request = null;
        broadcast(DrawCodec.clear(member.id), null);
    }

    /** The PNG a member rendered on request: it takes the place of the strokes up to the one asked for. */
    synchronized DrawError snapshot(DrawMember member, DrawCommand.Snapshot answer) {
        Request asked = request;
        if (asked == null || asked.id != answer.request() || asked.member != member) {
            return DrawError.SNAPSHOT_REFUSED;
        }
        request = null;
        int last = indexOf(asked.upTo);
        if (last < 0) {
            return DrawError.SNAPSHOT_REFUSED;
        }
        long old = snapshot == null ? 0 : snapshot.length;
        long freedBytes = 0;
        for (int i = 0; i <= last; i++) {
            freedBytes += log.get(i).bytes;
        }
        long change = answer.png().length - old - freedBytes;
        if (change > 0 && !reserve(change)) {
            return DrawError.BOARD_BYTES;
        }
        if (change < 0) {
            release(-change);
        }
        log.subList(0, last + 1).clear();
        snapshot = answer.png();
        snapshotUpTo = asked.upTo;
        for (Mirror mirror : mirrors.values()) {
            mirror.send(DrawCodec.snapshot(asked.upTo, snapshot), NOBODY);
        }
        broadcast(DrawCodec.compacted(asked.upTo), null);
        return null;
    }

    /**
     * Asks a member for a snapshot when the log is long enough and nobody is rendering one, or the
     * one asked took longer than {@code snapshotTimeoutMillis} (then the next member is asked).
     */
    synchronized void askForSnapshot(long now) {
        if (request != null && now - request.at < limits.snapshotTimeoutMillis() * 1_000_000L) {
            return;
        }
        if (log.size() < limits.compactAfter() || members.isEmpty()) {
            return;
        }
        DrawMember previous = request == null ? null : request.member;
        DrawMember chosen = members.values().iterator().next();
        if (previous != null) {
            // the next member after the one that did not answer, in joining order
            boolean seen = false;
            for (DrawMember m : members.values()) {
                if (seen) {
                    chosen = m;
                    break;
                }
                seen = m == previous;
            }
        }
        int last = log.size() - 1 - limits.keepAfterSnapshot();
        if (last < 0) {
            return;
        }
        long upTo = log.get(last).id;
        request = new Request(nextRequest++, upTo, chosen, now);
        chosen.peer.send(DrawCodec.snapshotRequest(request.id, upTo));
    }

    /** Frees the board if it has been empty since {@code before}: gives back its bytes. */
    synchronized boolean freeIfEmptySince(long before) {
        if (!members.isEmpty() || emptySince - before > 0) {
            return false;
        }
        free();
        return true;
    }

    synchronized void free() {
        freed = true;
        log.clear();
        active.clear();
        snapshot = null;
        bytes = 0;
        account.close();
    }

    private boolean reserve(long n) {
        if (bytes + n > limits.maxBoardBytes() || !account.tryReserve(n)) {
            return false;
        }
        bytes += n;
        return true;
    }

    private void release(long n) {
        bytes -= n;
        account.release(n);
    }

    /**
     * Sends {@code message} to every member here but {@code except}: this instance's own members
     * through their peers, the others once per instance through its mirror.
     */
    private void broadcast(ByteBuffer message, DrawMember except) {
        for (DrawMember member : members.values()) {
            if (member != except && member.instance == null) {
                member.peer.send(message.asReadOnlyBuffer());
            }
        }
        for (Mirror mirror : mirrors.values()) {
            mirror.send(message.asReadOnlyBuffer(), except == null ? 0 : except.id);
        }
    }
}
