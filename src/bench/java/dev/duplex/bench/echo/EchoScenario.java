package dev.duplex.bench.echo;

import dev.duplex.bench.Measurement;
import dev.duplex.bench.Options;
import dev.duplex.bench.Result;
import dev.duplex.bench.Target;
import dev.duplex.bench.Timeline;
import dev.duplex.bench.Units;
import dev.duplex.bench.UsageException;
import dev.duplex.bench.net.Conn;
import dev.duplex.bench.net.Connector;
import dev.duplex.bench.net.Transport;
import io.netty.buffer.ByteBuf;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code echo}: N connections send messages of one size to an echo server and check every echo.
 * Closed loop keeps {@code window} messages in flight per connection; open loop sends at a fixed
 * total rate, spread over the connections, and measures from each message's intended send time.
 */
public final class EchoScenario {

    /** Everything an echo run needs to know. */
    public record Settings(Target target, int connections, int size, boolean binary, int window, double rate,
            Duration warmup, Duration duration, Duration drain, long maxMessages, int threads, int connectConcurrency,
            String subprotocol, long maxInFlight, long serverPid) {

        public boolean openLoop() {
            return rate > 0;
        }
    }

    private EchoScenario() {
    }

    /** Reads the settings from the command line. */
    public static Settings settings(Options options) {
        Target target = Target.parse(options.required("url"), options.flag("allow-remote"));
        int connections = (int) options.integer("connections", 64, 1, 50_000);
        int size = (int) options.bytes("size", 32, 1, 64L << 20);
        boolean binary = options.flag("binary") || target.raw();
        int window = (int) options.integer("window", 1, 1, 10_000);
        double rate = options.decimal("rate", 0, 0, 10_000_000);
        Duration warmup = options.duration("warmup", Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(10));
        Duration duration = options.duration("duration", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofHours(1));
        Duration drain = options.duration("drain", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(5));
        long maxMessages = options.integer("max-messages", 0, 0, Long.MAX_VALUE);
        int threads = (int) options.integer("threads", Runtime.getRuntime().availableProcessors(), 1, 256);
        int concurrency = (int) options.integer("connect-concurrency", 100, 1, 10_000);
        String subprotocol = options.string("subprotocol", null);
        long maxInFlight = options.integer("max-in-flight", 100_000, 1, 10_000_000);
        long serverPid = options.integer("server-pid", 0, 0, Long.MAX_VALUE);
        if (rate > 0 && options.has("window")) {
            throw new UsageException("--window is for closed loop; --rate makes it open loop");
        }
        return new Settings(target, connections, size, binary, window, rate, warmup, duration, drain, maxMessages,
                threads, concurrency, subprotocol, maxInFlight, serverPid);
    }

    /** Runs the scenario and returns its result. */
    public static Result run(Settings s, PrintStream progress) throws InterruptedException {
        Measurement m = new Measurement();
        List<Stream> streams = new ArrayList<>(s.connections());
        for (int i = 0; i < s.connections(); i++) {
            streams.add(new Stream(i, s, m));
        }
        try (Transport transport = new Transport(s.threads())) {
            Connector.Spec spec = new Connector.Spec(s.target(), s.subprotocol(), Math.max(s.size(), 64 * 1024), s.size());
            List<Conn> conns = Connector.openAll(transport, s.connections(), s.connectConcurrency(), i -> spec,
                    streams::get, m, 120_000);
            List<Stream> live = new ArrayList<>();
            for (int i = 0; i < conns.size(); i++) {
                if (conns.get(i) != null) {
                    streams.get(i).conn = conns.get(i);
                    live.add(streams.get(i));
                }
            }
            progress.printf(Locale.ROOT, "%d of %d connections open (%s)%n", live.size(), s.connections(), transport.kind());
            Timeline.Window window;
            if (live.isEmpty()) {
                window = new Timeline.Window(0, Double.NaN, Double.NaN, true);
            } else {
                long start = System.nanoTime();
                window = new Timeline(m, progress, s.serverPid()).run(
                        () -> live.forEach(st -> st.conn.eventLoop().execute(() -> st.begin(start))),
                        transport::quiesce, s.warmup(), s.duration(), s.drain(), s.maxMessages(),
                        () -> live.stream().mapToLong(st -> st.check.inFlight()).sum());
            }
            long lost = 0;
            for (Stream st : live) {
                lost += st.check.inFlight() + st.check.skipped();
            }
            long sent = m.sentCount();
            Connector.closeAll(conns, 2_000);
            return result(s, m, window, lost, sent, live.size(), transport.kind());
        }
    }

    static Result result(Settings s, Measurement m, Timeline.Window w, long lost, long sent, int open, String transport) {
        String mode = s.openLoop()
                ? String.format(Locale.ROOT, "open loop at %.0f msgs/s", s.rate())
                : "closed loop window " + s.window();
        String title = String.format(Locale.ROOT, "echo %s: %d connections, %s %s, %s, %s after %s warm-up",
                s.target(), s.connections(), Units.bytes(s.size()), s.binary() ? "binary" : "text", mode,
                Units.duration(s.duration()), Units.duration(s.warmup()));
        long messages = m.windowMessages();
        double seconds = w.seconds();
        double rate = seconds > 0 ? messages / seconds : 0;
        double mbps = seconds > 0 ? m.windowBytes() / seconds / 1e6 : 0;
        double cpuPerMillion = messages > 0 ? w.serverCpuSeconds() / messages * 1e6 : Double.NaN;
        Result r = new Result(title)
                .put("scenario", "echo")
                .put("url", s.target().toString())
                .put("mode", s.openLoop() ? "open" : "closed")
                .put("connections", s.connections())
                .put("open_connections", open)
                .put("size_bytes", s.size())
                .put("binary", s.binary())
                .put("window", s.openLoop() ? 0 : s.window())
                .put("rate", s.rate())
                .put("warmup_s", s.warmup().toMillis() / 1000.0)
                .put("duration_s", seconds)
                .put("messages", messages)
                .put("msgs_per_s", rate)
                .put("mb_per_s", mbps)
                .put("sent", sent)
                .put("received", m.receivedCount())
                .put("lost", lost)
                .put("mismatches", m.mismatches())
                .put("out_of_order", m.outOfOrderCount())
                .put("errors", m.errors())
                .put("drained", w.drained())
                .put("server_cpu_s", w.serverCpuSeconds())
                .put("server_cpu_s_per_M_msgs", cpuPerMillion)
                .put("client_cpu_s", w.clientCpuSeconds())
                .put("transport", transport)
                .latency("Latency", m.histogram());
        r.note(String.format(Locale.ROOT, "%d messages in %.2fs, %.2fMB echoed", messages, seconds, m.windowBytes() / 1e6));
        r.note(String.format(Locale.ROOT, "Messages/sec: %12.2f", rate));
        r.note(String.format(Locale.ROOT, "Transfer/sec: %10.2fMB", mbps));
        r.note(String.format(Locale.ROOT, "lost %d, mismatched %d, out of order %d, errors %d%s", lost, m.mismatches(),
                m.outOfOrderCount(), m.errors(), w.drained() ? "" : " (not drained: answers still missing at the end)"));
        m.errorKinds().forEach((kind, count) -> r.note("  " + count + " x " + kind));
        if (!Double.isNaN(w.serverCpuSeconds())) {
            r.note(String.format(Locale.ROOT, "server CPU %.2fs (%.2fs per million messages), client CPU %.2fs",
                    w.serverCpuSeconds(), cpuPerMillion, w.clientCpuSeconds()));
        } else {
            r.note(String.format(Locale.ROOT, "client CPU %.2fs (pass --server-pid for the server's)", w.clientCpuSeconds()));
        }
        return r;
    }

    /** One connection's sender and checker; every method runs on the connection's event loop. */
    static final class Stream implements Conn.Listener {

        final int index;
        final Settings s;
        final Measurement m;
        final EchoCheck check;
        volatile Conn conn;

        Stream(int index, Settings s, Measurement m) {
            this.index = index;
            this.s = s;
            this.m = m;
            this.check = new EchoCheck(index, s.size());
        }

        void begin(long start) {
            if (s.openLoop()) {
                OpenLoopSchedule schedule = OpenLoopSchedule.forConnection(start, s.rate(), s.connections(), index);
                new OpenLoopSender(conn, m, schedule, (seq, intended) -> {
                    if (check.inFlight() >= s.maxInFlight()) {
                        m.error("in flight reached --max-in-flight " + s.maxInFlight() + ": sending stopped");
                        return false;
                    }
                    send(intended, false);
                    return true;
                }).start();
            } else {
                long now = System.nanoTime();
                for (int i = 0; i < s.window(); i++) {
                    send(now, false);
                }
                conn.flush();
            }
        }

        private void send(long at, boolean flush) {
            long seq = check.sent(at);
            ByteBuf payload = conn.alloc().buffer(s.size());
            Payloads.write(payload, index, seq, s.size());
            conn.send(s.binary(), payload, flush);
            m.sent();
        }

        @Override
        public void onMessage(Conn c, boolean binary, ByteBuf data, long at) {
            m.received(at, data.readableBytes());
            if (binary != s.binary()) {
                m.error("echo came back as " + (binary ? "binary" : "text"));
            }
            switch (check.received(data)) {
                case MATCH -> m.latency(check.lastSentAt(), at);
                case OUT_OF_ORDER -> {
                    m.outOfOrder();
                    m.latency(check.lastSentAt(), at);
                }
                case MISMATCH -> m.mismatch();
                case UNEXPECTED -> {
                    m.mismatch();
                    return;
                }
            }
            if (!s.openLoop() && m.sending()) {
                long seq = check.sent(System.nanoTime());
                ByteBuf payload = c.alloc().buffer(s.size());
                Payloads.write(payload, index, seq, s.size());
                c.sendBatched(s.binary(), payload);
                m.sent();
            }
        }

        @Override
        public void onClosed(Conn c, int code, String reason) {
            if (!m.done() && !c.closedByUs()) {
                m.error("closed by the server: " + code + (reason == null || reason.isEmpty() ? "" : " " + reason));
            }
        }

        @Override
        public void onError(Conn c, Throwable failure) {
            m.error(Connector.describe(failure));
        }
    }
}
