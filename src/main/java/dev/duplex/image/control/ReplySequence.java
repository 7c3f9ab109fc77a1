package dev.duplex.image.control;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a connection's replies in the order its messages arrived, one send at a time, whatever
 * order the work behind them finishes in. Each reply is appended as a future; the chain waits for
 * the earlier replies to be sent, then for this one to be ready, then sends it (text, then the
 * image) through the {@link Outbox}, and only then moves on. Nothing blocks a thread while it waits.
 *
 * <p>It counts the replies still owed, so that a client that sends but never reads can be stopped
 * before the owed replies pile up. When a send fails the reply stream is broken (the client would
 * miss a message and pair the next one wrongly), so the connection is closed with 1011.
 */
final class ReplySequence {

    private static final System.Logger LOG = System.getLogger(ReplySequence.class.getName());

    private final String sessionId;
    private final Outbox outbox;
    private final AtomicInteger owed = new AtomicInteger();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    ReplySequence(String sessionId, Outbox outbox) {
        this.sessionId = sessionId;
        this.outbox = outbox;
    }

    /** How many replies are appended but not yet sent. */
    int owed() {
        return owed.get();
    }

    /**
     * Appends the reply to one message.
     *
     * @param reply     completes with the reply when it is ready; must not fail
     * @param afterSent runs once the reply has been sent, or has failed or been skipped
     */
    synchronized void append(CompletionStage<Reply> reply, Runnable afterSent) {
        owed.incrementAndGet();
        tail = tail.thenCompose(previous -> reply)
                .thenCompose(this::send)
                .handle((sent, failure) -> {
                    owed.decrementAndGet();
                    afterSent.run();
                    if (failure != null) {
                        broken(failure);
                    }
                    return null;
                });
    }

    void append(Reply reply) {
        append(CompletableFuture.completedFuture(reply), () -> { });
    }

    private CompletionStage<Void> send(Reply reply) {
        if (reply.message() == null || !outbox.isOpen()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletionStage<Void> sent = outbox.send(reply.message());
        return reply.image() == null ? sent : sent.thenCompose(v -> outbox.send(reply.image()));
    }

    private void broken(Throwable failure) {
        if (!outbox.isOpen()) {
            LOG.log(Level.DEBUG, () -> "image session " + sessionId + ": a reply was not sent, the connection is closed: " + failure);
            return;
        }
        LOG.log(Level.WARNING, () -> "image session " + sessionId + ": a reply could not be sent; closing: " + failure);
        outbox.close(1011, "A reply could not be sent");
    }
}
