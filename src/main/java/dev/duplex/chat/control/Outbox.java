package dev.duplex.chat.control;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Consumer;

/**
 * What is waiting to be sent to one chat session, on the platform's {@link dev.duplex.platform.Outbox}:
 * sends are asynchronous and one at a time, whoever offers a message never waits for the network,
 * and when more than {@code limit} messages wait the peer does not keep up: the session is closed
 * with 1008 "Slow consumer" and its backlog dropped, instead of buffering without bound. A failed
 * send drops the backlog too (the connection is gone). Thread-safe.
 */
public final class Outbox {

    /** The far end of a session: where the outbox sends. */
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

        void close(int code, String reason);
    }

    public static final int POLICY_VIOLATION = 1008;
    public static final String SLOW_CONSUMER = "Slow consumer";

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    private final Peer peer;
    private final int limit;
    private final dev.duplex.platform.Outbox sends;

    public Outbox(Peer peer, int limit) {
        this(peer, limit, null);
    }

    /** An outbox whose sends start on {@code sender} (null: on the offering thread); see the platform outbox. */
    public Outbox(Peer peer, int limit, java.util.concurrent.Executor sender) {
        this.peer = peer;
        this.limit = limit;
        this.sends = new dev.duplex.platform.Outbox(new Transport(peer), 0, limit, sender);
    }

    /**
     * Queues {@code text} for sending, and starts sending when nothing is in flight.
     *
     * @return false when the outbox is closed (the session is going away) or just overflowed
     */
    public boolean offer(String text) {
        return offer(text, null);
    }

    /**
     * Queues {@code text}; an unsent message offered with the same {@code key} is replaced by it
     * in its place (only the latest matters, e.g. the member list of a presence notice).
     */
    public boolean offer(String text, String key) {
        switch (sends.offer(text, text.length(), key)) {
            case ACCEPTED -> {
                return true;
            }
            case FULL -> {
                sends.close();
                LOG.log(Level.WARNING, "Chat session {0} has more than {1} messages waiting: closing it as a slow consumer",
                        peer.id(), limit);
                peer.close(POLICY_VIOLATION, SLOW_CONSUMER);
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /** Refuses more, sends what waits, then runs {@code then} (the close). */
    public void closeAfterSending(Runnable then) {
        sends.closeAfterSending(then);
    }

    /** Drops what waits and refuses more; the session is closing. */
    public void close() {
        sends.close();
    }

    /** How many messages wait (not counting one in flight). */
    public int backlog() {
        return sends.queuedMessages();
    }

    /** The peer as the platform outbox's transport: texts, and batches of them when the peer takes batches. */
    private record Transport(Peer peer) implements dev.duplex.platform.Outbox.Transport {
        @Override
        public void send(Object message, Consumer<Throwable> done) {
            if (message instanceof dev.duplex.platform.Outbox.Batch batch) {
                peer.sendBatch(batch.messages().stream().map(String.class::cast).toList(), done);
            } else {
                peer.send((String) message, done);
            }
        }

        @Override
        public boolean batches() {
            return peer.batches();
        }
    }
}
