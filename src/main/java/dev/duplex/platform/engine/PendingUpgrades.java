package dev.duplex.platform.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * WebSocket handshakes on their way to becoming sessions, keyed by their network connection.
 * Guarantees that every upgraded connection becomes a session Duplex counts, or is closed: the
 * handshake filter {@link #register registers} each handshake's connection before the engine
 * upgrades it, the session {@link #claim claims} it when it opens, and the periodic sweep
 * {@link #reap reaps} those left unclaimed after a grace period. That catches what the engine
 * lets slip: Tyrus answers 101 and then fails before it creates a session (for example on a query
 * it cannot parse), leaving a connection nobody counts, pings or times out.
 *
 * <p>Plain Java: connections are any objects, compared by identity; dropping one is the caller's.
 * A handshake the engine refused without upgrading (404, 400) is reaped as well, which only ends
 * that HTTP connection's keep-alive early. Thread-safe.
 */
public final class PendingUpgrades {

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

    private final Map<Key, Long> pending = new ConcurrentHashMap<>();
    private final LongAdder reaped = new LongAdder();
    private final LongAdder claimed = new LongAdder();

    /** Notes that {@code connection} is being upgraded at {@code now} (nanoseconds). */
    public void register(Object connection, long now) {
        pending.put(new Key(connection), now);
    }

    /** Claims {@code connection} for a session; whether it was pending. */
    public boolean claim(Object connection) {
        boolean found = pending.remove(new Key(connection)) != null;
        if (found) {
            claimed.increment();
        }
        return found;
    }

    /**
     * Removes and returns the connections registered at least {@code graceNanos} before
     * {@code now} and never claimed: the caller closes them.
     */
    public List<Object> reap(long now, long graceNanos) {
        List<Object> unclaimed = new ArrayList<>();
        pending.entrySet().removeIf(entry -> {
            if (now - entry.getValue() < graceNanos) {
                return false;
            }
            unclaimed.add(entry.getKey().connection());
            return true;
        });
        reaped.add(unclaimed.size());
        return unclaimed;
    }

    /** Forgets every pending upgrade (when the guarantee cannot be kept, nothing is reaped). */
    public void clear() {
        pending.clear();
    }

    /** Upgrades waiting for their session now. */
    public int size() {
        return pending.size();
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
