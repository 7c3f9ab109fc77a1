package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdleTimerExecutorTest {

    /** Stands for the engine's idle-timeout check. */
    private static final class IdleCheck implements Runnable {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public void run() {
            runs.incrementAndGet();
        }
    }

    /** Every task handed to the scheduler, counted as it is handed over (not read from the pool's approximate counts). */
    private final AtomicInteger handOffs = new AtomicInteger();
    private final ScheduledThreadPoolExecutor delegate = new ScheduledThreadPoolExecutor(1) {
        @Override
        protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
            handOffs.incrementAndGet();
            return task;
        }
    };
    private final IdleTimerExecutor executor = new IdleTimerExecutor(delegate, command -> command instanceof IdleCheck);

    @AfterEach
    void stop() {
        delegate.shutdownNow();
    }

    @Test
    void noOpIdleChecksAreNeitherQueuedNorRun() throws Exception {
        IdleCheck check = new IdleCheck();
        for (int i = 0; i < 10_000; i++) {
            ScheduledFuture<?> future = executor.schedule(check, 0, TimeUnit.MILLISECONDS);
            assertTrue(future.isDone());
            assertFalse(future.cancel(false));
        }
        CountDownLatch marker = new CountDownLatch(1);
        executor.schedule(marker::countDown, 0, TimeUnit.MILLISECONDS);
        assertTrue(marker.await(30, TimeUnit.SECONDS), "other zero-delay tasks still run");
        assertEquals(0, check.runs.get());
        assertEquals(1, handOffs.get(), "only the marker reached the scheduler");
    }

    @Test
    void realIdleTimeoutsAreScheduled() throws Exception {
        IdleCheck check = new IdleCheck();
        ScheduledFuture<?> future = executor.schedule(check, 10, TimeUnit.MILLISECONDS);
        future.get(30, TimeUnit.SECONDS);
        assertEquals(1, check.runs.get());
    }

    @Test
    void theFirstIdleCheckProvesTheSchedulerOnceAndOtherTasksDoNot() {
        AtomicInteger proofs = new AtomicInteger();
        IdleTimerExecutor proving = new IdleTimerExecutor(delegate, command -> command instanceof IdleCheck, proofs::incrementAndGet);
        proving.schedule(() -> { }, 0, TimeUnit.MILLISECONDS);
        assertFalse(proving.proven(), "a task that is not the engine's idle check proves nothing");
        assertEquals(0, proofs.get());
        for (int i = 0; i < 3; i++) {
            proving.schedule(new IdleCheck(), 0, TimeUnit.MILLISECONDS);
        }
        assertTrue(proving.proven());
        assertEquals(1, proofs.get());
    }
}
