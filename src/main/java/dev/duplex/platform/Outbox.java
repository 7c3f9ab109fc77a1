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
 * One session's outgoing messages, for every endpoint: sent in order and one at a time through
 * the asynchronous remote, so that no caller ever blocks on a slow peer and no two sends on the
 * session overlap. It holds at most {@code maxQueuedBytes} (and, if set, {@code maxQueuedMessages})
 * behind the message in flight (any single message is accepted when nothing waits).
 *
 * <p><b>Slow consumer.</b> An offer beyond those bounds means the peer does not read what it is
 * sent: the outbox refuses it ({@link Result#FULL}), drops what waits, refuses everything later and
 * asks its {@link Closer} to close the session with {@value #SLOW_CONSUMER_CODE}
 * "{@value #SLOW_CONSUMER}".
 *
 * <p><b>Memory budget.</b> Every byte the outbox holds, waiting or in flight until its send
 * completes, is reserved on the session's {@link MemoryBudget.Account} first and released when the
 * send completes or fails or the outbox closes. A refused reservation ({@link Result#OVER_BUDGET})
 * ends the outbox the same way, with {@value #OVER_BUDGET_CODE} "{@value #OVER_BUDGET}": the server
 * has no memory for this session's messages now, the client may come back later.
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
 * <p>No lock is held while the transport sends or the closer closes: WebSocket engines call
 * completion handlers with their own writer lock held, so holding ours across a send could
 * deadlock.
 */
public final class Outbox {

    /** The outcome of {@link #offer}. */
    public enum Result {
        /** Sent at once or queued behind the message in flight. */
        ACCEPTED,
        /** Refused: the peer lets too much pile up; the outbox is closed and the session with it (1008). */
        FULL,
        /** Refused: the memory budget has no room; the outbox is closed and the session with it (1013). */
        OVER_BUDGET,
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

    /** Closes the session when the outbox gives up on it (slow consumer, memory budget); never throws. */
    @FunctionalInterface
    public interface Closer {
        void close(int code, String reason);
    }

    /** Messages that waited behind a send, in order, to go out together. */
    public record Batch(List<Object> messages) {
        public Batch {
            messages = List.copyOf(messages);
        }
    }

    /** The most bytes a batch gathers (a single larger message still goes alone). */
    public static final int MAX_BATCH_BYTES = 64 * 1024;

    /** Close code for a peer that does not read what it is sent: 1008, Policy Violation. */
    public static final int SLOW_CONSUMER_CODE = 1008;
    public static final String SLOW_CONSUMER = "Slow consumer";
    /** Close code when the memory budget refuses the bytes of a message: 1013, Try Again Later. */
    public static final int OVER_BUDGET_CODE = 1013;
    public static final String OVER_BUDGET = "Server busy: memory budget";

    private static final Closer NO_CLOSER = (code, reason) -> { };

    /** A message waiting, with its size and the callback that wants to know when it is written. */
    private record Pending(Object message, long bytes, Object key, Consumer<Throwable> written) {
    }

    private final Transport transport;
    private final long maxQueuedBytes;
    private final int maxQueuedMessages;
    private final Executor sender;
    private final MemoryBudget.Account account;
    private final Closer closer;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long queuedBytes;
    /** Bytes reserved on the account and not yet released: what waits plus what is in flight. */
    private long charged;
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
        this(transport, maxQueuedBytes, maxQueuedMessages, sender, null, null);
    }

    /**
     * @param maxQueuedBytes    the most bytes that may wait behind the message in flight; 0 for no limit
     * @param maxQueuedMessages the most messages that may wait behind it; 0 for no limit
     * @param sender            where sends start when the outbox was idle; null to send on the offering thread
     * @param account           the session's share of the memory budget, charged with every byte held;
     *                          null for no budget
     * @param closer            closes the session when the outbox gives up on it; null when the caller
     *                          closes it on {@link Result#FULL} / {@link Result#OVER_BUDGET} itself
     */
    public Outbox(Transport transport, long maxQueuedBytes, int maxQueuedMessages, Executor sender,
            MemoryBudget.Account account, Closer closer) {
        this.transport = transport;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxQueuedMessages = maxQueuedMessages;
        this.sender = sender;
        this.account = account;
        this.closer = closer == null ? NO_CLOSER : closer;
    }

    /** The transport of a session's asynchronous remote: texts and binary messages. */
    public static Transport transport(Session session) {
        RemoteEndpoint.Async remote = session.getAsyncRemote();
        return (message, done) -> {
            SendHandler handler = result -> done.accept(result.isOK() ? null : result.getException());
            if (message instanceof String text) {
                remote.sendText(text, handler);
            } else {
                remote.sendBinary((ByteBuffer) message, handler);
            }
        };
    }

    /** An outbox on the session's asynchronous remote. */
    public static Outbox of(Session session, long maxQueuedBytes) {
        return new Outbox(transport(session), maxQueuedBytes);
    }

    /**
     * Sends the message now if nothing is in flight, otherwise queues it.
     *
     * @param message a {@link String} or a {@link ByteBuffer} (which must not change afterwards)
     * @param bytes   its size, for the bounds and the memory budget
     */
    public Result offer(Object message, long bytes) {
        return offer(message, bytes, null, null);
    }

    /**
     * As {@link #offer(Object, long)}, but a message with a {@code key} replaces, in its place in
     * the queue, a message with the same key that has not been sent yet: for notices where only the
     * latest matters (a room's member list), so that a peer that falls behind gets the current one
     * instead of every intermediate one.
     */
    public Result offer(Object message, long bytes, Object key) {
        return offer(message, bytes, key, null);
    }

    /**
     * As {@link #offer(Object, long, Object)}, and {@code written} learns when the message has been
     * written ({@code null}) or will never be ({@code failure}: the send failed, the outbox closed,
     * or the message was refused); it runs on the thread that learns it, never under the outbox's
     * lock, and exactly once. A replaced keyed message's callback is told it is written when its
     * replacement is.
     */
    public Result offer(Object message, long bytes, Object key, Consumer<Throwable> written) {
        Result result = enqueue(message, bytes, key, written);
        if (result == Result.FULL || result == Result.OVER_BUDGET) {
            gaveUp(result);
        }
        if (result != Result.ACCEPTED && written != null) {
            written.accept(new IllegalStateException("message refused: " + result));
        }
        return result;
    }

    private Result enqueue(Object message, long bytes, Object key, Consumer<Throwable> written) {
        Pending offered = new Pending(message, bytes, key, written);
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
                        if (bytes > pending.bytes() && !charge(bytes - pending.bytes())) {
                            return Result.OVER_BUDGET;
                        }
                        uncharge(pending.bytes() - bytes);
                        replace(index, new Pending(message, bytes, key, both(pending.written(), written)));
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
                if (!charge(bytes)) {
                    return Result.OVER_BUDGET;
                }
                queue.add(offered);
                queuedBytes += bytes;
                return Result.ACCEPTED;
            }
            if (!charge(bytes)) {
                return Result.OVER_BUDGET;
            }
            busy = true;
            if (sender != null) {
                queue.add(offered);
                queuedBytes += bytes;
            }
        }
        if (sender == null) {
            sendFrom(offered);
            return Result.ACCEPTED;
        }
        try {
            sender.execute(this::drain);
            return Result.ACCEPTED;
        } catch (RejectedExecutionException e) {
            List<Pending> dropped;
            synchronized (this) {
                failure = e;
                dropped = dropQueue();
                busy = false;
            }
            // The offered message is among the dropped ones; offer() tells its callback itself.
            dropped.remove(offered);
            fail(dropped, e);
            return Result.FAILED;
        }
    }

    /** The outbox refused a message for the peer's or the budget's sake: end it and close the session. */
    private void gaveUp(Result why) {
        List<Pending> dropped;
        boolean first;
        IllegalStateException reason = new IllegalStateException(why == Result.FULL ? SLOW_CONSUMER : OVER_BUDGET);
        synchronized (this) {
            first = failure == null;
            if (first) {
                failure = reason;
            }
            dropped = dropQueue();
            uncharge(charged);
        }
        // The close comes first: whoever learns from a callback that its message was dropped then
        // finds the session already closing, and does not close it again with a code of its own.
        if (first) {
            if (why == Result.FULL) {
                closer.close(SLOW_CONSUMER_CODE, SLOW_CONSUMER);
            } else {
                closer.close(OVER_BUDGET_CODE, OVER_BUDGET);
            }
        }
        fail(dropped, reason);
    }

    /** With the lock held: reserves {@code bytes} on the account; false when the budget refuses. */
    private boolean charge(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        if (account != null && !account.tryReserve(bytes)) {
            return false;
        }
        charged += bytes;
        return true;
    }

    /** With the lock held: gives back {@code bytes} (at most what is still charged). */
    private void uncharge(long bytes) {
        long back = Math.min(Math.max(bytes, 0), charged);
        if (back == 0) {
            return;
        }
        charged -= back;
        if (account != null) {
            account.release(back);
        }
    }

    /** With the lock held: empties the queue, gives back its bytes and returns what it held. */
    private List<Pending> dropQueue() {
        List<Pending> dropped = new ArrayList<>(queue);
        queue.clear();
        uncharge(queuedBytes);
        queuedBytes = 0;
        return dropped;
    }

    /** Tells the callbacks of messages that will never be written; outside the lock. */
    private static void fail(List<Pending> dropped, Throwable why) {
        for (Pending pending : dropped) {
            if (pending.written() != null) {
                pending.written().accept(why);
            }
        }
    }

    private static Consumer<Throwable> both(Consumer<Throwable> first, Consumer<Throwable> second) {
        if (first == null) {
            return second;
        }
        if (second == null) {
            return first;
        }
        return error -> {
            first.accept(error);
            second.accept(error);
        };
    }

    /** On the sender: sends what queued up since the outbox was idle. */
    private void drain() {
        Pending next;
        List<Pending> dropped;
        synchronized (this) {
            dropped = failure == null ? List.of() : dropQueue();
            next = nextOrIdle();
        }
        fail(dropped, failure());
        if (next != null) {
            sendFrom(next);
        } else {
            afterIdle();
        }
    }

    private synchronized Throwable failure() {
        return failure;
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

    /** Whether the outbox still takes messages: no send failed, it was not closed and did not give up on the peer. */
    public synchronized boolean isOpen() {
        return failure == null && !closing;
    }

    /** Bytes held on the memory budget now: what waits and what is in flight. */
    public synchronized long chargedBytes() {
        return charged;
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

    /**
     * Drops what waits, gives back every byte held on the memory budget (a send still in flight
     * gives back nothing more when it ends) and refuses every later offer: the session is going away.
     */
    public void close() {
        List<Pending> dropped;
        Throwable why;
        synchronized (this) {
            if (failure == null) {
                failure = new IllegalStateException("outbox closed");
            }
            why = failure;
            dropped = dropQueue();
            uncharge(charged);
        }
        fail(dropped, why);
    }

    /** Sends {@code first} and then whatever queues up, until a send completes later than it returns. */
    private void sendFrom(Pending first) {
        Pending next = first;
        while (next != null) {
            Completion completion = new Completion(next);
            try {
                transport.send(next.message(), completion);
            } catch (RuntimeException e) {
                completion.accept(e);
            }
            synchronized (this) {
                if (!completion.done) {
                    completion.continueInCallback = true;
                    return;
                }
            }
            completion.tellWritten();
            List<Pending> dropped;
            Throwable why;
            synchronized (this) {
                why = failure;
                dropped = why == null ? List.of() : dropQueue();
                next = nextOrIdle();
            }
            fail(dropped, why);
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
        Consumer<Throwable> written = next.written();
        while (!queue.isEmpty() && bytes + queue.peek().bytes() <= MAX_BATCH_BYTES) {
            Pending more = queue.poll();
            queuedBytes -= more.bytes();
            bytes += more.bytes();
            messages.add(more.message());
            written = both(written, more.written());
        }
        return new Pending(new Batch(messages), bytes, null, written);
    }

    /** The end of one send; whichever of sender and callback comes second carries on. */
    private final class Completion implements Consumer<Throwable> {
        /*
         * Only the size and the callback of the message in flight: the engine holds (and the
         * budget charge covers) its own copy of the message while it writes it, so the outbox lets
         * go of the message itself once the transport has it, instead of holding a second copy.
         */
        private final long bytes;
        private final Consumer<Throwable> written;
        boolean done;
        boolean continueInCallback;
        private Throwable error;
        private boolean told;

        Completion(Pending sending) {
            this.bytes = sending.bytes();
            this.written = sending.written();
        }

        @Override
        public void accept(Throwable error) {
            Pending next;
            List<Pending> dropped;
            Throwable why;
            synchronized (Outbox.this) {
                if (done) {
                    return;
                }
                done = true;
                this.error = error;
                if (error != null && failure == null) {
                    failure = error;
                }
                uncharge(bytes);
                if (!continueInCallback) {
                    return;
                }
                why = failure;
                dropped = why == null ? List.of() : dropQueue();
                next = nextOrIdle();
            }
            tellWritten();
            fail(dropped, why);
            if (next != null) {
                sendFrom(next);
            } else {
                afterIdle();
            }
        }

        /** Tells the sent message's callback how its send ended; once, outside the lock. */
        void tellWritten() {
            Consumer<Throwable> written;
            Throwable outcome;
            synchronized (Outbox.this) {
                if (told || this.written == null) {
                    return;
                }
                told = true;
                written = this.written;
                outcome = error;
            }
            written.accept(outcome);
        }
    }
}
