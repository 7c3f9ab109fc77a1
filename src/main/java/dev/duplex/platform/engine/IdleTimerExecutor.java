package dev.duplex.platform.engine;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The scheduler the WebSocket engine gets for its per-session timers. Tyrus (2.1.5.payara-p2)
 * reschedules a session's idle-timeout check on every message received and sent, even when the
 * session has no idle timeout: then it schedules the check with delay 0, and the check does
 * nothing when it runs. This scheduler skips exactly those no-op checks, so a message costs no
 * scheduling at all; everything else (heartbeats, real idle timeouts) goes to the delegate. Duplex
 * itself enforces idle timeouts with one periodic sweep ({@link dev.duplex.platform.Connections#sweep}).
 *
 * <p>The first idle check the engine schedules here is the proof that the engine really uses this
 * scheduler (not merely that a field could be written): it runs the {@code proven} callback once.
 */
final class IdleTimerExecutor implements ScheduledExecutorService {

    private final ScheduledExecutorService delegate;
    private final Predicate<Runnable> idleCheck;
    private final AtomicReference<Runnable> proven;

    /**
     * @param idleCheck recognises the engine's idle-timeout check, which is a no-op when scheduled
     *                  with a delay of zero or less
     */
    IdleTimerExecutor(ScheduledExecutorService delegate, Predicate<Runnable> idleCheck) {
        this(delegate, idleCheck, () -> { });
    }

    /**
     * @param proven runs once, on the first idle check the engine schedules here (on the engine's
     *               thread: it must be quick and must not throw)
     */
    IdleTimerExecutor(ScheduledExecutorService delegate, Predicate<Runnable> idleCheck, Runnable proven) {
        this.delegate = delegate;
        this.idleCheck = idleCheck;
        this.proven = new AtomicReference<>(proven);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (idleCheck.test(command)) {
            Runnable first = proven.get();
            if (first != null && proven.compareAndSet(first, null)) {
                first.run();
            }
            if (delay <= 0) {
                return Skipped.INSTANCE;
            }
        }
        return delegate.schedule(command, delay, unit);
    }

    /** Whether the engine has scheduled its idle check here yet. */
    boolean proven() {
        return proven.get() == null;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return delegate.schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return delegate.scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return delegate.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.awaitTermination(timeout, unit);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return delegate.submit(task);
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return delegate.submit(task, result);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return delegate.submit(task);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return delegate.invokeAll(tasks);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        return delegate.invokeAll(tasks, timeout, unit);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        return delegate.invokeAny(tasks);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return delegate.invokeAny(tasks, timeout, unit);
    }

    @Override
    public void execute(Runnable command) {
        delegate.execute(command);
    }

    /** The future of a check that was skipped: already done, nothing to cancel. */
    private static final class Skipped implements ScheduledFuture<Object> {
        static final Skipped INSTANCE = new Skipped();

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
