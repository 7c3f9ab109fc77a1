package dev.duplex.platform.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Checks that the engine's HTTP worker pool cannot drop connection events. With its
 * {@code WorkerThreadIOStrategy} Grizzly's selector thread hands every read event of every
 * connection (a new handshake, a frame, a peer's close) to the listener's worker pool
 * ({@code http-thread-pool}: 200 threads, and on Payara a queue of {@code max-queue-size} = 4096
 * tasks by default), after switching that connection's read interest off until the task has run.
 * When more events wait than the queue holds, {@code execute} throws
 * {@code RejectedExecutionException: The thread pool's task queue is full, limit: 4096}: the
 * selector logs it as SEVERE ("doSelect exception"), drops the rest of that select round, and the
 * connections whose events were lost are never read again (their clients time out). A burst of
 * handshakes does it, and so does a burst of closes: 25 000 flood sessions ending at once did it
 * in the measurements of docs/SECURITY.md.
 *
 * <p>Each connection has at most one read (and one write) event waiting, so the queue can never hold
 * more than twice the open connections, which the file descriptor limit bounds: Duplex's pre-boot
 * commands ({@code src/main/deploy/preboot.txt}) set {@code max-queue-size=-1} (unbounded). The
 * capability {@value Engine#WORKER_QUEUE} is active when each HTTP listener's running pool (read
 * from the pool itself through {@link EngineAdapter.HttpListener#workerQueueLimit}, not from the
 * configuration) is unbounded or holds at least twice the descriptor limit; inactive (with the fix
 * in its detail) otherwise. Not proven by a flood at start: that would cost the server the very
 * burst the setting is for; {@code ConnectionFloodIT} is the behaviour test.
 */
final class WorkerQueue {

    private WorkerQueue() {
    }

    /** The process's soft limit on open file descriptors, or -1. */
    static long fileDescriptorLimit() {
        try {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                return unix.getMaxFileDescriptorCount();
            }
        } catch (RuntimeException | LinkageError e) {
            return -1;
        }
        return -1;
    }

    /** Reads each of {@code engine}'s HTTP listeners' worker queue limit and reports the capability. */
    static void check(EngineAdapter engine, long fdLimit) {
        Capability capability = Engine.capability(Engine.WORKER_QUEUE, "a burst of connection events larger than the worker queue"
                + " is dropped (SEVERE 'task queue is full'), and those connections hang");
        List<String> bounded = new ArrayList<>();
        List<String> fine = new ArrayList<>();
        try {
            for (EngineAdapter.HttpListener listener : engine.httpListeners()) {
                OptionalInt queue = listener.workerQueueLimit();
                if (queue.isEmpty()) {
                    continue; // a transport without a worker pool runs its events on the selector threads
                }
                int limit = queue.getAsInt();
                if (limit < 0 || fdLimit > 0 && limit >= 2 * fdLimit) {
                    fine.add(listener.name() + (limit < 0 ? " (unbounded)" : " (" + limit + ")"));
                } else {
                    bounded.add(listener.name() + " holds " + limit + " tasks");
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            capability.inactive("the HTTP listeners' worker pools cannot be read on " + engine.name() + ": " + e);
            return;
        }
        if (!bounded.isEmpty()) {
            capability.inactive("worker queue of " + String.join(", ", bounded) + ": set "
                    + "configs.config.server-config.thread-pools.thread-pool.http-thread-pool.max-queue-size=-1 (src/main/deploy/preboot.txt)");
        } else if (fine.isEmpty()) {
            capability.inactive("no HTTP listener with a worker pool found");
        } else {
            capability.active("connection events wait for a worker instead of being dropped on " + fine
                    + "; at most two per connection, and the connections are bounded by the file descriptor limit");
        }
    }
}
