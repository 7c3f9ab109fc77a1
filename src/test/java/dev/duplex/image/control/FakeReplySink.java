package dev.duplex.image.control;

import dev.duplex.image.entity.ImageReply;
import dev.duplex.platform.MemoryBudget;
import dev.duplex.platform.Outbox;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A {@link ReplySink} on the real platform {@link Outbox}, over a transport that records what is
 * written (replies and {@code byte[]} images, in order) and how many writes overlapped. Writes
 * complete at once, or only when the test says so ({@link #finishOne}), like a client that reads
 * slowly. A reply counts as many bytes as its {@code toString()} has characters.
 */
final class FakeReplySink implements ReplySink {

    record Closed(int code, String reason) {
    }

    final BlockingQueue<Object> sent = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final Outbox outbox;
    private final Queue<Consumer<Throwable>> unfinished = new ConcurrentLinkedQueue<>();
    private final boolean completeAtOnce;
    private volatile RuntimeException failure;

    FakeReplySink(boolean completeAtOnce) {
        this(completeAtOnce, 0, null);
    }

    /** A sink whose outbox holds at most {@code maxQueuedBytes} behind a write (0: no bound), charged to {@code account}. */
    FakeReplySink(boolean completeAtOnce, long maxQueuedBytes, MemoryBudget.Account account) {
        this.completeAtOnce = completeAtOnce;
        this.outbox = new Outbox(this::write, maxQueuedBytes, 0, null, account, this::close);
    }

    @Override
    public CompletionStage<Void> send(ImageReply reply) {
        return offer(reply, reply.toString().length());
    }

    @Override
    public CompletionStage<Void> send(byte[] image) {
        return offer(image, image.length);
    }

    private CompletionStage<Void> offer(Object message, long bytes) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        outbox.offer(message, bytes, null, error -> {
            if (error == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    /** The transport: records the message and completes its write now, later, or with the failure. */
    private void write(Object message, Consumer<Throwable> done) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Consumer<Throwable> write = error -> {
            inFlight.decrementAndGet();
            done.accept(error);
        };
        if (failure != null) {
            sent.add(message);
            write.accept(failure);
        } else if (completeAtOnce) {
            sent.add(message);
            write.accept(null);
        } else {
            // unfinished before sent: a test that saw the message may finish its write at once
            unfinished.add(write);
            sent.add(message);
        }
    }

    /** Completes the oldest unfinished write; false when there is none. */
    boolean finishOne() {
        Consumer<Throwable> write = unfinished.poll();
        if (write == null) {
            return false;
        }
        write.accept(null);
        return true;
    }

    /** Makes every write from now on fail. */
    void failSends(RuntimeException failure) {
        this.failure = failure;
    }

    Object next() throws InterruptedException {
        Object message = sent.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("nothing was sent within 10 s");
        }
        return message;
    }

    <T> T next(Class<T> type) throws InterruptedException {
        Object message = next();
        if (!type.isInstance(message)) {
            throw new AssertionError("expected a " + type.getSimpleName() + ", got " + message);
        }
        return type.cast(message);
    }

    @Override
    public void close(int code, String reason) {
        closed.complete(new Closed(code, reason));
        outbox.close();
    }

    @Override
    public boolean isOpen() {
        return !closed.isDone();
    }
}
