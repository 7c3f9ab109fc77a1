package dev.duplex.feed.control;

/** Runs a task once after a delay: the timers of max-frequency throttling (tests drive it by hand). */
@FunctionalInterface
public interface Scheduler {

    void schedule(Runnable task, long delayNanos);
}
