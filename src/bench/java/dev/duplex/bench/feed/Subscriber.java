package dev.duplex.bench.feed;

import dev.duplex.bench.net.Conn;
import dev.duplex.bench.net.Connector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code /feed} connection of the run: a reader (reads and is timed), a stalled subscriber
 * (reads like a reader until the stall phase, then stops reading), or the checker (all items, at
 * the end, for the final-value check; also used at the start to learn the topic's items). Its
 * subscription is id 1. Everything runs on the connection's event loop.
 */
final class Subscriber implements Conn.Listener, FeedSink {

    enum Role { READER, STALLED, CHECKER }

    static final int SUBSCRIPTION = 1;

    private final FeedRun run;
    private final Role role;
    private final List<String> items;
    private final Map<String, ItemTrack> tracks = new HashMap<>();
    private static final ThreadLocal<JsonFeedReader> JSON = ThreadLocal.withInitial(JsonFeedReader::new);
    private final BinaryFeedReader binary;
    private volatile Conn conn;
    private long at;
    private boolean snapshotDone;
    private boolean closed;
    private volatile boolean stalled;
    private FinalCheck check;
    private Map<String, Boolean> unresolved;

    /**
     * @param items the items to subscribe to, or an empty list for all of the topic's items
     */
    Subscriber(FeedRun run, Role role, List<String> items, boolean binarySubprotocol) {
        this.run = run;
        this.role = role;
        this.items = items;
        this.binary = binarySubprotocol ? new BinaryFeedReader() : null;
        for (String item : items) {
            tracks.put(item, new ItemTrack(item));
        }
    }

    Role role() {
        return role;
    }

    Conn conn() {
        return conn;
    }

    /** The item tracks (read them on the event loop, or once the run is quiet). */
    Map<String, ItemTrack> tracks() {
        return tracks;
    }

    @Override
    public void onOpen(Conn c) {
        conn = c;
        c.send(false, ByteBufUtil.writeUtf8(c.alloc(), FeedCommands.subscribe(SUBSCRIPTION, run.topic(), items)), true);
    }

    @Override
    public void onMessage(Conn c, boolean isBinary, ByteBuf data, long receivedAt) {
        at = receivedAt;
        int bytes = data.readableBytes();
        if (role != Role.CHECKER && snapshotDone) {
            run.traffic().message(receivedAt, bytes);
        }
        if (isBinary) {
            if (binary == null) {
                run.error("a binary message under feed.json");
                return;
            }
            binary.read(data, this);
        } else {
            JSON.get().read(data, this);
        }
    }

    @Override
    public void hello(String protocol) {
        if (protocol != null && !protocol.equals(run.subprotocol())) {
            run.error("hello names subprotocol " + protocol + ", not " + run.subprotocol());
        }
    }

    @Override
    public void value(int subscription, String item, long seq, long tsMicros, long conflated, Fields fields,
            boolean snapshot) {
        if (subscription != SUBSCRIPTION) {
            run.error("a value for unknown subscription " + subscription);
            return;
        }
        ItemTrack track = tracks.get(item);
        if (track == null) {
            if (!items.isEmpty() || !snapshot) {
                run.mismatch();
                return;
            }
            track = new ItemTrack(item);
            tracks.put(item, track);
        }
        ItemTrack.Outcome outcome = track.apply(seq, tsMicros, conflated, fields, snapshot);
        switch (outcome) {
            case STALE -> run.outOfOrder();
            case EARLY -> run.error("an update before the snapshot");
            case GAP, APPLIED, MISCOUNTED -> {
                if (role != Role.CHECKER) {
                    run.traffic().delivery(at, tsMicros, conflated, role == Role.READER);
                }
                if (outcome == ItemTrack.Outcome.GAP && role == Role.READER) {
                    run.gap();
                }
                if (outcome == ItemTrack.Outcome.MISCOUNTED) {
                    run.miscounted(item, seq - track.seqBefore() - 1, conflated);
                }
                if (check != null) {
                    evaluate(track);
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void snapshotEnd(int subscription) {
        if (subscription != SUBSCRIPTION || snapshotDone) {
            run.error("an unexpected snapshot of subscription " + subscription);
            return;
        }
        snapshotDone = true;
        if (!items.isEmpty() && tracks.values().stream().anyMatch(t -> !t.hasSnapshot())) {
            run.error("a snapshot without every item asked for");
        }
        run.snapshotted(this);
    }

    @Override
    public void error(String code, int subscription) {
        run.error("server error: " + code);
        if (!snapshotDone) {
            // A refused subscribe never brings a snapshot: do not keep the run waiting for it.
            snapshotDone = true;
            run.snapshotted(this);
        }
    }

    @Override
    public void unreadable(String why) {
        run.error("unreadable message: " + why);
    }

    @Override
    public void onClosed(Conn c, int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (!c.closedByUs()) {
            if (stalled) {
                run.stalledDropped(code + " " + reason);
            } else {
                run.error("closed by the server: " + code + " " + reason);
            }
        }
        if (!snapshotDone) {
            snapshotDone = true;
            run.snapshotted(this);
        }
        if (check != null && unresolved != null) {
            unresolved.clear();
        }
    }

    @Override
    public void onError(Conn c, Throwable failure) {
        run.error(Connector.describe(failure));
    }

    /** Stops reading (on the event loop). */
    void stall() {
        stalled = true;
        conn.eventLoop().execute(() -> conn.autoRead(false));
    }

    /**
     * Starts the final check of this reader's items (on the event loop): each gets a verdict now
     * or when the update that reaches the target seq arrives.
     */
    void arm(FinalCheck finalCheck) {
        conn.eventLoop().execute(() -> {
            check = finalCheck;
            unresolved = new HashMap<>();
            for (ItemTrack track : tracks.values()) {
                if (finalCheck.target(track.item()) == null) {
                    run.error("the checker has no item " + track.item());
                    continue;
                }
                finalCheck.arm();
                unresolved.put(track.item(), Boolean.TRUE);
                evaluate(track);
            }
        });
    }

    private void evaluate(ItemTrack track) {
        if (unresolved == null || !unresolved.containsKey(track.item())) {
            return;
        }
        FinalCheck.Verdict verdict = FinalCheck.verdict(track, check.target(track.item()));
        if (verdict != FinalCheck.Verdict.PENDING) {
            unresolved.remove(track.item());
            check.record(verdict);
        }
    }

    /** Every (subscriber, item) of this subscriber seen so far (for the run's totals; call when quiet). */
    long lost() {
        return tracks.values().stream().mapToLong(ItemTrack::lost).sum();
    }

    long conflated() {
        return tracks.values().stream().mapToLong(ItemTrack::conflated).sum();
    }
}
