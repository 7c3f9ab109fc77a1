package dev.duplex.bench.feed;

import dev.duplex.bench.Measurement;
import dev.duplex.bench.Options;
import dev.duplex.bench.Result;
import dev.duplex.bench.Target;
import dev.duplex.bench.Timeline;
import dev.duplex.bench.Units;
import dev.duplex.bench.UsageException;
import dev.duplex.bench.connect.ServerMemory;
import dev.duplex.bench.net.Conn;
import dev.duplex.bench.net.Connector;
import dev.duplex.bench.net.Transport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * {@code feed} (scenario F2, issue 12): N subscribers of a {@code /feed} topic (the server's market
 * simulator, {@code stocks}), each subscribed to K of its items (spread evenly), over
 * {@code feed.json} or {@code feed.bin}. Times every update from the server's publish timestamp
 * {@code ts} to its arrival (same machine, same wall clock), counts deliveries, bytes and the
 * server's CPU, and checks that nothing is lost: every update's seq jump must be explained by its
 * {@code conflated} count, and at the end a fresh checker connection's snapshot must be reached,
 * value for value, by every reading subscriber.
 *
 * <p>With {@code --stalled 10%} the run has two phases on the same server and connections: phase A
 * (everyone reads), then that share of the subscribers stops reading and phase B is measured; the
 * readers' latency is reported for both, side by side, with the server's live heap before, during
 * and after the stall.
 */
public final class FeedScenario {

    /** Everything a feed run needs to know. */
    public record Settings(List<Target> targets, Target checkTarget, int subscribers, int items, String subprotocol,
            double stalled, String topic, double rate, Duration warmup, Duration duration, Duration stallSettle,
            Duration checkTimeout, Duration setupTimeout, int threads, int connectConcurrency, long serverPid) {
    }

    private FeedScenario() {
    }

    public static Settings settings(Options options) {
        boolean allowRemote = options.flag("allow-remote");
        List<String> urls = options.list("url");
        if (urls.isEmpty()) {
            throw new UsageException("--url is required (one or more /feed URLs, comma-separated)");
        }
        List<Target> targets = urls.stream().map(u -> Target.parse(u, allowRemote)).toList();
        if (targets.stream().anyMatch(Target::raw)) {
            throw new UsageException("feed needs ws:// or wss:// URLs");
        }
        Target check = options.has("check-url") ? Target.parse(options.required("check-url"), allowRemote)
                : targets.get(0);
        double stalled;
        try {
            stalled = Assignment.share(options.string("stalled", "0"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--stalled needs " + e.getMessage());
        }
        return new Settings(targets, check,
                (int) options.integer("subscribers", 5000, 1, 50_000),
                (int) options.integer("items", 20, 1, 1000),
                options.choice("subprotocol", "feed.json", "feed.json", "feed.bin"),
                stalled,
                options.string("topic", "stocks"),
                options.decimal("rate", 0, 0, 10_000_000),
                options.duration("warmup", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(10)),
                options.duration("duration", Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofHours(1)),
                options.duration("stall-settle", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(10)),
                options.duration("check-timeout", Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofMinutes(10)),
                options.duration("setup-timeout", Duration.ofSeconds(180), Duration.ofSeconds(1), Duration.ofMinutes(30)),
                (int) options.integer("threads", Runtime.getRuntime().availableProcessors(), 1, 256),
                (int) options.integer("connect-concurrency", 50, 1, 10_000),
                options.integer("server-pid", 0, 0, Long.MAX_VALUE));
    }

    public static Result run(Settings s, PrintStream progress) throws InterruptedException {
        LatencyClock clock = LatencyClock.calibrate();
        Measurement errors = new Measurement();
        Traffic phaseA = new Traffic(new Measurement(), clock);
        FeedRun run = new FeedRun(s.topic(), s.subprotocol(), errors, phaseA);
        boolean binary = s.subprotocol().equals("feed.bin");
        Outcome o = new Outcome();
        o.loadBefore = loadAverage();
        try (Transport transport = new Transport(s.threads())) {
            // The topic's items, from a snapshot of all of them.
            Subscriber discovery = new Subscriber(run, Subscriber.Role.CHECKER, List.of(), binary);
            Map<String, Long> startSeqs = checkerSnapshot(transport, s, run, discovery, errors);
            long startedAt = System.nanoTime();
            if (discovery.conn() != null) {
                Connector.closeAll(java.util.Collections.singletonList(discovery.conn()), 3_000);
            }
            if (startSeqs == null || startSeqs.isEmpty()) {
                errors.error("setup: no snapshot of topic " + s.topic());
                return result(s, o, errors, phaseA, null, run);
            }
            List<String> items = new ArrayList<>(startSeqs.keySet());
            items.sort(null);
            o.topicItems = items.size();
            if (s.items() > items.size()) {
                throw new UsageException("--items " + s.items() + " is more than topic " + s.topic() + "'s "
                        + items.size() + " items");
            }

            List<Subscriber> subscribers = new ArrayList<>(s.subscribers());
            for (int j = 0; j < s.subscribers(); j++) {
                subscribers.add(new Subscriber(run,
                        Assignment.stalled(j, s.stalled()) ? Subscriber.Role.STALLED : Subscriber.Role.READER,
                        Assignment.itemsOf(j, s.items(), items), binary));
            }
            CountDownLatch snapshots = run.expectSnapshots(s.subscribers());
            List<Conn> conns = Connector.openAll(transport, s.subscribers(), s.connectConcurrency(),
                    i -> spec(s.targets().get(i % s.targets().size()), s.subprotocol()), subscribers::get, errors,
                    s.setupTimeout().toMillis());
            for (Conn c : conns) {
                if (c == null) {
                    snapshots.countDown();
                } else {
                    o.open++;
                }
            }
            if (!snapshots.await(s.setupTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                errors.error("setup: not every subscriber got its snapshot within " + Units.duration(s.setupTimeout()));
            }
            progress.printf(Locale.ROOT, "%d of %d subscribers connected and snapshotted (%s, %d items each of %d)%n",
                    o.open, s.subscribers(), s.subprotocol(), s.items(), items.size());
            List<Subscriber> readers = new ArrayList<>();
            List<Subscriber> stalled = new ArrayList<>();
            for (int j = 0; j < subscribers.size(); j++) {
                if (conns.get(j) != null) {
                    (subscribers.get(j).role() == Subscriber.Role.STALLED ? stalled : readers).add(subscribers.get(j));
                }
            }
            o.readers = readers.size();
            o.stalled = stalled.size();

            o.heapBefore = heap(s, progress, "before phase A");
            o.windowA = new Timeline(phaseA.measurement(), progress, s.serverPid()).run(() -> { }, () -> { },
                    s.warmup(), s.duration(), Duration.ZERO, 0, () -> 0);
            o.heapBetween = heap(s, progress, "after phase A, before the stall");

            Traffic phaseB = null;
            if (!stalled.isEmpty()) {
                phaseB = new Traffic(new Measurement(), clock);
                run.traffic(phaseB);
                progress.printf(Locale.ROOT, "%d subscribers stop reading now%n", stalled.size());
                stalled.forEach(Subscriber::stall);
                o.windowB = new Timeline(phaseB.measurement(), progress, s.serverPid()).run(() -> { }, () -> { },
                        s.stallSettle(), s.duration(), Duration.ZERO, 0, () -> 0);
                o.heapDuring = heap(s, progress, "during the stall");
            }

            finalCheck(transport, s, run, readers, errors, o, startSeqs, startedAt, progress, binary);
            if (!stalled.isEmpty()) {
                o.heapStillStalled = heap(s, progress, "after the final check, still stalled");
            }
            o.gaps = run.gaps();
            for (Subscriber r : readers) {
                o.lostInGaps += r.lost();
                o.readerConflated += r.conflated();
            }
            Connector.closeAll(conns, 5_000);
            o.stalledDropped = run.stalledDropped();
            o.loadAfter = loadAverage();
            if (!stalled.isEmpty()) {
                o.heapAfter = heap(s, progress, "after every subscriber left");
            }
            return result(s, o, errors, phaseA, phaseB, run);
        }
    }

    private static Connector.Spec spec(Target target, String subprotocol) {
        return new Connector.Spec(target, subprotocol, 16 << 20, 0);
    }

    /**
     * Opens a checker connection subscribed to every item, waits for its snapshot and returns each
     * item's seq in it (null when it failed); the checker stays open.
     */
    private static Map<String, Long> checkerSnapshot(Transport transport, Settings s, FeedRun run, Subscriber checker,
            Measurement errors) throws InterruptedException {
        CountDownLatch latch = run.expectSnapshots(1);
        List<Conn> conns = Connector.openAll(transport, 1, 1,
                i -> spec(s.checkTarget(), s.subprotocol()), i -> checker, errors,
                s.setupTimeout().toMillis());
        Conn conn = conns.get(0);
        if (conn == null || !latch.await(s.setupTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            return null;
        }
        return onLoop(conn, () -> {
            Map<String, Long> seqs = new HashMap<>();
            checker.tracks().forEach((item, track) -> seqs.put(item, track.seq()));
            return seqs;
        });
    }

    private static void finalCheck(Transport transport, Settings s, FeedRun run, List<Subscriber> readers,
            Measurement errors, Outcome o, Map<String, Long> startSeqs, long startedAt, PrintStream progress,
            boolean binary) throws InterruptedException {
        Subscriber checker = new Subscriber(run, Subscriber.Role.CHECKER, List.of(), binary);
        Map<String, Long> seqs = checkerSnapshot(transport, s, run, checker, errors);
        long checkedAt = System.nanoTime();
        if (seqs == null) {
            errors.error("final check: no checker snapshot");
            return;
        }
        long published = 0;
        for (Map.Entry<String, Long> e : seqs.entrySet()) {
            published += e.getValue() - startSeqs.getOrDefault(e.getKey(), e.getValue());
        }
        o.marketRate = published / ((checkedAt - startedAt) / 1e9);
        Map<String, FinalCheck.Target> targets = onLoop(checker.conn(), () -> {
            Map<String, FinalCheck.Target> t = new HashMap<>();
            checker.tracks().forEach((item, track) -> t.put(item, new FinalCheck.Target(track.seq(), track.values())));
            return t;
        });
        checker.conn().close();
        FinalCheck check = new FinalCheck(targets);
        o.check = check;
        long expected = 0;
        for (Subscriber r : readers) {
            expected += r.tracks().size();
            r.arm(check);
        }
        o.checkExpected = expected;
        long deadline = System.nanoTime() + s.checkTimeout().toNanos();
        while (System.nanoTime() < deadline && (check.armed() < expected || check.pending() > 0)) {
            Thread.sleep(10);
        }
        long decided = check.matched() + check.mismatched() + check.passed();
        o.checkMissing = expected - decided;
        progress.printf(Locale.ROOT, "final check: %d (reader, item) pairs: %d same value at the checker's seq, "
                + "%d passed it through conflation, %d different, %d never reached it within %s%n", expected,
                check.matched(), check.passed(), check.mismatched(), o.checkMissing, Units.duration(s.checkTimeout()));
    }

    private static <T> T onLoop(Conn conn, java.util.concurrent.Callable<T> task) throws InterruptedException {
        try {
            return conn.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("event loop task failed", e);
        }
    }

    /** The server's live heap (a full GC first, via jcmd), or -1 without a server pid. */
    private static long heap(Settings s, PrintStream progress, String when) throws InterruptedException {
        if (s.serverPid() <= 0) {
            return -1;
        }
        ServerMemory.Reading reading = ServerMemory.read(s.serverPid(), null);
        progress.printf(Locale.ROOT, "server live heap %s: %s%n", when,
                reading.heapBytes() < 0 ? "unknown" : Units.bytes(reading.heapBytes()));
        return reading.heapBytes();
    }

    /** What the run found out, filled in as it goes. */
    private static final class Outcome {
        int topicItems;
        int open;
        int readers;
        int stalled;
        long heapBefore = -1;
        long heapBetween = -1;
        long heapDuring = -1;
        long heapStillStalled = -1;
        long heapAfter = -1;
        Timeline.Window windowA;
        Timeline.Window windowB;
        double marketRate = Double.NaN;
        FinalCheck check;
        long checkExpected;
        long checkMissing;
        long gaps;
        long lostInGaps;
        long readerConflated;
        long stalledDropped;
        String loadBefore = "?";
        String loadAfter = "?";
    }

    /** The machine's 1, 5 and 15 minute load averages (the box is shared: say how busy it was). */
    private static String loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    private static Result result(Settings s, Outcome o, Measurement errors, Traffic a, Traffic b, FeedRun run) {
        long lost = o.lostInGaps + o.checkMissing;
        Result r = new Result(String.format(Locale.ROOT,
                "feed %s %s: %d subscribers x %d items of %s (%d items), %s stalled, %s after %s warm-up",
                s.targets(), s.subprotocol(), s.subscribers(), s.items(), s.topic(), o.topicItems,
                percent(s.stalled()), Units.duration(s.duration()), Units.duration(s.warmup())))
                .put("scenario", "feed")
                .put("url", s.targets().toString())
                .put("instances", s.targets().size())
                .put("subprotocol", s.subprotocol())
                .put("subscribers", s.subscribers())
                .put("items_per_subscriber", s.items())
                .put("topic_items", o.topicItems)
                .put("server_rate", s.rate())
                .put("market_rate_measured", o.marketRate)
                .put("load_average_before", o.loadBefore)
                .put("load_average_after", o.loadAfter)
                .put("open_connections", o.open)
                .put("readers", o.readers)
                .put("stalled", o.stalled);
        phase(r, "", a, o.windowA);
        if (b != null) {
            phase(r, "stalled_", b, o.windowB);
        }
        r.put("heap_before_bytes", o.heapBefore)
                .put("heap_before_stall_bytes", o.heapBetween)
                .put("heap_during_stall_bytes", o.heapDuring)
                .put("heap_still_stalled_bytes", o.heapStillStalled)
                .put("heap_after_bytes", o.heapAfter)
                .put("check_pairs", o.checkExpected)
                .put("check_matched", o.check == null ? 0 : o.check.matched())
                .put("check_passed", o.check == null ? 0 : o.check.passed())
                .put("check_missing", o.checkMissing)
                .put("reader_conflated", o.readerConflated)
                .put("reader_gaps", o.gaps)
                .put("conflated_miscounted", run.miscounted())
                .put("stalled_dropped_by_server", o.stalledDropped)
                .put("lost", lost)
                .put("mismatches", errors.mismatches() + (o.check == null ? 0 : o.check.mismatched()))
                .put("out_of_order", errors.outOfOrderCount())
                .put("errors", errors.errors())
                .latency("Readers' publish-to-receive latency" + (b != null ? " (phase A, nobody stalled)" : ""),
                        a.measurement().histogram());
        r.note(String.format(Locale.ROOT, "market measured at %.0f updates/s over %d items; load average %s before, %s after",
                o.marketRate, o.topicItems, o.loadBefore, o.loadAfter));
        r.note(phaseLine("phase A (all read)", a, o.windowA));
        if (b != null) {
            r.note(phaseLine("phase B (" + o.stalled + " stalled)", b, o.windowB));
        }
        if (o.heapBefore >= 0) {
            r.note(String.format(Locale.ROOT, "server live heap: %s before, %s before the stall, %s during it, "
                    + "%s still stalled after the check, %s after everyone left", Units.bytes(Math.max(0, o.heapBefore)),
                    Units.bytes(Math.max(0, o.heapBetween)), heapText(o.heapDuring), heapText(o.heapStillStalled),
                    heapText(o.heapAfter)));
        }
        r.note(String.format(Locale.ROOT, "nothing lost: %d seq gaps, %d of %d final (reader, item) checks never "
                + "reached, %d same value, %d passed by conflation, %d different value; readers' conflated %d",
                o.gaps, o.checkMissing, o.checkExpected, o.check == null ? 0 : o.check.matched(),
                o.check == null ? 0 : o.check.passed(), o.check == null ? 0 : o.check.mismatched(), o.readerConflated));
        if (run.miscounted() > 0) {
            r.note("updates whose conflated count exceeds their seq jump: " + run.miscounted() + ", e.g. "
                    + run.miscountedExample());
        }
        if (o.stalledDropped > 0) {
            r.note("stalled subscribers closed by the server: " + o.stalledDropped + " " + run.dropReasons());
        }
        errors.errorKinds().forEach((kind, count) -> r.note("  " + count + " x " + kind));
        return r;
    }

    private static void phase(Result r, String prefix, Traffic t, Timeline.Window w) {
        Histogram h = t.measurement().histogram();
        double seconds = w == null ? Double.NaN : w.seconds();
        long deliveries = t.deliveries();
        r.put(prefix + "readers_p50_ms", h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1000.0)
                .put(prefix + "readers_p99_ms", h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(99) / 1000.0)
                .put(prefix + "readers_max_ms", h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1000.0)
                .put(prefix + "latency_samples", h.getTotalCount())
                .put(prefix + "duration_s", seconds)
                .put(prefix + "deliveries", deliveries)
                .put(prefix + "deliveries_per_s", deliveries / seconds)
                .put(prefix + "messages_per_s", t.messages() / seconds)
                .put(prefix + "bytes_per_s", t.bytes() / seconds)
                .put(prefix + "bytes_per_delivery", t.bytesPerDelivery())
                .put(prefix + "server_cpu_s", w == null ? Double.NaN : w.serverCpuSeconds())
                .put(prefix + "server_cpu_s_per_M_deliveries",
                        w == null || deliveries == 0 ? Double.NaN : w.serverCpuSeconds() / deliveries * 1e6)
                .put(prefix + "server_cores", w == null ? Double.NaN : w.serverCpuSeconds() / seconds)
                .put(prefix + "client_cores", w == null ? Double.NaN : w.clientCpuSeconds() / seconds);
    }

    private static String phaseLine(String name, Traffic t, Timeline.Window w) {
        Histogram h = t.measurement().histogram();
        double seconds = w == null ? Double.NaN : w.seconds();
        return String.format(Locale.ROOT, "%s: readers p50 %s p99 %s max %s; %.0f deliveries/s in %.0f msgs/s, "
                + "%.1f B/delivery, %s/s; server %.2f cores, %.2f CPU s per M deliveries; client %.2f cores",
                name, Units.millis(h.getValueAtPercentile(50)), Units.millis(h.getValueAtPercentile(99)),
                Units.millis(h.getMaxValue()), t.deliveries() / seconds, t.messages() / seconds, t.bytesPerDelivery(),
                Units.bytes((long) (t.bytes() / seconds)), w == null ? Double.NaN : w.serverCpuSeconds() / seconds,
                w == null || t.deliveries() == 0 ? Double.NaN : w.serverCpuSeconds() / t.deliveries() * 1e6,
                w == null ? Double.NaN : w.clientCpuSeconds() / seconds);
    }

    private static String heapText(long bytes) {
        return bytes < 0 ? "-" : Units.bytes(bytes);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }
}
