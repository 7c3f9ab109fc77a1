package dev.duplex.platform;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the server's own plain pools (not managed executors: on Payara every
 * managed submit captures the thread context with a class-path scan, docs/PERFORMANCE.md). Their
 * threads are daemons, so that a pool never keeps a stopping server alive, and named, so that a
 * thread dump says whose they are.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Every thread gets {@code name}: for single-thread pools. */
    public static ThreadFactory named(String name) {
        return task -> daemon(task, name);
    }

    /** Threads named {@code prefix-1}, {@code prefix-2} and so on. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger threads = new AtomicInteger();
        return task -> daemon(task, prefix + "-" + threads.incrementAndGet());
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
