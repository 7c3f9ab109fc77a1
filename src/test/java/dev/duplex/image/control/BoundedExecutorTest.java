package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedExecutorTest {

    @Test
    void refusesWorkWhenEveryThreadIsBusyAndTheQueueIsFull() throws Exception {
        try (BoundedExecutor executor = new BoundedExecutor(1, 2, "test-image")) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> running = executor.trySubmit(() -> {
                started.countDown();
                release.await();
                return "first";
            }).orElseThrow();
            assertTrue(started.await(30, TimeUnit.SECONDS));
            CompletableFuture<String> queued1 = executor.trySubmit(() -> "second").orElseThrow();
            CompletableFuture<String> queued2 = executor.trySubmit(() -> "third").orElseThrow();
            assertEquals(2, executor.queued());
            assertEquals(Optional.empty(), executor.trySubmit(() -> "fourth"), "the queue holds 2: a fourth is refused");

            release.countDown();
            assertEquals("first", running.get(30, TimeUnit.SECONDS));
            assertEquals("second", queued1.get(30, TimeUnit.SECONDS));
            assertEquals("third", queued2.get(30, TimeUnit.SECONDS));
            assertEquals("again", executor.trySubmit(() -> "again").orElseThrow().get(30, TimeUnit.SECONDS), "room again");
        }
    }

    @Test
    void failuresReachTheCallerAndWorkDroppedAtShutdownFails() throws Exception {
        CompletableFuture<String> dropped;
        CountDownLatch release = new CountDownLatch(1);
        BoundedExecutor executor = new BoundedExecutor(1, 1, "test-image");
        try {
            CompletableFuture<String> failing = executor.<String>trySubmit(() -> {
                throw new IllegalStateException("boom");
            }).orElseThrow();
            ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(30, TimeUnit.SECONDS));
            assertEquals("boom", e.getCause().getMessage());

            CountDownLatch started = new CountDownLatch(1);
            executor.trySubmit(() -> {
                started.countDown();
                release.await();
                return "running";
            }).orElseThrow();
            assertTrue(started.await(30, TimeUnit.SECONDS));
            dropped = executor.trySubmit(() -> "never").orElseThrow();
        } finally {
            // Close while the first task still runs: the queued one is dropped, the running one interrupted.
            executor.close();
            release.countDown();
        }
        ExecutionException e = assertThrows(ExecutionException.class, () -> dropped.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof RejectedExecutionException, e.toString());
        assertEquals(Optional.empty(), executor.trySubmit(() -> "after"), "closed");
    }

    @Test
    void aZeroQueueOnlyHandsWorkToAnIdleThread() throws Exception {
        try (BoundedExecutor executor = new BoundedExecutor(1, 0, "test-image")) {
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Integer> running = executor.trySubmit(() -> {
                release.await();
                return 1;
            }).orElseThrow();
            assertEquals(Optional.empty(), executor.trySubmit(() -> 2));
            release.countDown();
            assertEquals(1, running.get(30, TimeUnit.SECONDS));
        }
    }
}
