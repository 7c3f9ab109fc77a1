package dev.duplex.platform.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks that Grizzly's HTTP worker pool cannot drop connection events. With its
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
 * capability {@value Engine#WORKER_QUEUE} is active when each HTTP listener's pool queue is
 * unbounded or holds at least twice the descriptor limit; inactive (with the fix in its detail) otherwise.
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

    /** Reads each HTTP listener's worker queue limit and reports the capability. */
    static void check(long fdLimit) {
        Capability capability = Engine.capability(Engine.WORKER_QUEUE, "a burst of connection events larger than the worker queue"
                + " is dropped (SEVERE 'task queue is full'), and those connections hang");
        List<String> bounded = new ArrayList<>();
        List<String> fine = new ArrayList<>();
        try {
            for (Object listener : HeaderReadTimeout.grizzlyListeners()) {
                String name = String.valueOf(listener.getClass().getMethod("getName").invoke(listener));
                Object transport = listener.getClass().getMethod("getTransport").invoke(listener);
                Object pool = EngineFields.method(transport.getClass(), "getWorkerThreadPool").invoke(transport);
                if (pool == null) {
                    continue; // a transport without a worker pool runs its events on the selector threads
                }
                Object config = EngineFields.method(pool.getClass(), "getConfiguration").invoke(pool);
                int limit = (Integer) EngineFields.method(config.getClass(), "getQueueLimit").invoke(config);
                if (limit < 0 || fdLimit > 0 && limit >= 2 * fdLimit) {
                    fine.add(name + (limit < 0 ? " (unbounded)" : " (" + limit + ")"));
                } else {
                    bounded.add(name + " holds " + limit + " tasks");
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            capability.inactive("the HTTP listeners' worker pools cannot be read: " + e);
            return;
        }
        if (!bounded.isEmpty()) {
            capability.inactive("worker queue of " + String.join(", ", bounded) + ": set "
                    + "configs.config.server-config.thread-pools.thread-pool.http-thread-pool.max-queue-size=-1 (src/main/deploy/preboot.txt)");
        } else if (fine.isEmpty()) {
            capability.inactive("no Grizzly HTTP listener with a worker pool found");
        } else {
            capability.active("connection events wait for a worker instead of being dropped on " + fine
                    + "; at most two per connection, and the connections are bounded by the file descriptor limit");
        }
    }
}
