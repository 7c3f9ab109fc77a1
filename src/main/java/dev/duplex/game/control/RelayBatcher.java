package dev.duplex.game.control;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Smart batching of relay messages: the messages for one destination (an instance's mailbox) that
 * pile up while that destination's last batch is being published go out together as the next
 * batch, so that a busy relay costs one publish per batch rather than one per message, and a quiet
 * one adds no delay (a lone message is flushed at once, alone).
 *
 * <p>{@link #offer} queues the message on its destination's queue and, when no flush of that
 * destination is scheduled, schedules one on the executor. A flush takes what is queued by the time
 * it runs, up to {@code maxBytes} of batch (length prefixes included) and {@code maxMessages}
 * messages (a single message above the bound goes alone), and hands the batch to the publisher;
 * what is left is flushed right after, by a new task on the executor (so that destinations take
 * turns), or in the same task when the executor refuses it (it is shutting down: what was offered
 * before still goes out). Per destination the batches are published in offer order, one flush at a
 * time; destinations are independent. A publisher that throws is logged and the next flush runs as
 * usual; the batch is lost. An offer the executor refuses (the relay is closed) is dropped with a
 * log line.
 *
 * <p>Batch bytes: {@code (u32 length | message)} repeated, one or more times, big-endian, where
 * {@code length} is the message's byte count. {@link #unpack} reads it back.
 */
final class RelayBatcher {

    /** Default bound of a batch: 64 KiB, length prefixes included. */
    static final int MAX_BYTES = 64 * 1024;
    /** Default bound of a batch: 512 messages. */
    static final int MAX_MESSAGES = 512;

    private static final System.Logger LOG = System.getLogger(RelayBatcher.class.getName());

    private final Executor executor;
    private final BiConsumer<String, byte[]> publisher;
    private final int maxBytes;
    private final int maxMessages;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();

    /** One destination's queue and whether a flush of it is scheduled or running. */
    private static final class Lane {
        final String destination;
        final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean scheduled = new AtomicBoolean();

        Lane(String destination) {
            this.destination = destination;
        }
    }

    RelayBatcher(Executor executor, BiConsumer<String, byte[]> publisher) {
        this(executor, publisher, MAX_BYTES, MAX_MESSAGES);
    }

    RelayBatcher(Executor executor, BiConsumer<String, byte[]> publisher, int maxBytes, int maxMessages) {
        if (maxBytes < 5 || maxMessages < 1) {
            throw new IllegalArgumentException("a batch must hold at least one message of one byte");
        }
        this.executor = executor;
        this.publisher = publisher;
        this.maxBytes = maxBytes;
        this.maxMessages = maxMessages;
    }

    /** Queues {@code message} for {@code destination}; it is published soon, after every message offered before it there. */
    void offer(String destination, byte[] message) {
        Lane lane = lanes.computeIfAbsent(destination, Lane::new);
        lane.queue.add(message);
        if (lane.scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(() -> flush(lane));
            } catch (RejectedExecutionException e) {
                int dropped = 0;
                while (lane.queue.poll() != null) {
                    dropped++;
                }
                lane.scheduled.set(false);
                LOG.log(Level.DEBUG, "Game relay closed: {0} message(s) for {1} dropped", dropped, destination);
            }
        }
    }

    /** Forgets a destination that left (its queue goes with it). */
    void forget(String destination) {
        lanes.remove(destination);
    }

    /** Batches published since start (publisher returned normally). */
    long batches() {
        return batches.get();
    }

    /** Messages in the batches published since start. */
    long messages() {
        return messages.get();
    }

    /** Publishes the lane's batches; the lane's flag is held, so no other flush of it runs meanwhile. */
    private void flush(Lane lane) {
        while (true) {
            publish(lane);
            if (lane.queue.isEmpty()) {
                lane.scheduled.set(false);
                // an offer between the isEmpty and the set saw the flag still up and scheduled nothing
                if (lane.queue.isEmpty() || !lane.scheduled.compareAndSet(false, true)) {
                    return;
                }
            }
            try {
                executor.execute(() -> flush(lane));
                return;
            } catch (RejectedExecutionException e) {
                // shutting down: publish the rest here
            }
        }
    }

    private void publish(Lane lane) {
        Queue<byte[]> queue = lane.queue;
        byte[] first = queue.poll();
        if (first == null) {
            return;
        }
        int bytes = 4 + first.length;
        int count = 1;
        List<byte[]> taken = new ArrayList<>();
        taken.add(first);
        for (byte[] next = queue.peek(); next != null && count < maxMessages && bytes + 4L + next.length <= maxBytes; next = queue.peek()) {
            queue.poll(); // only this flush takes from the lane: the peeked message is the polled one
            taken.add(next);
            bytes += 4 + next.length;
            count++;
        }
        ByteBuffer batch = ByteBuffer.allocate(bytes);
        for (byte[] message : taken) {
            batch.putInt(message.length).put(message);
        }
        try {
            publisher.accept(lane.destination, batch.array());
            batches.incrementAndGet();
            messages.addAndGet(count);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Game relay batch of " + count + " message(s) for " + lane.destination + " not published", e);
        }
    }

    /**
     * Hands each message of {@code batch} to {@code each}, in order.
     *
     * @throws IllegalArgumentException when the batch is empty or its framing is broken (a length
     *                                  past the end, a truncated length); the messages before the
     *                                  bad point have been handed over, none after it
     */
    static void unpack(byte[] batch, Consumer<byte[]> each) {
        if (batch.length == 0) {
            throw new IllegalArgumentException("empty relay batch");
        }
        ByteBuffer in = ByteBuffer.wrap(batch);
        int index = 0;
        while (in.hasRemaining()) {
            if (in.remaining() < 4) {
                throw new IllegalArgumentException("relay batch truncated in the length of message " + index);
            }
            long length = in.getInt() & 0xFFFF_FFFFL;
            if (length > in.remaining()) {
                throw new IllegalArgumentException("relay batch message " + index + " of " + length + " bytes has only "
                        + in.remaining() + " left");
            }
            byte[] message = new byte[(int) length];
            in.get(message);
            each.accept(message);
            index++;
        }
    }
}
