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

    /** Pong timeouts added while the server may be behind in reading pongs. */
    static final int BEHIND_ALLOWANCE = 4;

    /** Sessions past their pong timeout in one sweep from which on the server may be the one that is late. */
    static final int MASS_UNANSWERED = 16;

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
        return decide(now, lastMessage, lastHeard, pingSentAt, false);
    }

    /**
     * As {@link #decide(long, long, long, long)}; with {@code serverBehind} (many sessions are past
     * their pong timeout at once and the server has read no pong to a ping sent since this
     * session's: its own worker queue, not the client, may be holding the pong) the session is
     * given up to {@value #BEHIND_ALLOWANCE} more pong timeouts before it is called unresponsive.
     */
    public Action decide(long now, long lastMessage, long lastHeard, long pingSentAt, boolean serverBehind) {
        if (idleTimeout > 0 && now - lastMessage >= idleTimeout) {
            return Action.CLOSE_IDLE;
        }
        if (pingInterval <= 0) {
            return Action.NONE;
        }
        if (pingSentAt != 0 && lastHeard < pingSentAt) {
            long waited = now - pingSentAt;
            if (pongTimeout <= 0 || waited < pongTimeout
                    || serverBehind && waited < pongTimeout * (1 + BEHIND_ALLOWANCE)) {
                return Action.NONE;
            }
            return Action.CLOSE_UNRESPONSIVE;
        }
        return now - lastHeard >= pingInterval ? Action.PING : Action.NONE;
    }

    /**
     * Whether the server itself may be holding a session's pong: {@code unanswered} sessions
     * (at least {@value #MASS_UNANSWERED}) are past their pong timeout in this sweep, and no pong has
     * been read yet to a ping sent a pong timeout or more after this session's ({@code caughtUpTo}:
     * the latest ping time some pong answered). Grizzly's worker queue holds every connection's
     * reads, pongs among them, for as long as it is deep: 30 s and more under a connection flood on a
     * starved machine (src/bench/flood.sh), when a pong timeout counted from the ping alone closed
     * hundreds of live clients with 1001. One dead client among live ones is still closed on time.
     */
    static boolean serverBehind(int unanswered, long caughtUpTo, long pingSentAt, long pongTimeout) {
        return unanswered >= MASS_UNANSWERED && caughtUpTo - pingSentAt < pongTimeout;
    }
}
