package dev.duplex.bench.fanout;

import dev.duplex.bench.Measurement;
import dev.duplex.bench.Options;
import dev.duplex.bench.Result;
import dev.duplex.bench.Target;
import dev.duplex.bench.Timeline;
import dev.duplex.bench.Units;
import dev.duplex.bench.UsageException;
import dev.duplex.bench.echo.OpenLoopSchedule;
import dev.duplex.bench.echo.OpenLoopSender;
import dev.duplex.bench.net.Conn;
import dev.duplex.bench.net.Connector;
import dev.duplex.bench.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code fanout}: M members and P publishers join one chat room (spread round-robin over one or
 * more server URLs, e.g. two clustered instances); the publishers say probe messages at a fixed
 * total rate (open loop) and every member times each delivery from the probe's intended send time.
 * Every measured probe must reach every member exactly once, in each publisher's order.
 */
public final class FanoutScenario {

    /** Everything a fan-out run needs to know. */
    public record Settings(List<Target> targets, int members, int publishers, double rate, String room,
            Duration warmup, Duration duration, Duration drain, long maxMessages, Duration setupTimeout, int threads,
            int connectConcurrency, long serverPid) {
    }

    private FanoutScenario() {
    }

    public static Settings settings(Options options) {
        boolean allowRemote = options.flag("allow-remote");
        List<String> urls = options.list("url");
        if (urls.isEmpty()) {
            throw new UsageException("--url is required (one or more /chat URLs, comma-separated)");
        }
        List<Target> targets = urls.stream().map(u -> Target.parse(u, allowRemote)).toList();
        if (targets.stream().anyMatch(Target::raw)) {
            throw new UsageException("fanout needs ws:// or wss:// URLs");
        }
        return new Settings(targets,
                (int) options.integer("members", 1000, 1, 50_000),
                (int) options.integer("publishers", 1, 1, 1_000),
                options.decimal("rate", 100, 0.1, 1_000_000),
                options.string("room", "bench-" + Long.toString(System.currentTimeMillis(), 36)),
                options.duration("warmup", Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(10)),
                options.duration("duration", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofHours(1)),
                options.duration("drain", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(5)),
                options.integer("max-messages", 0, 0, Long.MAX_VALUE),
                options.duration("setup-timeout", Duration.ofSeconds(120), Duration.ofSeconds(1), Duration.ofMinutes(30)),
                (int) options.integer("threads", Runtime.getRuntime().availableProcessors(), 1, 256),
                (int) options.integer("connect-concurrency", 50, 1, 10_000),
                options.integer("server-pid", 0, 0, Long.MAX_VALUE));
    }

    public static Result run(Settings s, PrintStream progress) throws InterruptedException {
        Measurement m = new Measurement();
        int total = s.members() + s.publishers();
        CountDownLatch joined = new CountDownLatch(total);
        Shared shared = new Shared(s, m, joined);
        List<Participant> all = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            all.add(new Participant(i, i < s.publishers() ? i : -1, shared));
        }
        try (Transport transport = new Transport(s.threads())) {
            List<Conn> conns = Connector.openAll(transport, total, s.connectConcurrency(),
                    i -> new Connector.Spec(s.targets().get(i % s.targets().size()), "chat", 16 << 20, 0),
                    all::get, m, s.setupTimeout().toMillis());
            int open = 0;
            for (int i = 0; i < total; i++) {
                if (conns.get(i) == null) {
                    joined.countDown();
                } else {
                    open++;
                }
            }
            boolean allJoined = joined.await(s.setupTimeout().toMillis(), TimeUnit.MILLISECONDS);
            long members = all.stream().filter(p -> p.publisher < 0 && p.welcomed).count();
            progress.printf(Locale.ROOT, "%d of %d connections open, %d of %d members joined room %s%n", open, total,
                    members, s.members(), s.room());
            if (!allJoined) {
                m.error("setup: not every participant was welcomed within " + Units.duration(s.setupTimeout()));
            }
            shared.activeMembers = members;
            List<Participant> publishers = all.stream().filter(p -> p.publisher >= 0 && p.welcomed).toList();
            Timeline.Window w;
            if (publishers.isEmpty() || members == 0) {
                m.error("setup: no publisher or no member in the room");
                w = new Timeline.Window(0, Double.NaN, Double.NaN, true);
            } else {
                long start = System.nanoTime();
                w = new Timeline(m, progress, s.serverPid()).run(
                        () -> publishers.forEach(p -> p.conn.eventLoop().execute(() -> p.begin(start))),
                        transport::quiesce, s.warmup(), s.duration(), s.drain(), s.maxMessages(), shared::missing);
            }
            long lost = shared.missing();
            Connector.closeAll(conns, 3_000);
            return result(s, m, w, shared, lost, open, members);
        }
    }

    private static Result result(Settings s, Measurement m, Timeline.Window w, Shared shared, long lost, int open,
            long members) {
        long deliveries = m.windowMessages();
        double seconds = w.seconds();
        double rate = seconds > 0 ? deliveries / seconds : 0;
        double cpuPerMillion = deliveries > 0 ? w.serverCpuSeconds() / deliveries * 1e6 : Double.NaN;
        Result r = new Result(String.format(Locale.ROOT,
                "fanout %s: %d publisher(s) at %.0f msgs/s to %d members of room %s, %s after %s warm-up",
                s.targets(), s.publishers(), s.rate(), s.members(), s.room(), Units.duration(s.duration()),
                Units.duration(s.warmup())))
                .put("scenario", "fanout")
                .put("url", s.targets().toString())
                .put("instances", s.targets().size())
                .put("members", s.members())
                .put("joined_members", members)
                .put("publishers", s.publishers())
                .put("rate", s.rate())
                .put("open_connections", open)
                .put("duration_s", seconds)
                .put("published", shared.published.sum())
                .put("expected_deliveries", shared.published.sum() * members)
                .put("deliveries", shared.delivered.sum())
                .put("messages", deliveries)
                .put("msgs_per_s", rate)
                .put("lost", lost)
                .put("out_of_order", m.outOfOrderCount())
                .put("mismatches", m.mismatches())
                .put("errors", m.errors())
                .put("server_cpu_s", w.serverCpuSeconds())
                .put("server_cpu_s_per_M_msgs", cpuPerMillion)
                .put("client_cpu_s", w.clientCpuSeconds())
                .latency("Delivery latency", m.histogram());
        r.note(String.format(Locale.ROOT, "%d probes published in the window, %d of %d deliveries arrived (%.0f/s)",
                shared.published.sum(), shared.delivered.sum(), shared.published.sum() * members, rate));
        r.note(String.format(Locale.ROOT, "lost %d, out of order or duplicated %d, errors %d", lost,
                m.outOfOrderCount(), m.errors()));
        m.errorKinds().forEach((kind, count) -> r.note("  " + count + " x " + kind));
        return r;
    }

    /** What all participants of one run share. */
    static final class Shared {
        final Settings s;
        final Measurement m;
        final CountDownLatch joined;
        final LongAdder published = new LongAdder();
        final LongAdder delivered = new LongAdder();
        volatile long activeMembers;

        Shared(Settings s, Measurement m, CountDownLatch joined) {
            this.s = s;
            this.m = m;
            this.joined = joined;
        }

        /** Measured deliveries still missing. */
        long missing() {
            return Math.max(0, published.sum() * activeMembers - delivered.sum());
        }
    }

    /** One connection: a member, or a publisher (which is in the room too). */
    static final class Participant implements Conn.Listener {
        final int index;
        final int publisher;
        final Shared shared;
        volatile Conn conn;
        volatile boolean welcomed;
        private boolean counted;
        private final long[] lastSeq;

        Participant(int index, int publisher, Shared shared) {
            this.index = index;
            this.publisher = publisher;
            this.shared = shared;
            this.lastSeq = new long[shared.s.publishers()];
            Arrays.fill(lastSeq, -1);
        }

        private void join(Conn c) {
            conn = c;
            String nick = (publisher >= 0 ? "p" : "m") + index;
            c.send(false, ByteBufUtil.writeUtf8(c.alloc(), ChatWire.join(shared.s.room(), nick)), true);
        }

        void begin(long start) {
            OpenLoopSchedule schedule = OpenLoopSchedule.forConnection(start, shared.s.rate(), shared.s.publishers(),
                    publisher);
            new OpenLoopSender(conn, shared.m, schedule, (seq, intended) -> {
                String say = ChatWire.say(ChatWire.probe(publisher, seq, intended));
                conn.send(false, ByteBufUtil.writeUtf8(conn.alloc(), say), false);
                shared.m.sent();
                if (shared.m.measured(intended)) {
                    shared.published.increment();
                }
                return true;
            }).start();
        }

        @Override
        public void onMessage(Conn c, boolean binary, ByteBuf data, long at) {
            if (conn == null) {
                conn = c;
            }
            Measurement m = shared.m;
            if (binary) {
                m.error("binary message on the chat subprotocol");
                return;
            }
            ChatWire.Incoming in = ChatWire.read(data);
            switch (in.type()) {
                case "welcome" -> {
                    if (!counted) {
                        counted = true;
                        welcomed = true;
                        shared.joined.countDown();
                    }
                }
                case "message" -> delivered(in.text(), at, data.readableBytes());
                case "error" -> m.error("server error: " + in.detail());
                case "invalid" -> m.error("unreadable message: " + in.detail());
                default -> {
                }
            }
        }

        private void delivered(String text, long at, int bytes) {
            long[] probe = ChatWire.parseProbe(text);
            if (probe == null || publisher >= 0) {
                return;
            }
            Measurement m = shared.m;
            int from = (int) probe[0];
            long seq = probe[1];
            long intended = probe[2];
            m.received(at, bytes);
            if (from < 0 || from >= lastSeq.length) {
                m.mismatch();
                return;
            }
            if (seq <= lastSeq[from]) {
                m.outOfOrder();
                return;
            }
            lastSeq[from] = seq;
            if (m.measured(intended)) {
                shared.delivered.increment();
                m.latency(intended, at);
            }
        }

        @Override
        public void onClosed(Conn c, int code, String reason) {
            if (!shared.m.done() && !c.closedByUs()) {
                shared.m.error("closed by the server: " + code + " " + reason);
            }
            if (!counted) {
                counted = true;
                shared.joined.countDown();
            }
        }

        @Override
        public void onError(Conn c, Throwable failure) {
            shared.m.error(Connector.describe(failure));
        }

        @Override
        public void onOpen(Conn c) {
            join(c);
        }
    }
}
