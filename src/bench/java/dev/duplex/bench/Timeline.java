package dev.duplex.bench;

import dev.duplex.bench.report.ProcStat;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Drives a run through its phases (warm-up, measurement, drain), prints a progress line every
 * second and reads the server's and the client's CPU time at the edges of the measured window.
 */
public final class Timeline {

    /** What the run learned about time and CPU. */
    public record Window(double seconds, double serverCpuSeconds, double clientCpuSeconds, boolean drained) {
    }

    private final Measurement measurement;
    private final PrintStream progress;
    private final long serverPid;

    /**
     * @param serverPid the server's process id for CPU readings, or 0 when unknown
     */
    public Timeline(Measurement measurement, PrintStream progress, long serverPid) {
        this.measurement = measurement;
        this.progress = progress;
        this.serverPid = serverPid;
    }

    /**
     * Runs warm-up, measurement and drain. {@code start} begins sending (called once, when the
     * warm-up starts); {@code quiesce} returns once no send that began before the window closed is
     * still under way (the client's event loops have run a task since); {@code inFlight} says how
     * many measured messages still await their answer; the measurement ends early when
     * {@code maxMessages} answers arrived in the window (0 = no limit).
     */
    public Window run(Runnable start, Runnable quiesce, Duration warmup, Duration duration, Duration drain,
            long maxMessages, LongSupplier inFlight) throws InterruptedException {
        long begin = System.nanoTime();
        measurement.startWarmup();
        start.run();
        tick("warm-up", begin, begin + warmup.toNanos(), () -> false, inFlight);

        double server0 = ProcStat.cpuSeconds(serverPid);
        double client0 = ProcStat.selfCpuSeconds();
        long measureStart = System.nanoTime();
        measurement.startMeasuring(measureStart);
        BooleanSupplier enough = () -> maxMessages > 0 && measurement.windowMessages() >= maxMessages;
        tick("measure", begin, measureStart + duration.toNanos(), enough, inFlight);
        long measureEnd = System.nanoTime();
        measurement.stopMeasuring(measureEnd);
        double server1 = ProcStat.cpuSeconds(serverPid);
        double client1 = ProcStat.selfCpuSeconds();
        quiesce.run();

        boolean drained = false;
        long drainUntil = System.nanoTime() + drain.toNanos();
        while (System.nanoTime() < drainUntil) {
            if (inFlight.getAsLong() == 0) {
                drained = true;
                break;
            }
            Thread.sleep(5);
        }
        drained = drained || inFlight.getAsLong() == 0;
        measurement.finish();
        double seconds = (measureEnd - measureStart) / 1e9;
        double serverCpu = serverPid > 0 ? server1 - server0 : Double.NaN;
        return new Window(seconds, serverCpu, client1 - client0, drained);
    }

    private void tick(String label, long begin, long until, BooleanSupplier enough, LongSupplier inFlight)
            throws InterruptedException {
        long lastAt = System.nanoTime();
        long lastReceived = measurement.receivedCount();
        while (true) {
            long now = System.nanoTime();
            if (now >= until || enough.getAsBoolean()) {
                return;
            }
            long nextTick = lastAt + 1_000_000_000L;
            long sleep = Math.min(until, nextTick) - now;
            Thread.sleep(Math.max(1, Math.min(sleep / 1_000_000, 100)));
            now = System.nanoTime();
            if (now >= nextTick) {
                long received = measurement.receivedCount();
                double rate = (received - lastReceived) / ((now - lastAt) / 1e9);
                progress.printf(Locale.ROOT, "[%6.1fs] %-8s %10.0f msgs/s  sent %d  received %d  in flight %d  errors %d%n",
                        (now - begin) / 1e9, label, rate, measurement.sentCount(), received, inFlight.getAsLong(),
                        measurement.errors());
                lastAt = now;
                lastReceived = received;
            }
        }
    }
}
