package dev.duplex.chat.control;

import dev.duplex.platform.Outbox;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The far end of one chat session, as the chat sees it: where its messages go, how it is closed,
 * and the platform {@link Outbox} its messages wait in. The outbox is the one every endpoint uses:
 * ordered, one send at a time, never blocking whoever offers, bounded by
 * {@code duplex.limits.max-queued-bytes} (and here also by {@code duplex.chat.max-backlog}
 * messages), charged to the session's memory budget, and closing the peer with 1008 "Slow
 * consumer" (or 1013 "Server busy: memory budget") when it gives up on it.
 */
public interface Peer {

    String id();

    /** Starts sending {@code text}; {@code done} gets {@code null} or the failure, possibly on this thread. */
    void send(String text, Consumer<Throwable> done);

    /** Whether {@link #sendBatch} works: several messages in one write. */
    default boolean batches() {
        return false;
    }

    /** Starts sending {@code texts}, in order, in one write; {@code done} as for {@link #send}. */
    default void sendBatch(List<String> texts, Consumer<Throwable> done) {
        throw new UnsupportedOperationException("this peer sends one message at a time");
    }

    /** Closes the session; best effort, never throws. */
    void close(int code, String reason);

    /**
     * The outbox for this session's messages, sending through {@link #transport(Peer) this peer},
     * with at most {@code maxQueuedMessages} waiting and sends started on {@code sender} (null: on
     * the offering thread). Called once per session.
     */
    Outbox outbox(int maxQueuedMessages, Executor sender);

    /** The peer as an outbox transport: texts, and batches of them when the peer takes batches. */
    static Outbox.Transport transport(Peer peer) {
        return new Outbox.Transport() {
            @Override
            public void send(Object message, Consumer<Throwable> done) {
                if (message instanceof Outbox.Batch batch) {
                    peer.sendBatch(batch.messages().stream().map(String.class::cast).toList(), done);
                } else {
                    peer.send((String) message, done);
                }
            }

            @Override
            public boolean batches() {
                return peer.batches();
            }
        };
    }
}
