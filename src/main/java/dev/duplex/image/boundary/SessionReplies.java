package dev.duplex.image.boundary;

import dev.duplex.image.control.ReplySink;
import dev.duplex.image.entity.ImageReply;
import dev.duplex.platform.Connections;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Sends replies through the session's platform outbox ({@link Connections#send}), like every
 * endpoint: in order, one at a time, without blocking a worker or I/O thread on a slow client,
 * counted, charged to the memory budget, and bounded by {@code duplex.limits.max-queued-bytes}: a
 * client that stops reading is closed with 1008 "Slow consumer", and if it does not answer the
 * close either, the sweep drops its connection after {@code duplex.limits.close-timeout-seconds}.
 */
final class SessionReplies implements ReplySink {

    private static final System.Logger LOG = System.getLogger(SessionReplies.class.getName());

    private final Session session;
    private final Connections connections;
    private final ImageReplyEncoder encoder = new ImageReplyEncoder();

    SessionReplies(Session session, Connections connections) {
        this.session = session;
        this.connections = connections;
    }

    @Override
    public CompletionStage<Void> send(ImageReply reply) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            connections.send(session, encoder.encode(reply), completing(done));
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    @Override
    public CompletionStage<Void> send(byte[] image) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        connections.send(session, ByteBuffer.wrap(image), completing(done));
        return done;
    }

    private static Consumer<Throwable> completing(CompletableFuture<Void> done) {
        return failure -> {
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        };
    }

    @Override
    public void close(int code, String reason) {
        try {
            if (session.isOpen()) {
                connections.close(session, new CloseReason(CloseCodes.getCloseCode(code), reason));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "image session " + session.getId() + " did not close cleanly: " + e);
        }
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }
}
