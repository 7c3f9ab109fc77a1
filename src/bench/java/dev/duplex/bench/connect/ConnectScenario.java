package dev.duplex.bench.connect;

import dev.duplex.bench.Measurement;
import dev.duplex.bench.Options;
import dev.duplex.bench.Result;
import dev.duplex.bench.Target;
import dev.duplex.bench.Units;
import dev.duplex.bench.net.Conn;
import dev.duplex.bench.net.Connector;
import dev.duplex.bench.net.Transport;
import dev.duplex.bench.report.ProcStat;
import io.netty.buffer.ByteBuf;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code connect}: a connection storm (open, handshake, close, as fast as {@code concurrency}
 * handshakes in flight allow; connections per second and handshake latency) or a hold test
 * ({@code N} idle connections kept open for a duration; the server's memory per connection, from
 * the difference of two readings after full GCs, before and while they are held).
 */
public final class ConnectScenario {

    /** Everything a connect run needs to know. */
    public record Settings(Target target, String mode, int connections, int concurrency, Duration duration,
            String subprotocol, int threads, long serverPid, String metricsUrl) {
    }

    private ConnectScenario() {
    }

    public static Settings settings(Options options) {
        Target target = Target.parse(options.required("url"), options.flag("allow-remote"));
        return new Settings(target,
                options.choice("mode", "storm", "storm", "hold"),
                (int) options.integer("connections", 1000, 1, 60_000),
                (int) options.integer("concurrency", 64, 1, 10_000),
                options.duration("duration", Duration.ofSeconds(10), Duration.ZERO, Duration.ofHours(1)),
                options.string("subprotocol", null),
                (int) options.integer("threads", Runtime.getRuntime().availableProcessors(), 1, 256),
                options.integer("server-pid", 0, 0, Long.MAX_VALUE),
                options.string("metrics-url", null));
    }

    public static Result run(Settings s, PrintStream progress) throws InterruptedException {
        try (Transport transport = new Transport(s.threads())) {
            return "hold".equals(s.mode()) ? hold(s, transport, progress) : storm(s, transport, progress);
        }
    }

    /** Idle listener: counts anything the server sends or how it closes. */
    private record Idle(Measurement m) implements Conn.Listener {
        @Override
        public void onMessage(Conn conn, boolean binary, ByteBuf data, long receivedAt) {
            m.received(receivedAt, data.readableBytes());
        }

        @Override
        public void onClosed(Conn conn, int code, String reason) {
            if (!conn.closedByUs()) {
                m.error("closed by the server: " + code + " " + reason);
            }
        }

        @Override
        public void onError(Conn conn, Throwable failure) {
            m.error(Connector.describe(failure));
        }
    }

    private static Result storm(Settings s, Transport transport, PrintStream progress) throws InterruptedException {
        Measurement m = new Measurement();
        m.startMeasuringNow();
        Semaphore permits = new Semaphore(s.concurrency());
        AtomicLong opened = new AtomicLong();
        List<CompletableFuture<Conn>> pending = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = s.duration().isZero() ? Long.MAX_VALUE : start + s.duration().toNanos();
        double server0 = ProcStat.cpuSeconds(s.serverPid());
        long lastPrint = start;
        int attempted = 0;
        for (; attempted < s.connections() && System.nanoTime() < deadline; attempted++) {
            if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
                m.error("connect: no handshake finished within 30s");
                break;
            }
            CompletableFuture<Conn> future = transport.connect(s.target(), s.subprotocol(), 64 * 1024, 1, new Idle(m));
            future.whenComplete((conn, failure) -> {
                if (failure != null) {
                    m.error("connect: " + Connector.describe(failure));
                } else {
                    opened.incrementAndGet();
                    m.histogram().recordValue(Math.max(1, conn.openNanos() / 1_000));
                    conn.close();
                }
                permits.release();
            });
            pending.add(future);
            long now = System.nanoTime();
            if (now - lastPrint >= 1_000_000_000L) {
                progress.printf(Locale.ROOT, "[%6.1fs] storm  %d handshakes done, errors %d%n", (now - start) / 1e9,
                        opened.get(), m.errors());
                lastPrint = now;
            }
        }
        permits.acquire(s.concurrency());
        double seconds = (System.nanoTime() - start) / 1e9;
        double serverCpu = ProcStat.cpuSeconds(s.serverPid()) - server0;
        double rate = opened.get() / seconds;
        Result r = new Result(String.format(Locale.ROOT, "connect storm %s: %d connections, %d handshakes at a time",
                s.target(), attempted, s.concurrency()))
                .put("scenario", "connect")
                .put("mode", "storm")
                .put("url", s.target().toString())
                .put("connections", attempted)
                .put("concurrency", s.concurrency())
                .put("opened", opened.get())
                .put("duration_s", seconds)
                .put("conns_per_s", rate)
                .put("errors", m.errors())
                .put("server_cpu_s", s.serverPid() > 0 ? serverCpu : Double.NaN)
                .latency("Handshake latency", m.histogram());
        r.note(String.format(Locale.ROOT, "%d handshakes in %.2fs: %.1f connections/s, errors %d", opened.get(), seconds,
                rate, m.errors()));
        m.errorKinds().forEach((kind, count) -> r.note("  " + count + " x " + kind));
        return r;
    }

    private static Result hold(Settings s, Transport transport, PrintStream progress) throws InterruptedException {
        Measurement m = new Measurement();
        m.startMeasuringNow();
        boolean memory = s.serverPid() > 0 || s.metricsUrl() != null;
        ServerMemory.Reading before = memory ? ServerMemory.readSettled(s.serverPid(), s.metricsUrl(),
                Duration.ofSeconds(5), Duration.ofSeconds(90), progress) : null;
        long start = System.nanoTime();
        Connector.Spec spec = new Connector.Spec(s.target(), s.subprotocol(), 64 * 1024, 1);
        List<Conn> conns = Connector.openAll(transport, s.connections(), s.concurrency(), i -> spec, i -> new Idle(m),
                m, 300_000);
        double openSeconds = (System.nanoTime() - start) / 1e9;
        for (Conn conn : conns) {
            if (conn != null) {
                m.histogram().recordValue(Math.max(1, conn.openNanos() / 1_000));
            }
        }
        long opened = conns.stream().filter(c -> c != null).count();
        progress.printf(Locale.ROOT, "%d of %d connections open after %.1fs; holding them for %s%n", opened,
                s.connections(), openSeconds, Units.duration(s.duration()));
        long holdUntil = System.nanoTime() + s.duration().toNanos();
        while (System.nanoTime() < holdUntil) {
            Thread.sleep(Math.min(1_000, Math.max(1, (holdUntil - System.nanoTime()) / 1_000_000)));
            long live = conns.stream().filter(c -> c != null && c.isOpen()).count();
            progress.printf(Locale.ROOT, "[%6.1fs] hold   %d open, errors %d%n", (System.nanoTime() - start) / 1e9, live,
                    m.errors());
        }
        ServerMemory.Reading held = memory ? ServerMemory.read(s.serverPid(), s.metricsUrl()) : null;
        long stillOpen = conns.stream().filter(c -> c != null && c.isOpen()).count();
        Connector.closeAll(conns, 5_000);

        Result r = new Result(String.format(Locale.ROOT, "connect hold %s: %d idle connections held for %s",
                s.target(), s.connections(), Units.duration(s.duration())))
                .put("scenario", "connect")
                .put("mode", "hold")
                .put("url", s.target().toString())
                .put("connections", s.connections())
                .put("opened", opened)
                .put("still_open", stillOpen)
                .put("open_s", openSeconds)
                .put("lost", opened - stillOpen)
                .put("errors", m.errors())
                .latency("Handshake latency", m.histogram());
        r.note(String.format(Locale.ROOT, "%d opened in %.1fs, %d still open after the hold", opened, openSeconds,
                stillOpen));
        if (before != null && held != null && stillOpen > 0) {
            double heapPer = before.heapBytes() >= 0 && held.heapBytes() >= 0
                    ? (held.heapBytes() - before.heapBytes()) / (double) stillOpen : Double.NaN;
            double rssPer = before.rssBytes() >= 0 && held.rssBytes() >= 0
                    ? (held.rssBytes() - before.rssBytes()) / (double) stillOpen : Double.NaN;
            r.put("heap_before_bytes", before.heapBytes())
                    .put("heap_held_bytes", held.heapBytes())
                    .put("heap_per_conn_bytes", heapPer)
                    .put("heap_per_conn_kib", heapPer / 1024)
                    .put("rss_before_bytes", before.rssBytes())
                    .put("rss_held_bytes", held.rssBytes())
                    .put("rss_per_conn_kib", rssPer / 1024)
                    .put("memory_source", held.source());
            r.note(String.format(Locale.ROOT, "server memory (%s): heap %.1f KiB per connection, RSS %.1f KiB per connection",
                    held.source(), heapPer / 1024, rssPer / 1024));
            topClasses(before.classBytes(), held.classBytes(), stillOpen, r);
        } else if (!memory) {
            r.note("pass --server-pid (a JVM or any process) or --metrics-url to read the server's memory per connection");
        }
        m.errorKinds().forEach((kind, count) -> r.note("  " + count + " x " + kind));
        return r;
    }

    /** Notes the classes whose live bytes grew most, per connection. */
    static void topClasses(Map<String, Long> before, Map<String, Long> after, long connections, Result r) {
        if (after.isEmpty()) {
            return;
        }
        List<Map.Entry<String, Long>> growth = new ArrayList<>();
        after.forEach((cls, bytes) -> growth.add(Map.entry(cls, bytes - before.getOrDefault(cls, 0L))));
        growth.sort(Comparator.comparing((Map.Entry<String, Long> e) -> e.getValue()).reversed());
        r.note("largest growth per connection (live bytes, jcmd GC.class_histogram):");
        for (Map.Entry<String, Long> e : growth.subList(0, Math.min(10, growth.size()))) {
            r.note(String.format(Locale.ROOT, "  %8.0f B  %s", e.getValue() / (double) connections, e.getKey()));
        }
    }
}
