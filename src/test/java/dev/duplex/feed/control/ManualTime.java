package dev.duplex.feed.control;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/** A clock, an executor and a scheduler driven by the test: nothing runs until the test says so. */
final class ManualTime implements Executor, Scheduler, LongSupplier {

    private record Timer(long at, Runnable task) {
    }

    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final List<Timer> timers = new ArrayList<>();
    private long now = 1_000_000_000L;

    @Override
    public synchronized void execute(Runnable command) {
        tasks.add(command);
    }

    @Override
    public synchronized void schedule(Runnable task, long delayNanos) {
        timers.add(new Timer(now + delayNanos, task));
    }

    @Override
    public synchronized long getAsLong() {
        return now;
    }

    /** Runs the tasks queued, and those they queue, until none is left. */
    void run() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
            }
            if (next == null) {
                return;
            }
            next.run();
        }
    }

    /** Moves the clock forward, firing the timers that come due (in time order), and runs what they queue. */
    void advance(long nanos) {
        long until;
        synchronized (this) {
            until = now + nanos;
        }
        while (true) {
            Timer due;
            synchronized (this) {
                due = timers.stream().filter(t -> t.at() - until <= 0).min(Comparator.comparingLong(Timer::at)).orElse(null);
                if (due == null) {
                    now = until;
                    break;
                }
                timers.remove(due);
                now = Math.max(now, due.at());
            }
            due.task().run();
            run();
        }
        run();
    }

    synchronized int timersArmed() {
        return timers.size();
    }

    synchronized int tasksQueued() {
        return tasks.size();
    }
}
