package dev.duplex.image.control;

import dev.duplex.image.entity.ImageReply;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link Outbox} that records what is sent (replies and {@code byte[]} images, in order) and
 * how many sends overlapped. Sends complete at once, or only when the test says so.
 */
final class FakeOutbox implements Outbox {

    record Closed(int code, String reason) {
    }

    final BlockingQueue<Object> sent = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    private final Queue<CompletableFuture<Void>> unfinished = new ConcurrentLinkedQueue<>();
    private final boolean completeAtOnce;
    private volatile RuntimeException failure;

    FakeOutbox(boolean completeAtOnce) {
        this.completeAtOnce = completeAtOnce;
    }

    @Override
    public CompletionStage<Void> send(ImageReply reply) {
        return record(reply);
    }

    @Override
    public CompletionStage<Void> send(byte[] image) {
        return record(image);
    }

    private CompletionStage<Void> record(Object message) {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        sent.add(message);
        CompletableFuture<Void> write = new CompletableFuture<>();
        CompletableFuture<Void> done = write.whenComplete((v, e) -> inFlight.decrementAndGet());
        if (failure != null) {
            write.completeExceptionally(failure);
        } else if (completeAtOnce) {
            write.complete(null);
        } else {
            unfinished.add(write);
        }
        return done;
    }

    /** Completes the oldest unfinished send; false when there is none. */
    boolean finishOne() {
        CompletableFuture<Void> write = unfinished.poll();
        if (write == null) {
            return false;
        }
        write.complete(null);
        return true;
    }

    /** Makes every send from now on fail. */
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
    }

    @Override
    public boolean isOpen() {
        return !closed.isDone();
    }
}
