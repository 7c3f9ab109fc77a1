package dev.duplex.draw.boundary;

import dev.duplex.draw.control.DrawPeer;
import dev.duplex.platform.Connections;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * A {@code /draw} session as a {@link DrawPeer}: every message goes through the session's platform
 * outbox ({@link Connections#send}), so the byte bound, the memory budget and the slow-consumer
 * close (1008) apply as on every endpoint, and a member that never reads costs the others nothing.
 */
final class DrawSessionPeer implements DrawPeer {

    private static final System.Logger LOG = System.getLogger(DrawSessionPeer.class.getName());

    private final Session session;
    private final Connections connections;

    DrawSessionPeer(Session session, Connections connections) {
        this.session = session;
        this.connections = connections;
    }

    @Override
    public String id() {
        return session.getId();
    }

    @Override
    public void send(ByteBuffer message) {
        connections.send(session, message);
    }

    @Override
    public void close(int code, String reason) {
        try {
            connections.close(session, new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "Draw session " + session.getId() + " did not close cleanly: " + e);
        }
    }
}
