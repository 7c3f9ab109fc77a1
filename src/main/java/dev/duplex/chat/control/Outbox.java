package dev.duplex.chat.control;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What is waiting to be sent to one session. Sends are asynchronous and one at a time (never two
 * concurrent sends on a session); whoever offers a message never waits for the network. When more
 * than {@code limit} messages wait, the peer does not keep up: the session is closed with 1008
 * "Slow consumer" and its backlog dropped, instead of buffering without bound. A failed send
 * drops the backlog too (the connection is gone). Thread-safe.
 */
public final class Outbox {

    /** The far end of a session: where the outbox sends. */
    public interface Peer {
        String id();

        /** Starts sending {@code text}; {@code done} gets {@code null} or the failure, possibly on this thread. */
        void send(String text, Consumer<Throwable> done);

        void close(int code, String reason);
    }

    public static final int POLICY_VIOLATION = 1008;
    public static final String SLOW_CONSUMER = "Slow consumer";

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
    private static final int SENDING = 0, COMPLETED_INLINE = 1, COMPLETES_LATER = 2;

    private final Peer peer;
    private final int limit;
    private final ArrayDeque<String> waiting = new ArrayDeque<>(4);
    private boolean busy;
    private boolean closed;

    public Outbox(Peer peer, int limit) {
        this.peer = peer;
        this.limit = limit;
    }

    /**
     * Queues {@code text} for sending, and starts sending when nothing is in flight.
     *
     * @return false when the outbox is closed (the session is going away) or just overflowed
     */
    public boolean offer(String text) {
        boolean overflow = false;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (busy && waiting.size() >= limit) {
                closed = true;
                waiting.clear();
                overflow = true;
            } else {
                waiting.add(text);
                if (busy) {
                    return true;
                }
                busy = true;
            }
        }
        if (overflow) {
            LOG.log(Level.WARNING, "Chat session {0} has more than {1} messages waiting: closing it as a slow consumer",
                    peer.id(), limit);
            peer.close(POLICY_VIOLATION, SLOW_CONSUMER);
            return false;
        }
        pump();
        return true;
    }

    /** Drops what waits and refuses more; the session is closing. */
    public synchronized void close() {
        closed = true;
        waiting.clear();
    }

    /** How many messages wait (not counting one in flight). */
    public synchronized int backlog() {
        return waiting.size();
    }

    /**
     * Sends what waits, one message at a time, while this thread owns the sending. A send that
     * completes inside {@code peer.send} continues the loop here (no recursion); one that
     * completes later continues it on the completing thread.
     */
    private void pump() {
        while (true) {
            String text;
            synchronized (this) {
                text = closed ? null : waiting.poll();
                if (text == null) {
                    busy = false;
                    return;
                }
            }
            Attempt attempt = new Attempt();
            peer.send(text, failure -> {
                attempt.failure = failure;
                if (!attempt.state.compareAndSet(SENDING, COMPLETED_INLINE) && sent(failure)) {
                    pump();
                }
            });
            if (attempt.state.compareAndSet(SENDING, COMPLETES_LATER) || !sent(attempt.failure)) {
                return;
            }
        }
    }

    /** One send: who continues the loop depends on whether it completed inside {@code peer.send}. */
    private static final class Attempt {
        final AtomicInteger state = new AtomicInteger(SENDING);
        volatile Throwable failure;
    }

    /** @return whether to go on sending */
    private boolean sent(Throwable failure) {
        if (failure == null) {
            return true;
        }
        LOG.log(Level.DEBUG, () -> "Send to chat session " + peer.id() + " failed: " + failure);
        synchronized (this) {
            closed = true;
            waiting.clear();
            busy = false;
        }
        return false;
    }
}
