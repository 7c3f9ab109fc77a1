package dev.duplex.chat.boundary;

import dev.duplex.chat.control.Peer;
import dev.duplex.platform.Connections;
import dev.duplex.platform.Outbox;
import dev.duplex.platform.TextAssembler;
import dev.duplex.platform.TextFrames;
import dev.duplex.platform.engine.Engine;
import dev.duplex.platform.engine.RawFrameWriter;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A WebSocket session as a chat {@link Peer}: asynchronous sends, counted in {@link Connections},
 * through the session's one platform {@link Outbox} (made by {@link Connections#outbox}, so the
 * byte limit, the memory budget and the slow-consumer close are the same as on every endpoint).
 * Where the engine allows it ({@link RawFrameWriter}), a room's message is framed once for all its
 * recipients and what waits for one recipient goes out in one write.
 */
final class SessionPeer implements Peer {

    private static final System.Logger LOG = System.getLogger(SessionPeer.class.getName());

    /** Frames of the messages just broadcast, shared by every chat session. */
    private static final TextFrames FRAMES = new TextFrames();

    private final Session session;
    private final Connections connections;
    private final RawFrameWriter raw;

    SessionPeer(Session session, Connections connections) {
        this.session = session;
        this.connections = connections;
        this.raw = Engine.rawFrames(session);
    }

    @Override
    public String id() {
        return session.getId();
    }

    @Override
    public void send(String text, Consumer<Throwable> done) {
        if (raw != null) {
            sendBatch(List.of(text), done);
            return;
        }
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
    public boolean batches() {
        return raw != null;
    }

    @Override
    public void sendBatch(List<String> texts, Consumer<Throwable> done) {
        TextFrames.Batch batch = FRAMES.frames(texts);
        raw.write(batch.buffer(), error -> {
            if (error == null) {
                connections.sent(session, batch.messages(), batch.payloadBytes());
            }
            done.accept(error);
        });
    }

    @Override
    public Outbox outbox(int maxQueuedMessages, Executor sender) {
        return connections.outbox(session, Peer.transport(this), maxQueuedMessages, sender);
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
