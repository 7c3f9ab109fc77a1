package dev.duplex.bench.draw;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * What one bench member makes of the draw.bin messages its board sends it (docs/PLAY.md, "Server →
 * client"): who is who (WELCOME, MEMBER, LEFT), which stroke is whose (BEGIN), and for every sample
 * of another member's stroke (POINTS), that member's sample number {@code k} (see
 * {@link StrokePlan}), checked for order: each sender's samples must arrive once each, in order.
 * Plain Java, not thread-safe: one connection's event loop feeds it.
 */
final class BoardView {

    /** What the view reports. */
    interface Sink {

        void welcomed(int member);

        /** Sample {@code k} of bench member {@code sender} (another member) arrived, in order. */
        void sample(int sender, long k);

        /** A sample of this member's own stroke came back (the server relays strokes to their member too). */
        void ownSample();

        /** Samples of {@code sender} were skipped: the next one in order was {@code expected}, {@code k} came. */
        void gap(int sender, long expected, long k);

        /** Sample {@code k} of {@code sender} came again or after a later one. */
        void outOfOrder(int sender, long k);

        /** Something the view cannot attribute or that differs from what the sender drew. */
        void mismatch(String what);

        void snapshotRequested(long request, long upTo);

        void serverError(int code, String message);
    }

    /** Another member as this one knows it. */
    private static final class Peer {
        final int index;
        long last = -1;

        Peer(int index) {
            this.index = index;
        }
    }

    /** A stroke being drawn: whose, its number among its member's strokes. */
    private record Track(Peer peer, long stroke) {
    }

    private final StrokePlan plan;
    private final ToIntFunction<String> benchIndex;
    private final Sink sink;
    private final Map<Integer, Peer> members = new HashMap<>();
    private final Map<Long, Track> strokes = new HashMap<>();
    private int self = -1;

    /**
     * @param benchIndex a member's bench index from its name, or -1 for a name the bench did not give
     */
    BoardView(StrokePlan plan, ToIntFunction<String> benchIndex, Sink sink) {
        this.plan = plan;
        this.benchIndex = benchIndex;
        this.sink = sink;
    }

    /** The member id the server gave this member, or -1 before its WELCOME. */
    int self() {
        return self;
    }

    /** Reads one whole binary message (from its reader index; the buffer is not consumed). */
    void read(ByteBuf m) {
        int at = m.readerIndex();
        int length = m.readableBytes();
        if (length == 0) {
            sink.mismatch("empty message");
            return;
        }
        int type = m.getUnsignedByte(at);
        try {
            switch (type) {
                case DrawWire.S_WELCOME -> {
                    exact(length, 7, type);
                    self = m.getUnsignedShort(at + 1);
                    sink.welcomed(self);
                }
                case DrawWire.S_MEMBER -> member(m, at, length);
                case DrawWire.S_LEFT -> {
                    exact(length, 3, type);
                    members.remove(m.getUnsignedShort(at + 1));
                }
                case DrawWire.S_BEGIN -> begin(m, at, length);
                case DrawWire.S_POINTS -> points(m, at, length);
                case DrawWire.S_END -> {
                    exact(length, 5, type);
                    strokes.remove(m.getUnsignedInt(at + 1));
                }
                case DrawWire.S_SNAPSHOT_REQUEST -> {
                    exact(length, 9, type);
                    sink.snapshotRequested(m.getUnsignedInt(at + 1), m.getUnsignedInt(at + 5));
                }
                case DrawWire.S_ERROR -> {
                    int textLength = m.getUnsignedByte(at + 2);
                    exact(length, 3 + textLength, type);
                    sink.serverError(m.getUnsignedByte(at + 1), m.toString(at + 3, textLength, StandardCharsets.UTF_8));
                }
                case DrawWire.S_CURSOR, DrawWire.S_COMPACTED, DrawWire.S_SNAPSHOT -> {
                    // cursors, a compaction, a late joiner's snapshot: nothing to time
                }
                case DrawWire.S_REMOVE, DrawWire.S_CLEAR -> sink.mismatch(String.format("0x%02x: nobody in the bench undoes or clears", type));
                default -> sink.mismatch(String.format("unknown message type 0x%02x", type));
            }
        } catch (IndexOutOfBoundsException e) {
            sink.mismatch(String.format("malformed message 0x%02x (%d bytes)", type, length));
        }
    }

    private void member(ByteBuf m, int at, int length) {
        int id = m.getUnsignedShort(at + 1);
        int nameLength = m.getUnsignedByte(at + 3);
        exact(length, 4 + nameLength, DrawWire.S_MEMBER);
        String name = m.toString(at + 4, nameLength, StandardCharsets.UTF_8);
        int index = benchIndex.applyAsInt(name);
        if (index < 0) {
            sink.mismatch("a member the bench did not make: " + name);
            return;
        }
        members.put(id, new Peer(index));
    }

    private void begin(ByteBuf m, int at, int length) {
        exact(length, 11, DrawWire.S_BEGIN);
        long stroke = m.getUnsignedInt(at + 1);
        int member = m.getUnsignedShort(at + 5);
        int rgb = m.getUnsignedMedium(at + 7);
        if (member == self) {
            strokes.put(stroke, new Track(null, rgb));
            return;
        }
        Peer peer = members.get(member);
        if (peer == null) {
            sink.mismatch("BEGIN of an unknown member " + member);
            return;
        }
        strokes.put(stroke, new Track(peer, rgb));
    }

    private void points(ByteBuf m, int at, int length) {
        long stroke = m.getUnsignedInt(at + 1);
        int count = m.getUnsignedByte(at + 5);
        exact(length, 6 + count * DrawWire.SAMPLE_BYTES, DrawWire.S_POINTS);
        Track track = strokes.get(stroke);
        if (track == null) {
            sink.mismatch("POINTS of an unknown stroke");
            return;
        }
        if (track.peer() == null) {
            for (int i = 0; i < count; i++) {
                sink.ownSample();
            }
            return;
        }
        Peer peer = track.peer();
        for (int i = 0, p = at + 6; i < count; i++, p += DrawWire.SAMPLE_BYTES) {
            int x = m.getUnsignedShort(p);
            int y = m.getUnsignedShort(p + 2);
            int index = plan.indexOf(x);
            if (index < 0 || y != StrokePlan.y(peer.index, track.stroke(), index)) {
                sink.mismatch("a sample that member " + peer.index + " did not draw");
                continue;
            }
            long k = plan.sequence(track.stroke(), index);
            if (k <= peer.last) {
                sink.outOfOrder(peer.index, k);
                continue;
            }
            if (k != peer.last + 1) {
                sink.gap(peer.index, peer.last + 1, k);
            }
            peer.last = k;
            sink.sample(peer.index, k);
        }
    }

    private static void exact(int length, int expected, int type) {
        if (length != expected) {
            throw new IndexOutOfBoundsException(String.format("0x%02x of %d bytes, not %d", type, length, expected));
        }
    }
}
