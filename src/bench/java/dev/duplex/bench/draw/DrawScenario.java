package dev.duplex.bench.draw;

import dev.duplex.bench.Measurement;
import dev.duplex.bench.Options;
import dev.duplex.bench.Result;
import dev.duplex.bench.Target;
import dev.duplex.bench.Timeline;
import dev.duplex.bench.Units;
import dev.duplex.bench.UsageException;
import dev.duplex.bench.echo.OpenLoopSchedule;
import dev.duplex.bench.net.Conn;
import dev.duplex.bench.net.Connector;
import dev.duplex.bench.net.Transport;
import io.netty.buffer.ByteBuf;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * {@code draw} (scenario D1, issue 18): B boards × M members on {@code /draw} ({@code draw.bin},
 * docs/PLAY.md), every member drawing without pause (strokes of {@code --stroke-length} samples:
 * BEGIN, POINTS, END, then the next stroke) at {@code --rate} samples per second, open loop. Each
 * sample goes out in a POINTS message of its own when it is due, as {@code draw.html} sends what
 * the pointer gave once per display frame (one sample a frame at 60 samples/s on a 60 Hz display);
 * a member whose event loop woke late sends what is due together, as the page does with the
 * coalesced samples of one frame. Every member times every sample of another member it receives
 * from the time that sample was due (the sender's schedule, known in this process: no clock in the
 * payload), checks that each member's samples arrive once each and in order, and answers the
 * server's snapshot requests with a blank board as PNG (so long runs stay within
 * {@code duplex.draw.max-strokes}: the server compacts the log).
 */
public final class DrawScenario {

    /** Everything a draw run needs to know. */
    public record Settings(Target target, int boards, int members, double rate, int strokeLength, Duration warmup,
            Duration duration, Duration drain, String prefix, Duration setupTimeout, int threads, int connectConcurrency,
            long serverPid) {

        int total() {
            return boards * members;
        }

        String board(int b) {
            return prefix + "-" + b;
        }
    }

    /** Board names are {@code PREFIX-N}; the server's board pattern is {@code [A-Za-z0-9_.-]{1,40}}. */
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    /** Largest message read from the server: a late joiner's snapshot is the largest (4 MiB by default). */
    private static final int MAX_MESSAGE_BYTES = 8 << 20;

    private DrawScenario() {
    }

    public static Settings settings(Options options) {
        boolean allowRemote = options.flag("allow-remote");
        Target target = Target.parse(options.required("url"), allowRemote);
        if (target.raw()) {
            throw new UsageException("draw needs a ws:// or wss:// URL");
        }
        String prefix = options.string("board-prefix", "d1-" + Long.toString(System.currentTimeMillis(), 36));
        if (!PREFIX.matcher(prefix).matches()) {
            throw new UsageException("--board-prefix must be 1..32 of A-Z a-z 0-9 _ . -, not '" + prefix + "'");
        }
        return new Settings(target,
                (int) options.integer("boards", 50, 1, 1_000),
                (int) options.integer("members", 10, 1, 32),
                options.decimal("rate", 60, 1, 240),
                (int) options.integer("stroke-length", 60, 1, StrokePlan.MAX_LENGTH),
                options.duration("warmup", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(10)),
                options.duration("duration", Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofHours(1)),
                options.duration("drain", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(5)),
                prefix,
                options.duration("setup-timeout", Duration.ofSeconds(120), Duration.ofSeconds(1), Duration.ofMinutes(30)),
                (int) options.integer("threads", Runtime.getRuntime().availableProcessors(), 1, 256),
                (int) options.integer("connect-concurrency", 50, 1, 100),
                options.integer("server-pid", 0, 0, Long.MAX_VALUE));
    }

    public static Result run(Settings s, PrintStream progress) throws InterruptedException {
        Measurement m = new Measurement();
        int total = s.total();
        Shared shared = new Shared(s, m, new StrokePlan(s.strokeLength()), new CountDownLatch(total));
        List<Member> all = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            all.add(new Member(i, i / s.members(), shared));
        }
        try (Transport transport = new Transport(s.threads())) {
            List<Conn> conns = Connector.openAll(transport, total, s.connectConcurrency(),
                    i -> new Connector.Spec(s.target(), DrawWire.SUBPROTOCOL, MAX_MESSAGE_BYTES, 0), all::get, m,
                    s.setupTimeout().toMillis());
            int open = 0;
            for (int i = 0; i < total; i++) {
                if (conns.get(i) == null) {
                    all.get(i).countOnce();
                } else {
                    open++;
                }
            }
            if (!shared.joined.await(s.setupTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                m.error("setup: not every member was welcomed within " + Units.duration(s.setupTimeout()));
            }
            int[] perBoard = new int[s.boards()];
            for (Member member : all) {
                if (member.welcomed) {
                    perBoard[member.board]++;
                }
            }
            int joined = 0;
            for (int b = 0; b < s.boards(); b++) {
                joined += perBoard[b];
                if (perBoard[b] != s.members()) {
                    m.error("setup: board " + s.board(b) + " has " + perBoard[b] + " of " + s.members() + " members");
                }
            }
            progress.printf(Locale.ROOT, "%d of %d connections open, %d members joined %d boards %s-*%n", open, total,
                    joined, s.boards(), s.prefix());
            String[] why = new String[1];
            ServerStatus before = ServerStatus.read(s.target(), why);
            Timeline.Window w;
            if (joined == 0) {
                m.error("setup: nobody joined");
                w = new Timeline.Window(0, Double.NaN, Double.NaN, true);
            } else {
                // The Timeline begins right after this and opens its window after the warm-up, so the
                // samples counted (those due in [start + warm-up, + duration)) are all sent before the
                // window closes. They are counted by number, not by comparing times with the window
                // as it opens and closes, so sender and receivers always agree on which they are.
                long start = System.nanoTime();
                long from = start + s.warmup().toNanos();
                long to = from + s.duration().toNanos();
                for (Member member : all) {
                    member.peers = member.welcomed ? perBoard[member.board] - 1 : 0;
                    OpenLoopSchedule schedule = OpenLoopSchedule.forConnection(start, s.rate() * total, total, member.index);
                    shared.schedules[member.index] = schedule;
                    shared.countedFrom[member.index] = schedule.dueBy(from - 1);
                    shared.countedTo[member.index] = schedule.dueBy(to - 1);
                }
                List<Member> drawing = all.stream().filter(p -> p.welcomed).toList();
                w = new Timeline(m, progress, s.serverPid()).run(
                        () -> drawing.forEach(p -> p.conn.eventLoop().execute(p::tick)),
                        transport::quiesce, s.warmup(), s.duration(), s.drain(), 0, shared::missing);
            }
            ServerStatus after = ServerStatus.read(s.target(), why);
            Totals totals = shared.totals(open, joined);
            Connector.closeAll(conns, 3_000);
            Result r = result(s, totals, w, m.histogram(), shared.sendLag, before, after);
            if (after == null && why[0] != null) {
                r.note("server status not read: " + why[0]);
            }
            m.errorKinds().forEach((kind, count) -> r.note("  " + count + " x " + kind));
            shared.mismatchKinds.forEach((kind, count) -> r.note("  mismatch " + count.sum() + " x " + kind));
            return r;
        }
    }

    /** The counts of one run, as {@link #result} reports them. */
    record Totals(int open, int joined, long samplesSent, long expected, long delivered, long gaps, long outOfOrder,
            long mismatches, long errors, long ownEchoes, long msgsOut, long bytesOut, long msgsIn, long bytesIn,
            long snapshots, Map<String, Long> closes) {

        long lost() {
            return Math.max(0, expected - delivered);
        }
    }

    /**
     * The result: sample-to-peer latency from {@code latency} (microseconds, as {@link Measurement}
     * records and {@link Result#latency} expects them), reported in milliseconds.
     */
    static Result result(Settings s, Totals t, Timeline.Window w, Histogram latency, Histogram sendLag,
            ServerStatus before, ServerStatus after) {
        double seconds = w.seconds();
        double memberSeconds = seconds * Math.max(1, t.joined());
        Result r = new Result(String.format(Locale.ROOT,
                "draw %s: %d boards x %d members, %.0f samples/s each in strokes of %d, %s after %s warm-up",
                s.target(), s.boards(), s.members(), s.rate(), s.strokeLength(), Units.duration(s.duration()),
                Units.duration(s.warmup())))
                .put("scenario", "draw")
                .put("url", s.target().toString())
                .put("boards", s.boards())
                .put("members_per_board", s.members())
                .put("rate", s.rate())
                .put("stroke_length", s.strokeLength())
                .put("open_connections", t.open())
                .put("joined_members", t.joined())
                .put("duration_s", seconds)
                .put("samples_sent", t.samplesSent())
                .put("samples_expected", t.expected())
                .put("samples_delivered", t.delivered())
                .put("lost", t.lost())
                .put("gaps", t.gaps())
                .put("out_of_order", t.outOfOrder())
                .put("mismatches", t.mismatches())
                .put("errors", t.errors())
                .put("closes", t.closes())
                .put("sample_to_peer_p50_ms", millis(latency, 50))
                .put("sample_to_peer_p90_ms", millis(latency, 90))
                .put("sample_to_peer_p99_ms", millis(latency, 99))
                .put("sample_to_peer_max_ms", millis(latency, 100))
                .put("send_lag_p99_ms", millis(sendLag, 99))
                .put("msgs_out_per_member_s", t.msgsOut() / memberSeconds)
                .put("bytes_out_per_member_s", t.bytesOut() / memberSeconds)
                .put("msgs_in_per_member_s", t.msgsIn() / memberSeconds)
                .put("bytes_in_per_member_s", t.bytesIn() / memberSeconds)
                .put("snapshots_answered", t.snapshots())
                .put("server_cpu_cores", w.serverCpuSeconds() / seconds)
                .put("server_cpu_ms_per_member_s", w.serverCpuSeconds() * 1000 / memberSeconds)
                .put("client_cpu_cores", w.clientCpuSeconds() / seconds);
        if (before != null) {
            r.put("server_heap_used_mb_before", before.heapUsedBytes() / 1e6);
        }
        if (after != null) {
            r.put("server_heap_used_mb", after.heapUsedBytes() / 1e6)
                    .put("server_heap_max_mb", after.heapMaxBytes() / 1e6)
                    .put("server_boards", after.boards())
                    .put("server_board_bytes", after.boardBytes());
        }
        r.latency("Sample-to-peer latency", latency);
        r.note(String.format(Locale.ROOT,
                "samples due in the measured window: %d sent, %d of %d expected deliveries to the other members arrived, lost %d",
                t.samplesSent(), t.delivered(), t.expected(), t.lost()));
        r.note(String.format(Locale.ROOT, "gaps %d, out of order or duplicated %d, mismatches %d, errors %d, closes %s",
                t.gaps(), t.outOfOrder(), t.mismatches(), t.errors(), t.closes()));
        r.note(String.format(Locale.ROOT,
                "per member and second: out %.1f msgs %.0f B, in %.1f msgs %.0f B (payload bytes); %d snapshot requests answered",
                t.msgsOut() / memberSeconds, t.bytesOut() / memberSeconds, t.msgsIn() / memberSeconds,
                t.bytesIn() / memberSeconds, t.snapshots()));
        r.note(String.format(Locale.ROOT,
                "server CPU %.2f cores (%.3f ms per member-second), client CPU %.2f cores; sender lateness p99 %s",
                w.serverCpuSeconds() / seconds, w.serverCpuSeconds() * 1000 / memberSeconds,
                w.clientCpuSeconds() / seconds, sendLag.getTotalCount() == 0 ? "-" : Units.millis(sendLag.getValueAtPercentile(99))));
        if (after != null) {
            r.note(String.format(Locale.ROOT, "server heap %.0f MB of %.0f MB after the run, %d boards holding %d bytes",
                    after.heapUsedBytes() / 1e6, after.heapMaxBytes() / 1e6, after.boards(), after.boardBytes()));
        }
        if (!w.drained()) {
            r.note("the drain ended with deliveries still missing");
        }
        return r;
    }

    /** A percentile (100: the maximum) of a histogram in microseconds, in milliseconds; NaN when empty. */
    static double millis(Histogram micros, double percentile) {
        if (micros.getTotalCount() == 0) {
            return Double.NaN;
        }
        long value = percentile >= 100 ? micros.getMaxValue() : micros.getValueAtPercentile(percentile);
        return value / 1000.0;
    }

    /** What all members of one run share. */
    static final class Shared {
        final Settings s;
        final Measurement m;
        final StrokePlan plan;
        final CountDownLatch joined;
        /** When each member's sample k was due: the send-time table every receiver reads. */
        final OpenLoopSchedule[] schedules;
        /** The samples of each member that the counts cover: k in [countedFrom, countedTo). */
        final long[] countedFrom;
        final long[] countedTo;
        /** Microseconds from a sample's due time to its write, for the counted samples. */
        final Histogram sendLag = new ConcurrentHistogram(1, 3_600_000_000L, 3);
        final LongAdder samplesSent = new LongAdder();
        final LongAdder expected = new LongAdder();
        final LongAdder delivered = new LongAdder();
        final LongAdder gaps = new LongAdder();
        final LongAdder ownEchoes = new LongAdder();
        final LongAdder msgsOut = new LongAdder();
        final LongAdder bytesOut = new LongAdder();
        final LongAdder snapshots = new LongAdder();
        final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();
        final Map<String, LongAdder> mismatchKinds = new ConcurrentHashMap<>();
        final byte[] blankPng = DrawWire.blankBoardPng();

        Shared(Settings s, Measurement m, StrokePlan plan, CountDownLatch joined) {
            this.s = s;
            this.m = m;
            this.plan = plan;
            this.joined = joined;
            this.schedules = new OpenLoopSchedule[s.total()];
            this.countedFrom = new long[s.total()];
            this.countedTo = new long[s.total()];
        }

        boolean counted(int member, long k) {
            return k >= countedFrom[member] && k < countedTo[member];
        }

        /** Deliveries of the counted samples still missing. */
        long missing() {
            return Math.max(0, expected.sum() - delivered.sum());
        }

        int benchIndex(String name) {
            if (name.length() < 2 || name.charAt(0) != 'm') {
                return -1;
            }
            try {
                int index = Integer.parseInt(name.substring(1));
                return index >= 0 && index < schedules.length ? index : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        Totals totals(int open, int joinedMembers) {
            Map<String, Long> closeCodes = new TreeMap<>();
            closes.forEach((code, count) -> closeCodes.put(Integer.toString(code), count.sum()));
            return new Totals(open, joinedMembers, samplesSent.sum(), expected.sum(), delivered.sum(), gaps.sum(),
                    m.outOfOrderCount(), m.mismatches(), m.errors(), ownEchoes.sum(), msgsOut.sum(), bytesOut.sum(),
                    m.windowMessages(), m.windowBytes(), snapshots.sum(), closeCodes);
        }
    }

    /** One member: a connection that draws on its board and times the others' samples. */
    static final class Member implements Conn.Listener, BoardView.Sink {
        final int index;
        final int board;
        final Shared shared;
        final BoardView view;
        volatile Conn conn;
        volatile boolean welcomed;
        /** Members of the board besides this one, once everybody joined. */
        volatile int peers;
        private boolean counted;
        /** The next sample of this member, and when the message being read arrived. */
        private long next;
        private long at;

        Member(int index, int board, Shared shared) {
            this.index = index;
            this.board = board;
            this.shared = shared;
            this.view = new BoardView(shared.plan, shared::benchIndex, this);
        }

        synchronized void countOnce() {
            if (!counted) {
                counted = true;
                shared.joined.countDown();
            }
        }

        @Override
        public void onOpen(Conn c) {
            conn = c;
            ByteBuf join = c.alloc().buffer(64);
            DrawWire.join(join, "m" + index, shared.s.board(board));
            c.send(true, join, true);
        }

        @Override
        public void onMessage(Conn c, boolean binary, ByteBuf data, long receivedAt) {
            shared.m.received(receivedAt, data.readableBytes());
            if (!binary) {
                mismatch("a text message on draw.bin");
                return;
            }
            at = receivedAt;
            view.read(data);
        }

        @Override
        public void onClosed(Conn c, int code, String reason) {
            if (!c.closedByUs()) {
                shared.closes.computeIfAbsent(code, k -> new LongAdder()).increment();
                shared.m.error("closed by the server: " + code + " " + reason);
            }
            countOnce();
        }

        @Override
        public void onError(Conn c, Throwable failure) {
            shared.m.error(Connector.describe(failure));
        }

        /** Sends every sample due by now (BEGIN before a stroke's first, END after its last), then waits for the next. */
        void tick() {
            Measurement m = shared.m;
            Conn c = conn;
            if (!m.sending() || !c.isOpen()) {
                return;
            }
            StrokePlan plan = shared.plan;
            OpenLoopSchedule schedule = shared.schedules[index];
            long now = System.nanoTime();
            long due = schedule.dueBy(now);
            boolean window = m.measured(now);
            while (next < due) {
                long stroke = plan.stroke(next);
                int first = plan.index(next);
                if (first == 0) {
                    ByteBuf begin = c.alloc().buffer(5);
                    DrawWire.begin(begin, StrokePlan.rgb(stroke), StrokePlan.WIDTH_PX);
                    send(c, begin, window);
                }
                long strokeEnd = plan.sequence(stroke + 1, 0);
                int count = (int) Math.min(Math.min(due, strokeEnd) - next, DrawWire.MAX_SAMPLES_PER_MESSAGE);
                ByteBuf points = c.alloc().buffer(2 + count * DrawWire.SAMPLE_BYTES);
                DrawWire.pointsHead(points, count);
                for (int i = 0; i < count; i++) {
                    int place = first + i;
                    DrawWire.sample(points, StrokePlan.x(place), StrokePlan.y(index, stroke, place), 0);
                    if (shared.counted(index, next + i)) {
                        shared.samplesSent.increment();
                        shared.expected.add(peers);
                        shared.sendLag.recordValue(Math.max(1, (now - schedule.intended(next + i)) / 1_000));
                    }
                }
                send(c, points, window);
                next += count;
                if (next == strokeEnd) {
                    ByteBuf end = c.alloc().buffer(1);
                    DrawWire.end(end);
                    send(c, end, window);
                }
            }
            c.flush();
            long wait = schedule.intended(next) - System.nanoTime();
            c.eventLoop().schedule(this::tick, Math.max(0, wait), TimeUnit.NANOSECONDS);
        }

        private void send(Conn c, ByteBuf message, boolean window) {
            if (window) {
                shared.msgsOut.increment();
                shared.bytesOut.add(message.readableBytes());
            }
            shared.m.sent();
            c.send(true, message, false);
        }

        @Override
        public void welcomed(int member) {
            welcomed = true;
            countOnce();
        }

        @Override
        public void sample(int sender, long k) {
            OpenLoopSchedule schedule = shared.schedules[sender];
            if (schedule == null) {
                mismatch("a sample of member " + sender + " before the drawing began");
                return;
            }
            if (shared.counted(sender, k)) {
                shared.delivered.increment();
            }
            // timed when due in the measured window (the histogram is reset when it opens)
            shared.m.latency(schedule.intended(k), at);
        }

        @Override
        public void ownSample() {
            shared.ownEchoes.increment();
        }

        @Override
        public void gap(int sender, long expected, long k) {
            shared.gaps.add(k - expected);
        }

        @Override
        public void outOfOrder(int sender, long k) {
            shared.m.outOfOrder();
        }

        @Override
        public void mismatch(String what) {
            shared.m.mismatch();
            shared.mismatchKinds.computeIfAbsent(what, k -> new LongAdder()).increment();
        }

        @Override
        public void snapshotRequested(long request, long upTo) {
            Conn c = conn;
            if (shared.m.done() || c == null) {
                return;
            }
            ByteBuf snapshot = c.alloc().buffer(5 + shared.blankPng.length);
            DrawWire.snapshot(snapshot, request, shared.blankPng);
            shared.snapshots.increment();
            if (shared.m.measured(System.nanoTime())) {
                shared.msgsOut.increment();
                shared.bytesOut.add(snapshot.readableBytes());
            }
            c.sendBatched(true, snapshot);
        }

        @Override
        public void serverError(int code, String message) {
            shared.m.error("server error " + code + ": " + message);
            if (!welcomed) {
                countOnce(); // the JOIN was refused (board-full, bad-name, too-many-boards): no WELCOME will come
            }
        }
    }
}
