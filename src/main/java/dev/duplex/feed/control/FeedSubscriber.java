package dev.duplex.feed.control;

import dev.duplex.feed.entity.FeedError;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.Update;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * One {@code /feed} session: its subscriptions, what waits to be sent to it, and its one group of
 * messages in flight.
 *
 * <p><b>Conflation.</b> A published change is merged into the subscription's pending state of its
 * item (latest value per field, latest seq and time, a count of merged changes); it is never queued
 * as a message. When the session's previous write has completed, everything due goes out at once:
 * the answers waiting (hello, snapshots, errors...), then one {@code updates} message of up to
 * {@value #MAX_BATCH_BYTES} bytes. A subscriber that reads slowly therefore gets the latest value of
 * each item with the number of changes merged into it, and what it costs in memory is bounded by its
 * items × fields, whatever the rate.
 *
 * <p><b>Flow control.</b> A write completes once the message is in the kernel's socket buffer, so
 * on its own the subscriber cannot tell a reader that keeps up from one whose backlog sits in
 * buffers it does not see (the kernel's, the engine's, a proxy's). A client that acknowledges
 * ({@link #ack}: how many messages it has processed) switches the session to acknowledged flow:
 * from then on at most {@link FeedLimits#flowWindowBytes} bytes of messages are unacknowledged,
 * a new group goes out only when at most half of the window is in use, and an {@code updates}
 * message holds at most what is left of the window. Everything else stays pending and is
 * conflated, so what the reader gets is at most a window behind. A client that never acknowledges
 * keeps the write-completion pacing.
 *
 * <p><b>Max frequency.</b> An item of a subscription with {@code maxFrequency} f is sent at most
 * once per 1/f s: a change arriving earlier stays pending and a timer sends it when its time comes.
 *
 * <p><b>Threads.</b> The publishing thread only merges and, when the session is idle, hands a flush
 * to the {@code sender} executor: it never waits for a socket. Encoding happens on the sender, in
 * the {@link FeedSink}. Lock order: a topic's monitor, then this subscriber's.
 */
public final class FeedSubscriber {

    private static final System.Logger LOG = System.getLogger(FeedSubscriber.class.getName());

    /** The most bytes (estimated) of updates gathered into one message. */
    static final int MAX_BATCH_BYTES = 64 * 1024;

    private final FeedSink sink;
    private final FeedHub hub;
    private final FeedLimits limits;
    private final Executor sender;
    private final Scheduler scheduler;
    private final LongSupplier clock;
    /** Whether the session speaks feed.json, where an unmerged change's JSON is shared. */
    private final boolean json;

    private final Map<Integer, Subscription> subscriptions = new HashMap<>();
    /** Answers in order: {@link FeedMessage}s, or a {@link Subscription} whose snapshot is due. */
    private final ArrayDeque<Object> answers = new ArrayDeque<>();
    /** Pending items with changes not yet sent, oldest first. */
    private final ArrayDeque<Subscription.Pending> dirty = new ArrayDeque<>();
    /** A flush is scheduled or running, or its messages are being written. */
    private boolean busy;
    /** The messages of the last flush are being written, since {@link #sendingSince}. */
    private boolean sending;
    private long sendingSince;
    /** When the earliest armed throttle timer fires; {@link Long#MAX_VALUE} when none is armed. */
    private long timerAt = Long.MAX_VALUE;
    private boolean closed;

    /** The client acknowledges: a group goes out only when the window allows. */
    private boolean acknowledged;
    /** Messages handed to the sink so far on this connection (counted before the sink has them). */
    private long sentMessages;
    /** Messages the client said it processed. */
    private long ackedMessages;
    /** Unacknowledged messages whose size is known: {message number (1-based), bytes}, oldest first. */
    private final ArrayDeque<long[]> unacked = new ArrayDeque<>();
    private long unackedBytes;
    /** When the acknowledgements last advanced, or when unacknowledged messages appeared after none. */
    private long ackProgressAt;
    /**
     * What is left of the last group before the next may start: its write completing and, for
     * acknowledged flow, its sizes being recorded (2, 1, 0).
     */
    private int groupParts;
    /** A write failed: the session is gone or going, nothing more is sent. */
    private boolean failed;

    FeedSubscriber(FeedSink sink, FeedHub hub, FeedLimits limits, Executor sender, Scheduler scheduler, LongSupplier clock) {
        this.sink = sink;
        this.hub = hub;
        this.limits = limits;
        this.sender = sender;
        this.scheduler = scheduler;
        this.clock = clock;
        this.json = "feed.json".equals(sink.protocol());
    }

    /** The session's id, for logs. */
    public String id() {
        return sink.id();
    }

    /** The negotiated subprotocol. */
    public String protocol() {
        return sink.protocol();
    }

    /** Queues an answer to the client; a client that lets too many pile up is closed as a slow consumer. */
    void answer(FeedMessage message) {
        boolean overflow;
        synchronized (this) {
            if (closed) {
                return;
            }
            overflow = answers.size() >= limits.maxQueuedMessages();
            if (!overflow) {
                answers.add(message);
            }
        }
        if (overflow) {
            dropSlowConsumer("answers piled up");
        } else {
            wake();
        }
    }

    void error(FeedError code, String message, int subscription) {
        answer(new FeedMessage.Error(code, message, subscription));
    }

    /**
     * Opens a subscription already registered in its topic: refuses a duplicate id or one too
     * many, otherwise queues its snapshot.
     *
     * @return the refusal, or null when opened
     */
    FeedError open(Subscription subscription) {
        synchronized (this) {
            if (closed) {
                return null;
            }
            if (subscriptions.containsKey(subscription.id)) {
                return FeedError.DUPLICATE_ID;
            }
            if (subscriptions.size() >= limits.maxSubscriptions()) {
                return FeedError.TOO_MANY_SUBSCRIPTIONS;
            }
            if (answers.size() >= limits.maxQueuedMessages()) {
                subscription.closed = true;
            } else {
                subscriptions.put(subscription.id, subscription);
                answers.add(subscription);
            }
        }
        if (subscription.closed) {
            dropSlowConsumer("answers piled up");
        } else {
            wake();
        }
        return null;
    }

    /**
     * Ends a subscription: what it had pending is dropped (counted as conflated) and no update of
     * it follows the {@code unsubscribed} answer.
     *
     * @return the ended subscription, or null when the id is not open
     */
    Subscription close(int id) {
        Subscription subscription;
        synchronized (this) {
            subscription = subscriptions.remove(id);
            if (subscription == null) {
                return null;
            }
            end(subscription);
        }
        answer(new FeedMessage.Unsubscribed(id));
        return subscription;
    }

    /** The subscription's topic was deleted or expired: it ends with an {@code unsubscribed} answer. */
    void topicGone(Subscription subscription) {
        synchronized (this) {
            if (subscriptions.get(subscription.id) != subscription) {
                return;
            }
            subscriptions.remove(subscription.id);
            end(subscription);
            answers.remove(subscription);
        }
        answer(new FeedMessage.Unsubscribed(subscription.id));
    }

    /** With the lock held: marks the subscription ended and counts what it leaves unsent. */
    private void end(Subscription subscription) {
        subscription.closed = true;
        hub.conflated(subscription.unsent());
        subscription.pending.clear();
    }

    /** How many subscriptions are open. */
    synchronized int subscriptionCount() {
        return subscriptions.size();
    }

    /**
     * A change applied to an item the subscription follows (called under the topic's monitor, in
     * seq order): merged into the pending state; sent now if the session is idle and the item not
     * throttled, otherwise when the write in flight completes or the throttle's timer fires.
     *
     * @return whether the caller must {@link #wake} this subscriber (after leaving the topic's
     *         monitor: starting a flush needs no ordering, so it is kept out of the topic's lock)
     */
    boolean offer(Subscription subscription, Change change) {
        String item = change.item;
        boolean wake = false;
        synchronized (this) {
            if (closed || subscription.closed || !subscription.snapshotted) {
                return false;
            }
            Subscription.Pending pending = subscription.pending.get(item);
            if (pending == null) {
                pending = new Subscription.Pending(subscription, item);
                subscription.pending.put(item, pending);
            }
            pending.merge(change);
            if (!pending.dirty) {
                pending.dirty = true;
                dirty.add(pending);
            }
            if (!busy) {
                long now = clock.getAsLong();
                long due = pending.dueAt(now);
                if (due - now <= 0) {
                    wake = true;
                } else {
                    arm(due, now);
                }
            }
        }
        return wake;
    }

    /** The subscription's snapshot was taken (under its topic's monitor): updates may follow it now. */
    synchronized void snapshotTaken(Subscription subscription) {
        subscription.snapshotted = true;
        if (answers.peek() == subscription) {
            answers.poll();
        }
    }

    /** Starts a flush on the sender if the session is idle and has something to send. */
    void wake() {
        synchronized (this) {
            if (busy || closed || failed || answers.isEmpty() && dirty.isEmpty() || windowFull()) {
                return;
            }
            busy = true;
        }
        try {
            sender.execute(this::flush);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                busy = false;
            }
        }
    }

    /**
     * With the lock held: whether acknowledged flow holds the next group back (more than half of
     * the window is unacknowledged).
     */
    private boolean windowFull() {
        return acknowledged && unackedBytes > limits.flowWindowBytes() / 2;
    }

    /** With the lock held: how many bytes of updates the next message may hold. */
    private long batchBytes() {
        return acknowledged ? Math.min(MAX_BATCH_BYTES, limits.flowWindowBytes() - unackedBytes) : MAX_BATCH_BYTES;
    }

    /**
     * The client processed {@code messages} messages of the connection. The first acknowledgement
     * turns on acknowledged flow control.
     *
     * @return false when the count goes backwards or beyond what was sent (the caller answers
     *         {@code bad-command}); the session goes on as it was
     */
    boolean ack(long messages) {
        synchronized (this) {
            if (closed) {
                return true;
            }
            if (messages < ackedMessages || messages > sentMessages) {
                return false;
            }
            if (!acknowledged) {
                acknowledged = true;
                ackProgressAt = clock.getAsLong();
            }
            if (messages > ackedMessages) {
                ackedMessages = messages;
                ackProgressAt = clock.getAsLong();
                while (!unacked.isEmpty() && unacked.peek()[0] <= messages) {
                    unackedBytes -= unacked.poll()[1];
                }
            }
        }
        wake();
        return true;
    }

    /** Whether the client acknowledges (tests, status). */
    synchronized boolean acknowledging() {
        return acknowledged;
    }

    /** Bytes of messages sent and not acknowledged whose size is known (tests). */
    synchronized long unacknowledgedBytes() {
        return unackedBytes;
    }

    /** With the lock held: makes sure a timer wakes the subscriber at {@code due}. */
    private void arm(long due, long now) {
        if (due - timerAt >= 0 && timerAt != Long.MAX_VALUE) {
            return;
        }
        timerAt = due;
        scheduler.schedule(() -> {
            synchronized (this) {
                if (timerAt == due) {
                    timerAt = Long.MAX_VALUE;
                }
            }
            wake();
        }, Math.max(0, due - now));
    }

    /** On the sender: sends the answers waiting and one batch of due updates, as one group. */
    void flush() {
        synchronized (this) {
            if (windowFull()) {
                // an acknowledgement came in late (or the window filled since the wake): its ack wakes us
                busy = false;
                return;
            }
        }
        List<FeedMessage> out = new ArrayList<>();
        while (true) {
            Subscription due;
            synchronized (this) {
                if (closed) {
                    busy = false;
                    return;
                }
                while (!answers.isEmpty() && answers.peek() instanceof FeedMessage message) {
                    answers.poll();
                    out.add(message);
                }
                due = (Subscription) answers.peek();
            }
            if (due == null) {
                break;
            }
            out.add(hub.snapshot(due));
        }
        long now = clock.getAsLong();
        long first;
        int updatesSent = 0;
        long conflated = 0;
        Map<Update, String> tails = null;
        synchronized (this) {
            if (closed) {
                busy = false;
                return;
            }
            List<Update> updates = new ArrayList<>();
            long bytes = 0;
            long maxBytes = batchBytes();
            long nextDue = Long.MAX_VALUE;
            Iterator<Subscription.Pending> waiting = dirty.iterator();
            while (waiting.hasNext() && bytes < maxBytes) {
                Subscription.Pending pending = waiting.next();
                Subscription subscription = pending.subscription;
                if (subscription.closed || !pending.dirty) {
                    waiting.remove();
                    continue;
                }
                long dueAt = pending.dueAt(now);
                if (dueAt - now > 0) {
                    nextDue = Math.min(nextDue, dueAt);
                    continue;
                }
                waiting.remove();
                int merged = pending.changes - 1;
                Change only = pending.only;
                Map<String, FieldValue> fields = pending.take();
                Update update = new Update(subscription.id, pending.item, pending.seq, pending.publishedMicros, merged,
                        fields);
                updates.add(update);
                if (only != null && json) {
                    if (tails == null) {
                        tails = new IdentityHashMap<>();
                    }
                    tails.put(update, only.tail());
                }
                bytes += estimate(pending.item, fields);
                conflated += merged;
                pending.sentOnce = true;
                pending.lastSentNanos = now;
                if (subscription.intervalNanos == 0 && subscription.items.isEmpty()) {
                    // a whole-topic subscription keeps no state for items that have nothing pending;
                    // one that lists its items (a few, max-items-per-subscription) keeps it for reuse,
                    // which spares a HashMap remove, an object and a put on every change delivered
                    subscription.pending.remove(pending.item);
                }
            }
            if (nextDue != Long.MAX_VALUE) {
                arm(nextDue, now);
            }
            if (!updates.isEmpty()) {
                out.add(new FeedMessage.Updates(updates));
                updatesSent = updates.size();
            }
            if (out.isEmpty()) {
                busy = false;
                return;
            }
            sending = true;
            sendingSince = now;
            groupParts = 2;
            first = sentMessages + 1;
            sentMessages += out.size();
        }
        hub.delivered(updatesSent, conflated);
        long[] sizes = sink.send(out, tails == null ? Map.of() : tails, this::written);
        recorded(first, sizes);
    }

    /** The sink encoded the group starting at message {@code first}: its messages' sizes count in the window. */
    private void recorded(long first, long[] sizes) {
        boolean next;
        synchronized (this) {
            if (sizes != null) {
                for (int i = 0; i < sizes.length; i++) {
                    long number = first + i;
                    if (number > ackedMessages) {
                        if (unacked.isEmpty()) {
                            ackProgressAt = clock.getAsLong();
                        }
                        unacked.add(new long[] {number, sizes[i]});
                        unackedBytes += sizes[i];
                    }
                }
            }
            next = groupDone();
        }
        if (next) {
            wake();
        }
    }

    /** With the lock held: one part of the last group is done; whether the next group may start. */
    private boolean groupDone() {
        if (--groupParts > 0) {
            return false;
        }
        busy = false;
        return !failed;
    }

    /**
     * At least as many bytes as the update takes as JSON (the larger encoding): id, seq, ts and
     * conflated at their longest, a number at its longest (24 characters), a text with every
     * character escaped or 3 UTF-8 bytes. So a batch's estimate bounds its bytes on the wire, and
     * the flow-control window holds.
     */
    private static long estimate(String item, Map<String, FieldValue> fields) {
        long bytes = 112 + item.length();
        for (Map.Entry<String, FieldValue> field : fields.entrySet()) {
            bytes += field.getKey().length() + 4 + (field.getValue() instanceof FieldValue.Text text ? 2 + 6L * text.value().length() : 24);
        }
        return bytes;
    }

    /** The messages of the last flush were written, or failed. */
    private void written(Throwable failure) {
        boolean next;
        synchronized (this) {
            sending = false;
            if (failure != null) {
                // the session is gone or going: its close ends the subscriber; nothing more is sent
                failed = true;
            }
            next = groupDone();
        }
        if (failure != null) {
            LOG.log(Level.DEBUG, () -> "Feed session " + sink.id() + ": a write failed: " + failure);
            return;
        }
        if (next) {
            wake();
        }
    }

    /**
     * Why the session counts as stalled, or null: a write of it has been in flight for
     * {@code limitNanos} or more, or (acknowledged flow) messages have been unacknowledged that long
     * without an acknowledgement advancing.
     */
    synchronized String stalled(long now, long limitNanos) {
        if (sending && now - sendingSince >= limitNanos) {
            return "no write completed";
        }
        if (acknowledged && !unacked.isEmpty() && now - ackProgressAt >= limitNanos) {
            return "no acknowledgement";
        }
        return null;
    }

    /** Whether a write of this session is in flight (tests). */
    synchronized boolean sending() {
        return sending;
    }

    /** Closes the session as a slow consumer ({@code why} is for the log) and ends its subscriptions. */
    void dropSlowConsumer(String why) {
        if (disconnect()) {
            LOG.log(Level.INFO, "Feed session {0}: {1}, closing it as a slow consumer", sink.id(), why);
            sink.closeSlowConsumer();
        }
    }

    /**
     * Ends every subscription (what they had pending counts as conflated) and stops sending.
     *
     * @return whether this call ended it (false when it had ended already)
     */
    boolean disconnect() {
        List<Subscription> ended;
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            ended = new ArrayList<>(subscriptions.values());
            for (Subscription subscription : ended) {
                end(subscription);
            }
            subscriptions.clear();
            answers.clear();
            dirty.clear();
        }
        for (Subscription subscription : ended) {
            subscription.topic.unregister(subscription);
        }
        hub.forget(this);
        return true;
    }

    synchronized boolean isClosed() {
        return closed;
    }
}
