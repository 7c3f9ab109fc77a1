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

/**
 * One named board: its members, its strokes in commit order (the log, bounded), the strokes being
 * drawn, and the PNG snapshot that stands for the strokes before the log. Every change happens under
 * the board's lock and is sent to the members in that same order, so every member (and a late
 * joiner, from the snapshot and the log) composites the same strokes in the same order.
 *
 * <p>What the board holds (strokes at {@value #STROKE_BYTES} bytes plus {@value #SAMPLE_BYTES} per
 * sample, the snapshot's bytes) is reserved from its own memory-budget account and bounded by
 * {@code maxBoardBytes}. Plain Java: the time comes from the caller, in nanoseconds.
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

    private final String name;
    private final DrawLimits limits;
    private final MemoryBudget.Account account;
    private final Map<Integer, DrawMember> members = new LinkedHashMap<>();
    private final List<Stroke> log = new ArrayList<>();
    private final Map<Integer, Stroke> active = new HashMap<>();
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
        this.name = name;
        this.limits = limits;
        this.account = account;
        this.emptySince = now;
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
        peer.send(DrawCodec.begin(stroke.id, stroke.member, stroke.rgb, stroke.width));
        for (int from = 0; from < stroke.count; from += DrawCodec.MAX_SAMPLES_PER_MESSAGE) {
            peer.send(DrawCodec.points(stroke.id, stroke.samples, from, Math.min(stroke.count, from + DrawCodec.MAX_SAMPLES_PER_MESSAGE)));
        }
        if (ended) {
            peer.send(DrawCodec.end(stroke.id));
        }
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

    private void broadcast(ByteBuffer message, DrawMember except) {
        for (DrawMember member : members.values()) {
            if (member != except) {
                member.peer.send(message.asReadOnlyBuffer());
            }
        }
    }
}
