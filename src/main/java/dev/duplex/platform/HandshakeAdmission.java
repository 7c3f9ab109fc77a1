package dev.duplex.platform;

/**
 * The admission of a WebSocket handshake before the upgrade: what {@link Connections#admitHandshake}
 * decides, as a pure function of the counts, so that it is tested without a server. A handshake is
 * answered HTTP 503 with {@code Retry-After} ({@link HandshakeFilter}) when
 * <ol>
 * <li>the application is stopping,</li>
 * <li>the sessions open plus the upgrades in progress reach the effective session limit
 *     ({@link SessionCapacity}),</li>
 * <li>the sessions open from its address plus its upgrades in progress reach the per-address limit,</li>
 * <li>its address already has {@code duplex.limits.max-pending-upgrades-per-address} handshakes in
 *     progress (a burst of upgrades from one address, or upgrades that are never completed, waits
 *     on no one else's worker threads).</li>
 * </ol>
 * A limit of 0 is switched off.
 */
final class HandshakeAdmission {

    /** Seconds a refused client is asked to wait ({@code Retry-After}). */
    static final int RETRY_AFTER_SECONDS = 10;

    private HandshakeAdmission() {
    }

    static Connections.Busy check(Limits limits, int maxPendingPerAddress, boolean stopping, int open, int pending,
            int openFromAddress, int pendingFromAddress) {
        if (stopping) {
            return new Connections.Busy("shutting down", "Server shutting down");
        }
        if (limits.maxSessions() > 0 && (long) open + pending >= limits.maxSessions()) {
            return new Connections.Busy("max sessions (503)",
                    "Too many sessions on this server (" + limits.maxSessions() + "), try again later");
        }
        if (limits.maxSessionsPerAddress() > 0 && (long) openFromAddress + pendingFromAddress >= limits.maxSessionsPerAddress()) {
            return new Connections.Busy("max sessions per address (503)",
                    "Too many sessions from your address (" + limits.maxSessionsPerAddress() + "), try again later");
        }
        if (maxPendingPerAddress > 0 && pendingFromAddress >= maxPendingPerAddress) {
            return new Connections.Busy("pending upgrades per address (503)",
                    "Too many WebSocket handshakes in progress from your address (" + maxPendingPerAddress + "), try again later");
        }
        return null;
    }
}
