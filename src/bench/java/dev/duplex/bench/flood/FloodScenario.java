package dev.duplex.bench.flood;

import dev.duplex.bench.Options;
import dev.duplex.bench.Result;
import dev.duplex.bench.Target;
import dev.duplex.bench.UsageException;
import dev.duplex.bench.Units;
import dev.duplex.bench.connect.ServerMemory;
import dev.duplex.bench.net.Transport;
import dev.duplex.bench.report.ProcStat;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * {@code flood}: the connection-flood attack (issue 16 item 5). {@code connections} WebSocket
 * handshakes from {@code sources} loopback addresses (127.0.0.{@code first-source} onwards),
 * {@code concurrency} waiting for their answer at a time, sessions kept open, while a canary on its
 * own connection (opened first) sends an echo every {@code canary-interval}. Bounded in time: no
 * handshake begins after {@code duration}, each waits at most {@code answer-timeout}, the sessions
 * are then held for {@code hold} and closed.
 *
 * <p>Reports every handshake's outcome ({@code open}, {@code http 503 retry-after}, {@code close
 * 1013}, {@code timeout}, {@code eof}, …), the time to each answer, the canary's sent, echoed, lost
 * and slowest round trip, and with {@code --server-pid} the server's descriptors and threads
 * before, at peak and after (once back under baseline + slack, or after {@code settle}) and its
 * live heap before and after (jcmd class histogram, a full GC); {@code --server-log} counts the
 * SEVERE records written during the run, {@code --gc-log} gives the heap's peak.
 */
public final class FloodScenario {

    /** Descriptors and threads (outside the worker pool) above the baseline that still count as back. */
    static final int FD_SLACK = 25;
    static final int THREAD_SLACK = 15;

    /** Everything a flood needs to know. */
    public record Settings(Target target, int connections, int sources, int firstSource, int concurrency,
            Duration duration, Duration answerTimeout, Duration hold, Duration canaryInterval, Duration settle,
            long serverPid, Path serverLog, Path gcLog) {
    }

    private FloodScenario() {
    }

    public static Settings settings(Options options) {
        Target target = Target.parse(options.required("url"), false);
        if (target.raw() || target.tls()) {
            throw new UsageException("--url must be a ws:// URL (the flood speaks plain HTTP/1.1 upgrades)");
        }
        int sources = (int) options.integer("sources", 40, 1, 250);
        int first = (int) options.integer("first-source", 2, 1, 254);
        if (first + sources - 1 > 254) {
            throw new UsageException("--first-source " + first + " with --sources " + sources + " goes past 127.0.0.254");
        }
        String log = options.string("server-log", null);
        String gc = options.string("gc-log", null);
        return new Settings(target,
                (int) options.integer("connections", 25_000, 1, 200_000),
                sources, first,
                (int) options.integer("concurrency", 2_000, 1, 50_000),
                options.duration("duration", Duration.ofSeconds(90), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                options.duration("answer-timeout", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(5)),
                options.duration("hold", Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(5)),
                options.duration("canary-interval", Duration.ofMillis(100), Duration.ofMillis(1), Duration.ofSeconds(10)),
                options.duration("settle", Duration.ofSeconds(60), Duration.ZERO, Duration.ofMinutes(10)),
                options.integer("server-pid", 0, 0, Long.MAX_VALUE),
                log == null ? null : Path.of(log),
                gc == null ? null : Path.of(gc));
    }

    public static Result run(Settings s, PrintStream progress) throws InterruptedException {
        List<InetAddress> sources;
        try {
            sources = HandshakeFlood.loopbackSources(s.firstSource(), s.sources());
        } catch (IOException e) {
            throw new UsageException("no loopback sources: " + e.getMessage());
        }
        ServerMemory.Reading heapBefore = s.serverPid() > 0 ? ServerMemory.read(s.serverPid(), null) : null;
        try (Transport transport = new Transport(1); ServerWatch watch = new ServerWatch(s.serverPid(), s.serverLog(), s.gcLog())) {
            ServerWatch.Sample before = watch.read();
            progress.printf(Locale.ROOT, "server before: %d fds, %d threads (%d in the HTTP worker pool), live heap %s%n",
                    before.fds(), before.threads(), before.workerThreads(), heap(heapBefore));
            Canary canary = Canary.start(transport, s.target(), s.canaryInterval());
            double cpuBefore = ProcStat.cpuSeconds(s.serverPid());
            long start = System.nanoTime();
            HandshakeFlood.Plan plan = new HandshakeFlood.Plan(new InetSocketAddress(s.target().host(), s.target().port()),
                    s.target().host() + ":" + s.target().port(), s.target().pathAndQuery(), s.connections(), sources,
                    s.concurrency(), s.answerTimeout());
            Map<String, Integer> answered;
            int peakOpen;
            Histogram answers;
            boolean allAnswered;
            Map<String, Integer> afterHold;
            try (HandshakeFlood flood = start(plan)) {
                long stopBeginningAt = start + s.duration().toNanos();
                long last = start;
                while (!flood.awaitAnswered(Math.min(stopBeginningAt, last + 2_000_000_000L))) {
                    last = System.nanoTime();
                    progress.printf(Locale.ROOT, "[%6.1fs] flood  %d begun, %d waiting, %s; canary %d/%d%n",
                            (last - start) / 1e9, flood.begun(), flood.inFlight(), flood.outcomes(), canary.echoed(),
                            canary.sent());
                    if (last >= stopBeginningAt) {
                        flood.stopBeginning();
                        progress.printf(Locale.ROOT, "duration over after %d handshakes: waiting for the answers still owed%n",
                                flood.begun());
                        allAnswered = flood.awaitAnswered(last + s.answerTimeout().toNanos() + 5_000_000_000L);
                        break;
                    }
                }
                allAnswered = flood.awaitAnswered(System.nanoTime());
                answered = flood.outcomes();
                peakOpen = flood.peakOpen();
                answers = flood.answers();
                progress.printf(Locale.ROOT, "[%6.1fs] answered: %s; holding the sessions for %s%n",
                        (System.nanoTime() - start) / 1e9, answered, Units.duration(s.hold()));
                long holdUntil = System.nanoTime() + s.hold().toNanos();
                while (System.nanoTime() < holdUntil) {
                    Thread.sleep(Math.max(1, Math.min(1_000, (holdUntil - System.nanoTime()) / 1_000_000)));
                }
                afterHold = flood.outcomes();
            }
            double floodSeconds = (System.nanoTime() - start) / 1e9;
            double serverCpu = ProcStat.cpuSeconds(s.serverPid()) - cpuBefore;
            Canary.Figures canaryFigures = canary.stop(Duration.ofSeconds(10));
            ServerWatch.Sample peak = watch.peak();
            progress.printf(Locale.ROOT, "closed; waiting up to %s for the server's descriptors and threads%n",
                    Units.duration(s.settle()));
            ServerWatch.Sample after = watch.awaitAtMost(before.fds() + FD_SLACK,
                    before.threads() - before.workerThreads() + THREAD_SLACK, s.settle().toMillis());
            ServerMemory.Reading heapAfter = s.serverPid() > 0 ? ServerMemory.read(s.serverPid(), null) : null;
            ServerWatch.LogFindings log = watch.logFindings();
            long heapPeak = watch.gcHeapPeak();
            return result(s, answered, afterHold, allAnswered, peakOpen, answers, floodSeconds, canaryFigures, before, peak,
                    after, heapBefore, heapAfter, heapPeak, log)
                    .put("server_cpu_s", serverCpu)
                    .note(String.format(Locale.ROOT, "server CPU %.1f s during the flood and hold, %.2f ms per handshake;"
                            + " machine load average %s", serverCpu, serverCpu * 1000 / Math.max(1, answered.values().stream().mapToInt(Integer::intValue).sum()),
                            loadAverage()));
        }
    }

    private static HandshakeFlood start(HandshakeFlood.Plan plan) {
        try {
            return HandshakeFlood.start(plan);
        } catch (IOException e) {
            throw new IllegalStateException("could not start the flood: " + e.getMessage(), e);
        }
    }

    private static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).trim().split(" ")).subList(0, 3));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String heap(ServerMemory.Reading reading) {
        return reading == null || reading.heapBytes() < 0 ? "unknown" : Units.bytes(reading.heapBytes());
    }

    private static Result result(Settings s, Map<String, Integer> answered, Map<String, Integer> afterHold,
            boolean allAnswered, int peakOpen, Histogram answers, double seconds, Canary.Figures canary,
            ServerWatch.Sample before, ServerWatch.Sample peak, ServerWatch.Sample after, ServerMemory.Reading heapBefore,
            ServerMemory.Reading heapAfter, long heapPeak, ServerWatch.LogFindings log) {
        int attempted = answered.values().stream().mapToInt(Integer::intValue).sum();
        int opened = answered.getOrDefault("open", 0);
        int refused503 = answered.getOrDefault("http 503 retry-after", 0) + answered.getOrDefault("http 503", 0);
        int closed1013 = answered.getOrDefault("close 1013", 0);
        int timeouts = answered.getOrDefault("timeout", 0);
        int unanswered = timeouts + answered.getOrDefault("eof", 0) + answered.getOrDefault("reset", 0)
                + answered.getOrDefault("connect failed", 0);
        int cut = afterHold.entrySet().stream()
                .filter(e -> e.getKey().startsWith("close ") && !e.getKey().equals("close 1013")
                        || e.getKey().equals("dropped after open"))
                .mapToInt(Map.Entry::getValue).sum();
        int droppedInHold = afterHold.getOrDefault("dropped after open", 0) - answered.getOrDefault("dropped after open", 0)
                + afterHold.entrySet().stream().filter(e -> e.getKey().startsWith("close "))
                        .mapToInt(e -> e.getValue() - answered.getOrDefault(e.getKey(), 0)).sum();
        Result r = new Result(String.format(Locale.ROOT,
                "flood %s: %d handshakes from %d addresses (127.0.0.%d-%d), %d in flight, canary every %s",
                s.target(), attempted, s.sources(), s.firstSource(), s.firstSource() + s.sources() - 1, s.concurrency(),
                Units.duration(s.canaryInterval())))
                .put("scenario", "flood")
                .put("url", s.target().toString())
                .put("connections", attempted)
                .put("sources", s.sources())
                .put("concurrency", s.concurrency())
                .put("all_answered", allAnswered)
                .put("duration_s", seconds)
                .put("opened", opened)
                .put("peak_open", peakOpen)
                .put("refused_503", refused503)
                .put("closed_1013", closed1013)
                .put("timeouts", timeouts)
                .put("unanswered", unanswered)
                .put("dropped_while_held", droppedInHold)
                .put("sessions_cut", cut)
                .put("outcomes", answered.toString())
                .put("canary_sent", canary.sent())
                .put("canary_echoed", canary.echoed())
                .put("canary_lost", canary.lost())
                .put("canary_out_of_order", canary.outOfOrder())
                .put("canary_slowest_ms", canary.roundTrips().getMaxValue() / 1_000.0)
                .put("canary_p99_ms", canary.roundTrips().getValueAtPercentile(99) / 1_000.0)
                .put("canary_ended", canary.ended())
                .put("fds_before", before.fds())
                .put("fds_peak", peak.fds())
                .put("fds_after", after.fds())
                .put("threads_before", before.threads())
                .put("threads_peak", peak.threads())
                .put("threads_after", after.threads())
                .put("worker_threads_before", before.workerThreads())
                .put("worker_threads_peak", peak.workerThreads())
                .put("worker_threads_after", after.workerThreads())
                .put("heap_live_before_bytes", heapBefore == null ? -1 : heapBefore.heapBytes())
                .put("heap_peak_bytes", heapPeak)
                .put("heap_live_after_bytes", heapAfter == null ? -1 : heapAfter.heapBytes())
                .put("severe", log.severe())
                .put("severe_queue_full", log.queueFull())
                .put("lost", canary.lost())
                .put("errors", unanswered + cut + (canary.ended().isEmpty() ? 0 : 1))
                .latency("Time to the handshake's answer (101 or refusal)", answers);
        r.note(String.format(Locale.ROOT, "%d handshakes in %.1fs%s: %s", attempted, seconds,
                allAnswered ? "" : " (NOT all answered)", answered));
        r.note(String.format(Locale.ROOT, "  sessions %d (peak %d), 503 %d, 1013 %d, timeouts %d, other unanswered %d;"
                + " %d sessions cut by the server after their 101 (closed other than 1013, or dropped), %d of them while held"
                + " (after the hold: %s)", opened, peakOpen, refused503, closed1013, timeouts, unanswered - timeouts, cut,
                droppedInHold, afterHold));
        Histogram trips = canary.roundTrips();
        r.note(String.format(Locale.ROOT, "canary: %d sent, %d echoed, %d lost, %d out of order; round trip p50 %.1f ms,"
                + " p99 %.1f ms, slowest %.1f ms%s", canary.sent(), canary.echoed(), canary.lost(), canary.outOfOrder(),
                trips.getValueAtPercentile(50) / 1_000.0, trips.getValueAtPercentile(99) / 1_000.0,
                trips.getMaxValue() / 1_000.0, canary.ended().isEmpty() ? "" : "; " + canary.ended()));
        if (s.serverPid() > 0) {
            r.note(String.format(Locale.ROOT, "server fds %d -> peak %d -> %d; threads %d -> %d -> %d"
                    + " (HTTP worker pool %d -> %d -> %d)", before.fds(), peak.fds(), after.fds(), before.threads(),
                    peak.threads(), after.threads(), before.workerThreads(), peak.workerThreads(), after.workerThreads()));
            r.note(String.format(Locale.ROOT, "server heap: live %s before, peak %s (GC log), live %s after",
                    heap(heapBefore), heapPeak < 0 ? "unknown" : Units.bytes(heapPeak), heap(heapAfter)));
        }
        if (heapBefore != null && heapAfter != null && !heapAfter.classBytes().isEmpty()) {
            r.note("live heap growth by class, after against before (jcmd GC.class_histogram):");
            heapAfter.classBytes().entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - heapBefore.classBytes().getOrDefault(e.getKey(), 0L)))
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                    .forEach(e -> r.note(String.format(Locale.ROOT, "  %+12d B  %s", e.getValue(), e.getKey())));
        }
        if (log.severe() >= 0) {
            r.note(String.format(Locale.ROOT, "server log: %d SEVERE records during the run, %d 'task queue is full'",
                    log.severe(), log.queueFull()));
        }
        log.first().forEach(line -> r.note("  " + line));
        return r;
    }
}
