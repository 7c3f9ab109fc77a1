package dev.duplex.draw.boundary;

import dev.duplex.draw.control.DrawPeer;
import dev.duplex.platform.BinaryFrames;
import dev.duplex.platform.Connections;
import dev.duplex.platform.Outbox;
import dev.duplex.platform.TextFrames;
import dev.duplex.platform.engine.Engine;
import dev.duplex.platform.engine.RawFrameWriter;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@code /draw} session as a {@link DrawPeer}: every message goes through the session's platform
 * outbox ({@link Connections#send}), so the byte bound, the memory budget and the slow-consumer
 * close (1008) apply as on every endpoint, and a member that never reads costs the others nothing.
 *
 * <p>Where the engine allows it ({@link RawFrameWriter}: no extension negotiated, the
 * {@code raw-frames} capability), the outbox writes pre-encoded binary frames, and what waited for
 * the member while a write was in flight goes out as one write of back-to-back frames
 * ({@link Outbox.Batch}, at most {@link Outbox#MAX_BATCH_BYTES}): on a busy board each member gets
 * every peer's samples as their own messages, in order, but the engine's cost per write (a system
 * call, its filter chain) is paid once per batch instead of once per message. Nothing waits to be
 * batched: a message sent while no write is in flight goes at once.
 */
final class DrawSessionPeer implements DrawPeer {

    private static final System.Logger LOG = System.getLogger(DrawSessionPeer.class.getName());

    private final Session session;
    private final Connections connections;

    DrawSessionPeer(Session session, Connections connections) {
        this.session = session;
        this.connections = connections;
        RawFrameWriter raw = Engine.rawFrames(session);
        if (raw != null) {
            connections.outbox(session, frames(raw), 0, null);
        }
    }

    /** The outbox transport that writes pre-encoded binary frames, a batch of them in one write. */
    private Outbox.Transport frames(RawFrameWriter raw) {
        return new Outbox.Transport() {
            @Override
            public void send(Object message, Consumer<Throwable> done) {
                TextFrames.Batch frames = BinaryFrames.frames(message instanceof Outbox.Batch batch ? batch.messages() : List.of(message));
                raw.write(frames.buffer(), error -> {
                    if (error == null) {
                        connections.sent(session, frames.messages(), frames.payloadBytes());
                    }
                    done.accept(error);
                });
            }

            @Override
            public boolean batches() {
                return true;
            }
        };
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
