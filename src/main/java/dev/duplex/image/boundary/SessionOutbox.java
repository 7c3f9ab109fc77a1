package dev.duplex.image.boundary;

import dev.duplex.image.control.Outbox;
import dev.duplex.image.entity.ImageReply;
import dev.duplex.platform.Connections;
import dev.duplex.platform.TextAssembler;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends replies through the session's asynchronous remote, so that no worker or I/O thread blocks
 * on a slow client, and counts each one sent with {@link Connections}. A send that has not
 * completed after {@link #SEND_TIMEOUT_MS} fails, which closes the connection.
 */
final class SessionOutbox implements Outbox {

    static final long SEND_TIMEOUT_MS = 60_000;
    private static final System.Logger LOG = System.getLogger(SessionOutbox.class.getName());

    private final Session session;
    private final Connections connections;
    private final ImageReplyEncoder encoder = new ImageReplyEncoder();

    SessionOutbox(Session session, Connections connections) {
        this.session = session;
        this.connections = connections;
        session.getAsyncRemote().setSendTimeout(SEND_TIMEOUT_MS);
    }

    @Override
    public CompletionStage<Void> send(ImageReply reply) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            String json = encoder.encode(reply);
            long bytes = TextAssembler.utf8Length(json);
            session.getAsyncRemote().sendText(json, result -> completed(done, result, bytes));
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    @Override
    public CompletionStage<Void> send(byte[] image) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            session.getAsyncRemote().sendBinary(ByteBuffer.wrap(image), result -> completed(done, result, image.length));
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    private void completed(CompletableFuture<Void> done, SendResult result, long bytes) {
        if (result.isOK()) {
            connections.sent(session, bytes);
            done.complete(null);
        } else {
            done.completeExceptionally(result.getException());
        }
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
