package dev.duplex.platform;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open WebSocket session of every Duplex endpoint, and what they did. Endpoints call it at
 * each step of a session's life:
 *
 * <pre>
 * &#64;OnOpen    if (!connections.opened(session, "echo")) return;   // may refuse the session
 * &#64;OnMessage if (!connections.received(session, bytes)) return;  // may close it
 *            ... connections.sent(session, bytes);
 * &#64;OnClose   connections.closed(session, reason);
 * &#64;OnError   connections.failed(session, failure);
 * </pre>
 *
 * It logs one line per session open and close (id, remote address, endpoint, duration, close code)
 * and, when the application stops, closes every open session with 1001 "going away".
 */
@ApplicationScoped
public class Connections {

    private static final System.Logger LOG = System.getLogger(Connections.class.getName());
    private static final String STATE = Connection.class.getName();

    private final Map<String, Connection> open = new ConcurrentHashMap<>();
    private final Map<String, EndpointStats> stats = new ConcurrentHashMap<>();

    /**
     * Registers a new session of the named endpoint.
     *
     * @return whether the session was admitted; when false it has been closed and the endpoint must
     *         not use it
     */
    public boolean opened(Session session, String endpoint) {
        Connection connection = new Connection(session, endpoint, RemoteAddress.of(session), System.nanoTime());
        session.getUserProperties().put(STATE, connection);
        open.put(session.getId(), connection);
        stats(endpoint).opened();
        LOG.log(Level.INFO, "{0} session {1} opened from {2}", endpoint, session.getId(), connection.remoteAddress());
        return true;
    }

    /**
     * Counts a message the session received.
     *
     * @return whether the endpoint should handle it; false when the session has been closed
     */
    public boolean received(Session session, long bytes) {
        Connection connection = connection(session);
        if (connection == null) {
            return session.isOpen();
        }
        connection.touch();
        connection.stats().received(bytes);
        return true;
    }

    /** Counts a message sent to the session. */
    public void sent(Session session, long bytes) {
        Connection connection = connection(session);
        if (connection != null) {
            connection.touch();
            connection.stats().sent(bytes);
        }
    }

    /** Unregisters a closed session. Safe to call more than once. */
    public void closed(Session session, CloseReason reason) {
        Connection connection = open.remove(session.getId());
        if (connection == null) {
            return;
        }
        int code = reason == null ? CloseCodes.NO_STATUS_CODE.getCode() : reason.getCloseCode().getCode();
        connection.stats().closed(code);
        Duration lived = Duration.ofNanos(System.nanoTime() - connection.openedAt());
        LOG.log(Level.INFO, "{0} session {1} from {2} closed after {3} ms with {4} {5}", connection.endpoint(),
                session.getId(), connection.remoteAddress(), String.valueOf(lived.toMillis()), String.valueOf(code),
                reason == null ? "" : reason.getReasonPhrase());
    }

    /** Records an error; I/O errors mean the peer went away, anything else is logged as a warning. */
    public void failed(Session session, Throwable failure) {
        Connection connection = connection(session);
        String endpoint = connection == null ? "?" : connection.endpoint();
        Level level = failure instanceof IOException ? Level.DEBUG : Level.WARNING;
        LOG.log(level, () -> endpoint + " session " + session.getId() + " failed: " + failure, failure);
        if (connection != null) {
            connection.stats().failed();
        }
    }

    /** How many sessions are open now, over all endpoints. */
    public int openCount() {
        return open.size();
    }

    /** Figures per endpoint, by endpoint name. */
    public Map<String, EndpointStats> stats() {
        return Map.copyOf(stats);
    }

    EndpointStats stats(String endpoint) {
        return stats.computeIfAbsent(endpoint, EndpointStats::new);
    }

    private static Connection connection(Session session) {
        return (Connection) session.getUserProperties().get(STATE);
    }

    /** Closes every open session with 1001 before the application goes away. */
    @PreDestroy
    void goingAway() {
        List<Connection> all = List.copyOf(open.values());
        if (!all.isEmpty()) {
            LOG.log(Level.INFO, "Closing {0} WebSocket sessions: the server is shutting down", all.size());
        }
        CloseReason goingAway = new CloseReason(CloseCodes.GOING_AWAY, "Server shutting down");
        for (Connection connection : all) {
            try {
                connection.session().close(goingAway);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, () -> "Session " + connection.session().getId() + " did not close cleanly: " + e);
            }
        }
    }

    /** One open session and what Duplex tracks of it. */
    private final class Connection {
        private final Session session;
        private final String endpoint;
        private final String remoteAddress;
        private final long openedAt;
        private final EndpointStats stats;
        private volatile long lastActive;

        Connection(Session session, String endpoint, String remoteAddress, long openedAt) {
            this.session = session;
            this.endpoint = endpoint;
            this.remoteAddress = remoteAddress;
            this.openedAt = openedAt;
            this.stats = Connections.this.stats(endpoint);
            this.lastActive = openedAt;
        }

        Session session() {
            return session;
        }

        String endpoint() {
            return endpoint;
        }

        String remoteAddress() {
            return remoteAddress;
        }

        long openedAt() {
            return openedAt;
        }

        EndpointStats stats() {
            return stats;
        }

        void touch() {
            lastActive = System.nanoTime();
        }
    }
}
