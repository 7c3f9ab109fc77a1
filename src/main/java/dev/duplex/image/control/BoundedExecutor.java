package dev.duplex.image.control;

import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of worker threads with a queue of fixed capacity in front of them. When every
 * thread is busy and the queue is full, {@link #trySubmit} says so at once instead of queueing
 * without bound; the caller answers {@code busy}. Threads are daemons named {@code name-N}, carry
 * the creating class loader as context class loader (ImageIO plugins look it up), and time out
 * when idle.
 */
public final class BoundedExecutor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BoundedExecutor.class.getName());

    private final ThreadPoolExecutor pool;
    private final int threads;
    private final int queueCapacity;

    public BoundedExecutor(int threads, int queueCapacity, String name) {
        if (threads < 1 || queueCapacity < 0) {
            throw new IllegalArgumentException("need at least one thread and a queue of zero or more: " + threads
                    + ", " + queueCapacity);
        }
        this.threads = threads;
        this.queueCapacity = queueCapacity;
        ClassLoader loader = BoundedExecutor.class.getClassLoader();
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            thread.setContextClassLoader(loader);
            return thread;
        };
        // A SynchronousQueue hands over directly when the capacity is zero.
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                queueCapacity == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity),
                factory, new ThreadPoolExecutor.AbortPolicy());
        this.pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts the work, or returns empty when every thread is busy and the queue is full.
     *
     * @return the work's outcome, completed on a worker thread
     */
    public <T> Optional<CompletableFuture<T>> trySubmit(Callable<T> work) {
        Task<T> task = new Task<>(work);
        try {
            pool.execute(task);
            return Optional.of(task.outcome);
        } catch (RejectedExecutionException full) {
            return Optional.empty();
        }
    }

    /** Work and the future of its outcome, so that work dropped at shutdown can be failed. */
    private static final class Task<T> implements Runnable {
        private final Callable<T> work;
        private final CompletableFuture<T> outcome = new CompletableFuture<>();

        Task(Callable<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            try {
                outcome.complete(work.call());
            } catch (Throwable t) {
                // Everything, OutOfMemoryError included, ends up with the caller, who answers the client.
                outcome.completeExceptionally(t);
            }
        }

        void drop() {
            outcome.completeExceptionally(new RejectedExecutionException("the server is shutting down"));
        }
    }

    public int threads() {
        return threads;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    /** How many tasks wait for a thread now. */
    public int queued() {
        return pool.getQueue().size();
    }

    /** Stops taking work, drops what waits, and gives running work a few seconds to finish. */
    @Override
    public void close() {
        var dropped = pool.shutdownNow();
        dropped.forEach(task -> ((Task<?>) task).drop());
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "Image workers still busy after 5 s; leaving them to finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!dropped.isEmpty()) {
            LOG.log(Level.INFO, "Dropped {0} queued images at shutdown", dropped.size());
        }
    }
}
