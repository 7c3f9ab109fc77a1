package dev.duplex.game.control;

import dev.duplex.game.entity.Input;
import dev.duplex.platform.TokenBucket;
import java.util.ArrayDeque;

/**
 * A client in a room: a player with a ship (id > 0) or a spectator (id 0). Holds its queued inputs
 * and the snapshots it was sent, which are the bases of its delta compression. Guarded by its room's lock.
 */
final class Player {

    final int id;
    final String name;
    final byte[] token;
    final boolean spectator;
    GameSink sink;
    /** When the connection dropped (nanos), or -1 while connected. */
    long awaySince = -1;
    final ArrayDeque<Input> inputs = new ArrayDeque<>();
    Input held = Input.IDLE;
    /** Ticks since the last queued input was taken; past {@link Room#HOLD_TICKS} the ship coasts. */
    int starved;
    /**
     * The fewest inputs left waiting after any tick of the current window of {@link Room#TRIM_TICKS}
     * ticks: the standing queue, which only adds latency (see {@link Room#step}).
     */
    int standing = Integer.MAX_VALUE;
    /** The highest input sequence number received, and the last one applied. */
    long lastSeq;
    long appliedSeq;
    TokenBucket rate;
    /** Sent snapshots: ticks and entities, oldest first, a ring of {@code history} entries. */
    private final long[] ticks;
    private final int[][] sent;
    private int next;
    /** The newest acknowledged tick that is still in the ring, 0 for none. */
    long acked;
    long charged;

    Player(int id, String name, byte[] token, boolean spectator, GameSink sink, int history) {
        this.id = id;
        this.name = name;
        this.token = token;
        this.spectator = spectator;
        this.sink = sink;
        this.ticks = new long[history];
        this.sent = new int[history][];
    }

    boolean away() {
        return awaySince >= 0;
    }

    /** The entities of snapshot {@code tick} if it is still kept. */
    int[] sent(long tick) {
        if (tick == 0) {
            return null;
        }
        for (int i = 0; i < ticks.length; i++) {
            if (ticks[i] == tick) {
                return sent[i];
            }
        }
        return null;
    }

    /** Keeps a sent snapshot, charging it to the client's budget; false when the budget refused it. */
    boolean remember(long tick, int[] entities) {
        long bytes = bytes(entities);
        if (!sink.reserve(bytes)) {
            return false;
        }
        if (sent[next] != null) {
            long freed = bytes(sent[next]);
            sink.release(freed);
            charged -= freed;
        }
        ticks[next] = tick;
        sent[next] = entities;
        charged += bytes;
        next = (next + 1) % ticks.length;
        return true;
    }

    /** Acknowledges a snapshot; an unknown or older tick changes nothing. */
    void acknowledge(long tick) {
        if (tick > acked && sent(tick) != null) {
            acked = tick;
        }
    }

    /** Gives back every byte held for this client (it left, or its sink changes). */
    void forget() {
        if (charged > 0) {
            sink.release(charged);
        }
        charged = 0;
        java.util.Arrays.fill(sent, null);
        java.util.Arrays.fill(ticks, 0);
        acked = 0;
    }

    private static long bytes(int[] entities) {
        return 16L + 4L * entities.length;
    }
}
