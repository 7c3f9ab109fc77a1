package dev.duplex.image.control;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands a connection's replies to its {@link ReplySink} in the order their messages arrived,
 * whatever order the work behind them finishes in. Each reply is appended as a future; the chain
 * waits for the earlier replies to be handed over, then for this one to be ready, then queues it
 * (text, then the image) and moves on at once: the sink's outbox sends them one at a time, bounds
 * what waits in bytes and closes a client that does not read. Nothing blocks a thread while it waits.
 *
 * <p>It counts the replies still owed (not yet ready, or not yet written), so that a client that
 * sends but never reads can be stopped before the owed replies pile up. When a send fails while
 * the connection is still open, the reply stream is broken (the client would miss a message and
 * pair the next one wrongly), so the connection is closed with 1011.
 */
final class ReplySequence {

    private static final System.Logger LOG = System.getLogger(ReplySequence.class.getName());

    private final String sessionId;
    private final ReplySink outbox;
    private final AtomicInteger owed = new AtomicInteger();
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    ReplySequence(String sessionId, ReplySink outbox) {
        this.sessionId = sessionId;
        this.outbox = outbox;
    }

    /** How many replies are appended but not yet written. */
    int owed() {
        return owed.get();
    }

    /**
     * Appends the reply to one message.
     *
     * @param reply     completes with the reply when it is ready; must not fail
     * @param afterSent runs once the reply has been written, or has failed or been skipped
     */
    synchronized void append(CompletionStage<Reply> reply, Runnable afterSent) {
        owed.incrementAndGet();
        CompletableFuture<Void> written = new CompletableFuture<>();
        written.whenComplete((sent, failure) -> {
            owed.decrementAndGet();
            afterSent.run();
            if (failure != null) {
                broken(failure);
            }
        });
        tail = tail.thenCompose(previous -> reply)
                .thenAccept(ready -> handOver(ready, written))
                .exceptionally(failure -> {
                    written.completeExceptionally(failure);
                    return null;
                });
    }

    void append(Reply reply) {
        append(CompletableFuture.completedFuture(reply), () -> { });
    }

    /** Queues the reply's messages; {@code written} completes when the last of them is written. */
    private void handOver(Reply reply, CompletableFuture<Void> written) {
        if (reply.message() == null || !outbox.isOpen()) {
            reply.handedOver().run();
            written.complete(null);
            return;
        }
        CompletionStage<Void> text;
        try {
            text = outbox.send(reply.message());
        } finally {
            // The image's charge goes back just before the outbox charges the same bytes itself:
            // held by both at once, a large result could be refused for counting twice.
            reply.handedOver().run();
        }
        CompletionStage<Void> last = reply.image() == null ? text : text.thenCombine(outbox.send(reply.image()), (a, b) -> null);
        last.whenComplete((sent, failure) -> {
            if (failure == null) {
                written.complete(null);
            } else {
                written.completeExceptionally(failure);
            }
        });
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
