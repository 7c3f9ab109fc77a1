package dev.duplex.platform.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * WebSocket handshakes on their way to becoming sessions, keyed by their network connection, with
 * the stage each one is in:
 *
 * <pre>
 *   register ──▶ UPGRADING ──answered(101)──▶ OPENING ──engineDone──▶ UPGRADED ──grace──▶ reaped
 *   (filter)     the engine is handling      the engine is opening    the engine is done and
 *                the handshake               the session (same        no session claimed it
 *                                            thread, right after)
 *   claim (the session opened) ends every stage; answered(anything but 101) forgets it.
 * </pre>
 *
 * Guarantees that every upgraded connection becomes a session Duplex counts, or is closed, without
 * ever cutting one whose session is still being opened: the grace period of {@link #reap} only
 * runs once the engine is done with the connection (Tyrus answered 101 and then failed before it
 * created a session, for example on a query it cannot parse). How long a loaded server takes to
 * get there does not matter. Entries that never leave UPGRADING or OPENING (a worker thread stuck
 * for minutes, an engine that never reports the end, or a session the engine opened under a
 * connection object other than its handshake's, so that its claim missed) are forgotten after
 * {@code stuckNanos}, far above any grace, without closing anything.
 *
 * <p>It also counts the handshakes in progress per client address, so that one address cannot
 * hold more than a bounded number of them ({@code duplex.limits.max-pending-upgrades-per-address}).
 *
 * <p>Plain Java: connections are any objects, compared by identity; dropping one is the caller's.
 * Thread-safe.
 */
public final class PendingUpgrades {

    /** Where a pending upgrade is. */
    public enum Stage { UPGRADING, OPENING, UPGRADED }

    /** A connection compared by identity (an engine's connection class may define equals). */
    private record Key(Object connection) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.connection == connection;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(connection);
        }
    }

    private static final class Entry {
        final String address;
        final long registeredAt;
        volatile Stage stage = Stage.UPGRADING;
        volatile long since;

        Entry(String address, long now) {
            this.address = address;
            this.registeredAt = now;
            this.since = now;
        }
    }

    private final Map<Key, Entry> pending = new ConcurrentHashMap<>();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final LongAdder reaped = new LongAdder();
    private final LongAdder claimed = new LongAdder();
    private final LongAdder forgotten = new LongAdder();

    /** Notes that {@code connection} from {@code address} is being upgraded at {@code now} (nanoseconds). */
    public void register(Object connection, String address, long now) {
        Entry previous = pending.put(new Key(connection), new Entry(address, now));
        if (previous != null) {
            release(previous.address); // a keep-alive connection that sent a second handshake
        }
        perAddress.merge(address, 1, Integer::sum);
    }

    /** As {@link #register(Object, String, long)}, for an unknown address. */
    public void register(Object connection, long now) {
        register(connection, "unknown", now);
    }

    /**
     * The engine answered the handshake with {@code status}: 101 means the session is being opened
     * now; anything else means no upgrade, and the connection is forgotten (its keep-alive is the
     * HTTP server's business).
     */
    public void answered(Object connection, int status, long now) {
        Key key = new Key(connection);
        if (status != 101) {
            remove(key);
            return;
        }
        Entry entry = pending.get(key);
        if (entry != null && entry.stage == Stage.UPGRADING) {
            entry.stage = Stage.OPENING;
            entry.since = now;
        }
    }

    /**
     * The engine is done with the upgrade (it opened the session or failed to): if no session has
     * claimed the connection by now, none will, and the grace period starts.
     */
    public void engineDone(Object connection, long now) {
        Entry entry = pending.get(new Key(connection));
        if (entry != null && entry.stage != Stage.UPGRADED) {
            entry.stage = Stage.UPGRADED;
            entry.since = now;
        }
    }

    /** Claims {@code connection} for a session; whether it was pending. */
    public boolean claim(Object connection) {
        boolean found = remove(new Key(connection));
        if (found) {
            claimed.increment();
        }
        return found;
    }

    /**
     * Removes and returns the connections the engine is done with for at least {@code graceNanos}
     * and that no session claimed: the caller closes them. Entries that never got that far within
     * {@code stuckNanos} of their handshake are forgotten without being closed: whether their
     * session is open is unknown, and a session must never be cut on a guess.
     */
    public List<Object> reap(long now, long graceNanos, long stuckNanos) {
        List<Object> unclaimed = new ArrayList<>();
        pending.entrySet().removeIf(e -> {
            Entry entry = e.getValue();
            if (entry.stage == Stage.UPGRADED ? now - entry.since < graceNanos : now - entry.registeredAt < stuckNanos) {
                return false;
            }
            release(entry.address);
            if (entry.stage == Stage.UPGRADED) {
                unclaimed.add(e.getKey().connection());
            } else {
                forgotten.increment();
            }
            return true;
        });
        reaped.add(unclaimed.size());
        return unclaimed;
    }

    /** Upgrades forgotten without being closed because the engine never reported their end, since start. */
    public long forgotten() {
        return forgotten.sum();
    }

    private boolean remove(Key key) {
        Entry entry = pending.remove(key);
        if (entry == null) {
            return false;
        }
        release(entry.address);
        return true;
    }

    private void release(String address) {
        perAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    /** Forgets every pending upgrade (when the guarantee cannot be kept, nothing is reaped). */
    public void clear() {
        pending.clear();
        perAddress.clear();
    }

    /** Upgrades waiting for their session now. */
    public int size() {
        return pending.size();
    }

    /** How many pending upgrades are in each stage now. */
    public Map<Stage, Integer> stages() {
        Map<Stage, Integer> counts = new java.util.EnumMap<>(Stage.class);
        for (Stage stage : Stage.values()) {
            counts.put(stage, 0);
        }
        pending.values().forEach(entry -> counts.merge(entry.stage, 1, Integer::sum));
        return counts;
    }

    /** Upgrades from {@code address} in progress now. */
    public int pending(String address) {
        return perAddress.getOrDefault(address, 0);
    }

    /** The stage of {@code connection}'s upgrade, or null when it is not pending. */
    public Stage stage(Object connection) {
        Entry entry = pending.get(new Key(connection));
        return entry == null ? null : entry.stage;
    }

    /** Upgrades that became sessions, since start. */
    public long claimed() {
        return claimed.sum();
    }

    /** Upgraded connections closed because no session claimed them, since start. */
    public long reaped() {
        return reaped.sum();
    }
}
