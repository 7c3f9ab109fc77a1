package dev.duplex.platform;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One session's outgoing messages, sent in order and one at a time through the asynchronous
 * remote: no caller ever blocks on a slow peer, and no two sends on the session overlap. It holds
 * at most {@code maxQueuedBytes} (and, if set, {@code maxQueuedMessages}) behind the message in
 * flight (any single message is accepted when nothing waits); beyond that it refuses, and the
 * caller closes the session as a slow consumer.
 *
 * <p>A transport that {@link Transport#batches() batches} gets what queued up behind a send as one
 * {@link Batch} (in order, up to {@value #MAX_BATCH_BYTES} bytes) when that send completes: a peer
 * that falls behind a broadcast then costs one write per batch instead of one per message.
 *
 * <p>With a {@code sender} executor, {@link #offer} never sends on the caller's thread: the first
 * message of an idle outbox is queued and the executor sends it and whatever joins it meanwhile.
 * A broadcaster that offers one message to a thousand outboxes then returns at once, and the more
 * it outpaces the sends, the larger the batches grow.
 *
 * <p>No lock is held while the transport sends: WebSocket engines call completion handlers with
 * their own writer lock held, so holding ours across a send could deadlock.
 */
public final class Outbox {

    /** The outcome of {@link #offer}. */
    public enum Result {
        /** Sent at once or queued behind the message in flight. */
        ACCEPTED,
        /** Refused: the peer lets too much pile up. */
        FULL,
        /** Refused: an earlier send failed or the outbox was closed; the peer is gone. */
        FAILED
    }

    /**
     * Sends one message (a {@link String} or a {@link ByteBuffer}, or a {@link Batch} of them when
     * it {@link #batches()}) and reports its end, with the failure if any.
     */
    @FunctionalInterface
    public interface Transport {
        void send(Object message, Consumer<Throwable> done);

        /** Whether {@link #send} also takes a {@link Batch}. */
        default boolean batches() {
            return false;
        }
    }

    /** Messages that waited behind a send, in order, to go out together. */
    public record Batch(List<Object> messages) {
        public Batch {
            messages = List.copyOf(messages);
        }
    }

    /** The most bytes a batch gathers (a single larger message still goes alone). */
    public static final int MAX_BATCH_BYTES = 64 * 1024;

    private record Pending(Object message, long bytes, Object key) {
    }

    private final Transport transport;
    private final long maxQueuedBytes;
    private final int maxQueuedMessages;
    private final Executor sender;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean busy;
    private boolean closing;
    private Runnable afterLast;
    private Throwable failure;

    /**
     * @param maxQueuedBytes the most bytes that may wait behind the message in flight; 0 for no limit
     */
    public Outbox(Transport transport, long maxQueuedBytes) {
        this(transport, maxQueuedBytes, 0);
    }

    /**
     * @param maxQueuedBytes    the most bytes that may wait behind the message in flight; 0 for no limit
     * @param maxQueuedMessages the most messages that may wait behind it; 0 for no limit
     */
    public Outbox(Transport transport, long maxQueuedBytes, int maxQueuedMessages) {
        this(transport, maxQueuedBytes, maxQueuedMessages, null);
    }

    /**
     * @param sender where sends start when the outbox was idle; null to send on the offering thread
     */
    public Outbox(Transport transport, long maxQueuedBytes, int maxQueuedMessages, Executor sender) {
        this.transport = transport;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxQueuedMessages = maxQueuedMessages;
        this.sender = sender;
    }

    /** An outbox on the session's asynchronous remote. */
    public static Outbox of(Session session, long maxQueuedBytes) {
        RemoteEndpoint.Async remote = session.getAsyncRemote();
        return new Outbox((message, done) -> {
            SendHandler handler = result -> done.accept(result.isOK() ? null : result.getException());
            if (message instanceof String text) {
                remote.sendText(text, handler);
            } else {
                remote.sendBinary((ByteBuffer) message, handler);
            }
        }, maxQueuedBytes);
    }

    /**
     * Sends the message now if nothing is in flight, otherwise queues it.
     *
     * @param message a {@link String} or a {@link ByteBuffer} (which must not change afterwards)
     * @param bytes   its size, for the bound
     */
    public Result offer(Object message, long bytes) {
        return offer(message, bytes, null);
    }

    /**
     * As {@link #offer(Object, long)}, but a message with a {@code key} replaces, in its place in
     * the queue, a message with the same key that has not been sent yet: for notices where only the
     * latest matters (a room's member list), so that a peer that falls behind gets the current one
     * instead of every intermediate one.
     */
    public Result offer(Object message, long bytes, Object key) {
        synchronized (this) {
            if (failure != null || closing) {
                return Result.FAILED;
            }
            if (busy && key != null) {
                var waiting = queue.iterator();
                int index = 0;
                while (waiting.hasNext()) {
                    Pending pending = waiting.next();
                    if (key.equals(pending.key())) {
                        replace(index, new Pending(message, bytes, key));
                        queuedBytes += bytes - pending.bytes();
                        return Result.ACCEPTED;
                    }
                    index++;
                }
            }
            if (busy) {
                if (maxQueuedBytes > 0 && queuedBytes + bytes > maxQueuedBytes
                        || maxQueuedMessages > 0 && queue.size() >= maxQueuedMessages) {
                    return Result.FULL;
                }
                queue.add(new Pending(message, bytes, key));
                queuedBytes += bytes;
                return Result.ACCEPTED;
            }
            busy = true;
            if (sender != null) {
                queue.add(new Pending(message, bytes, key));
                queuedBytes += bytes;
            }
        }
        if (sender == null) {
            sendFrom(new Pending(message, bytes, key));
            return Result.ACCEPTED;
        }
        try {
            sender.execute(this::drain);
            return Result.ACCEPTED;
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                failure = e;
                queue.clear();
                queuedBytes = 0;
                busy = false;
            }
            return Result.FAILED;
        }
    }

    /** On the sender: sends what queued up since the outbox was idle. */
    private void drain() {
        Pending next;
        synchronized (this) {
            next = nextOrIdle();
        }
        if (next != null) {
            sendFrom(next);
        } else {
            afterIdle();
        }
    }

    /** With the lock held: puts {@code replacement} at {@code index} of the queue. */
    private void replace(int index, Pending replacement) {
        int size = queue.size();
        for (int i = 0; i < size; i++) {
            Pending next = queue.poll();
            queue.add(i == index ? replacement : next);
        }
    }

    /** Bytes waiting behind the message in flight. */
    public synchronized long queuedBytes() {
        return queuedBytes;
    }

    /** Messages waiting behind the message in flight. */
    public synchronized int queuedMessages() {
        return queue.size();
    }

    /**
     * Refuses every later offer, sends what waits, then runs {@code then} (at once when nothing is
     * in flight): a session closed for what it did still gets the answers already given to it
     * (the errors that explain the close) before the close frame.
     */
    public void closeAfterSending(Runnable then) {
        synchronized (this) {
            closing = true;
            if (busy) {
                afterLast = then;
                return;
            }
        }
        then.run();
    }

    /** Runs what {@link #closeAfterSending} left for the moment the outbox went idle. */
    private void afterIdle() {
        Runnable then;
        synchronized (this) {
            if (busy || afterLast == null) {
                return;
            }
            then = afterLast;
            afterLast = null;
        }
        then.run();
    }

    /** Drops what waits and refuses every later offer: the session is going away. */
    public synchronized void close() {
        if (failure == null) {
            failure = new IllegalStateException("outbox closed");
        }
        queue.clear();
        queuedBytes = 0;
    }

    /** Sends {@code first} and then whatever queues up, until a send completes later than it returns. */
    private void sendFrom(Pending first) {
        Pending next = first;
        while (next != null) {
            Completion completion = new Completion();
            transport.send(next.message(), completion);
            synchronized (this) {
                if (!completion.done) {
                    completion.continueInCallback = true;
                    return;
                }
                next = nextOrIdle();
            }
        }
        afterIdle();
    }

    /** With the lock held: the next message to send, or null after marking the outbox idle. */
    private Pending nextOrIdle() {
        if (failure != null) {
            queue.clear();
            queuedBytes = 0;
            busy = false;
            return null;
        }
        Pending next = queue.poll();
        if (next == null) {
            busy = false;
            return null;
        }
        queuedBytes -= next.bytes();
        if (!transport.batches() || queue.isEmpty() || next.bytes() + queue.peek().bytes() > MAX_BATCH_BYTES) {
            return next;
        }
        List<Object> messages = new ArrayList<>();
        messages.add(next.message());
        long bytes = next.bytes();
        while (!queue.isEmpty() && bytes + queue.peek().bytes() <= MAX_BATCH_BYTES) {
            Pending more = queue.poll();
            queuedBytes -= more.bytes();
            bytes += more.bytes();
            messages.add(more.message());
        }
        return new Pending(new Batch(messages), bytes, null);
    }

    /** The end of one send; whichever of sender and callback comes second carries on. */
    private final class Completion implements Consumer<Throwable> {
        boolean done;
        boolean continueInCallback;

        @Override
        public void accept(Throwable error) {
            Pending next;
            synchronized (Outbox.this) {
                done = true;
                if (error != null && failure == null) {
                    failure = error;
                }
                if (!continueInCallback) {
                    return;
                }
                next = nextOrIdle();
            }
            if (next != null) {
                sendFrom(next);
            } else {
                afterIdle();
            }
        }
    }
}
