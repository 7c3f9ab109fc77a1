package dev.duplex.chat.boundary;

import dev.duplex.chat.control.Outbox;
import dev.duplex.platform.Connections;
import dev.duplex.platform.TextAssembler;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/** A WebSocket session as an {@link Outbox.Peer}: asynchronous sends, counted in {@link Connections}. */
final class SessionPeer implements Outbox.Peer {

    private static final System.Logger LOG = System.getLogger(SessionPeer.class.getName());

    private final Session session;
    private final Connections connections;

    SessionPeer(Session session, Connections connections) {
        this.session = session;
        this.connections = connections;
    }

    @Override
    public String id() {
        return session.getId();
    }

    @Override
    public void send(String text, Consumer<Throwable> done) {
        try {
            session.getAsyncRemote().sendText(text, result -> {
                if (result.isOK()) {
                    connections.sent(session, TextAssembler.utf8Length(text));
                }
                done.accept(result.isOK() ? null : result.getException());
            });
        } catch (RuntimeException e) {
            done.accept(e);
        }
    }

    @Override
    public void close(int code, String reason) {
        try {
            connections.close(session, new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "Chat session " + session.getId() + " did not close cleanly: " + e);
        }
    }
}
