package dev.duplex.platform;

/**
 * What the periodic sweep does with one session, decided from its last activity. Plain Java, so
 * the timing rules are tested without a server or a clock.
 */
public final class Liveness {

    /** The sweep's verdict for one session. */
    public enum Action {
        /** Nothing to do. */
        NONE,
        /** Send a ping: the session has been silent for a ping interval. */
        PING,
        /** Close with 1001: no message for the idle timeout. */
        CLOSE_IDLE,
        /** Close with 1001: a ping went unanswered for the pong timeout. */
        CLOSE_UNRESPONSIVE
    }

    private final long idleTimeout;
    private final long pingInterval;
    private final long pongTimeout;

    public Liveness(Limits limits) {
        this.idleTimeout = limits.idleTimeout().toNanos();
        this.pingInterval = limits.pingInterval().toNanos();
        this.pongTimeout = limits.pongTimeout().toNanos();
    }

    /**
     * @param now          the time of the sweep (nanoseconds)
     * @param lastMessage  when the session last received a message
     * @param lastHeard    when anything (message or pong) last came from the peer
     * @param pingSentAt   when an unanswered ping was sent, or 0 when none is outstanding
     */
    public Action decide(long now, long lastMessage, long lastHeard, long pingSentAt) {
        return decide(now, lastMessage, lastHeard, pingSentAt, 0);
    }

    /**
     * As {@link #decide(long, long, long, long)}, with the pong timeout extended by {@code serverLag}:
     * how late the server itself lately read the pongs of the sessions that answered ({@link PongLag}).
     * A pong the server has not read yet because its own queue is deep is not the client's fault.
     */
    public Action decide(long now, long lastMessage, long lastHeard, long pingSentAt, long serverLag) {
        if (idleTimeout > 0 && now - lastMessage >= idleTimeout) {
            return Action.CLOSE_IDLE;
        }
        if (pingInterval <= 0) {
            return Action.NONE;
        }
        if (pingSentAt != 0 && lastHeard < pingSentAt) {
            return pongTimeout > 0 && now - pingSentAt >= pongTimeout + Math.max(0, serverLag)
                    ? Action.CLOSE_UNRESPONSIVE : Action.NONE;
        }
        return now - lastHeard >= pingInterval ? Action.PING : Action.NONE;
    }
}
