package dev.duplex.bench.game;

import dev.duplex.bench.Options;
import dev.duplex.bench.Result;
import dev.duplex.bench.UsageException;
import dev.duplex.bench.report.ProcStat;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * {@code game} (scenario G1): R rooms × P bot players on {@code /game} ({@code game.bin}), every
 * player sending one input per tick (30/s) and acknowledging the snapshots it gets. Measures
 * input-to-snapshot latency (from sending input N to the first snapshot that reports input N
 * applied), snapshot bytes per player per second, and the server's tick lateness from
 * {@code /api/status}. The wire format is docs/PLAY.md's; only what the bench needs is coded here.
 *
 * <p>With several {@code --url}s (comma-separated: instances of one cluster) it is the
 * cross-instance G1: room r's first player joins instance {@code r mod n}, which makes the room
 * its own, and the room's players alternate between the instances from there, so that half of
 * every room's players are relayed. Latency is then reported for the room's own instance and for
 * the relayed players apart.
 */
public final class GameScenario {

    public record Settings(List<URI> urls, int rooms, int players, double inputHz, Duration warmup, Duration duration, String prefix,
            List<Long> serverPids) {

        public Settings {
            urls = List.copyOf(urls);
            serverPids = List.copyOf(serverPids);
            if (urls.isEmpty()) {
                throw new UsageException("--url names at least one instance");
            }
        }

        /** The instance player {@code index} joins: the room's first player's {@code room mod n}, then alternating. */
        public int instanceOf(int index) {
            int room = index / players;
            return (room + index % players) % urls.size();
        }

        /** Whether player {@code index} is on another instance than its room's first player (relayed). */
        public boolean relayed(int index) {
            return instanceOf(index) != instanceOf(index - index % players);
        }
    }

    private GameScenario() {
    }

    public static Settings settings(Options options) {
        List<URI> urls = new ArrayList<>();
        for (String url : options.required("url").split(",")) {
            URI uri = URI.create(url.trim());
            if (!options.flag("allow-remote") && !"127.0.0.1".equals(uri.getHost()) && !"localhost".equals(uri.getHost())) {
                throw new UsageException("--url must be on loopback unless --allow-remote");
            }
            urls.add(uri);
        }
        List<Long> pids = new ArrayList<>();
        for (String pid : options.string("server-pid", "").split(",")) {
            if (!pid.isBlank()) {
                try {
                    pids.add(Long.parseLong(pid.trim()));
                } catch (NumberFormatException e) {
                    throw new UsageException("--server-pid takes process ids, comma-separated: " + pid);
                }
            }
        }
        return new Settings(urls,
                (int) options.integer("rooms", 100, 1, 10_000),
                (int) options.integer("players", 8, 1, 64),
                options.decimal("input-hz", 30, 1, 120),
                options.duration("warmup", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(10)),
                options.duration("duration", Duration.ofSeconds(20), Duration.ofSeconds(1), Duration.ofHours(1)),
                options.string("room-prefix", "g1-" + Long.toString(System.currentTimeMillis() % 100_000, 36)),
                pids);
    }

    /** One bot player. */
    private static final class Player implements WebSocket.Listener {
        final int index;
        final boolean relayed;
        final Shared shared;
        WebSocket socket;
        final long[] sentAt = new long[256];
        long seq;
        volatile long lastTick;
        long lastReported;
        CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(null);
        final CountDownLatch welcomed = new CountDownLatch(1);
        ByteBuffer partial;

        Player(int index, boolean relayed, Shared shared) {
            this.index = index;
            this.relayed = relayed;
            this.shared = shared;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (!last || partial != null) {
                ByteBuffer grown = ByteBuffer.allocate((partial == null ? 0 : partial.remaining()) + data.remaining());
                if (partial != null) {
                    grown.put(partial);
                }
                grown.put(data).flip();
                partial = last ? null : grown;
                if (!last) {
                    webSocket.request(1);
                    return null;
                }
                data = grown;
            }
            long now = System.nanoTime();
            int type = data.get(data.position()) & 0xFF;
            if (type == 0x81) {
                welcomed.countDown();
            } else if (type == 0x82) {
                long tick = data.getInt(data.position() + 1) & 0xFFFFFFFFL;
                long base = data.getInt(data.position() + 5) & 0xFFFFFFFFL;
                long inputSeq = data.getInt(data.position() + 9) & 0xFFFFFFFFL;
                lastTick = tick;
                if (shared.measuring) {
                    shared.snapshotBytes.addAndGet(data.remaining());
                    shared.snapshots.incrementAndGet();
                    if (base != 0) {
                        shared.deltas.incrementAndGet();
                    }
                }
                synchronized (this) {
                    for (long s = lastReported + 1; s <= inputSeq && s <= seq; s++) {
                        if (shared.measuring && seq - s < sentAt.length) {
                            shared.record(now - sentAt[(int) (s % sentAt.length)], relayed);
                        }
                    }
                    lastReported = Math.max(lastReported, inputSeq);
                }
            } else if (type == 0x8F) {
                shared.errors.incrementAndGet();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            shared.closed.incrementAndGet();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            shared.errors.incrementAndGet();
        }

        void sendInput() {
            if (!sending.isDone()) {
                shared.skipped.incrementAndGet();
                return;
            }
            long s;
            synchronized (this) {
                s = ++seq;
                sentAt[(int) (s % sentAt.length)] = System.nanoTime();
            }
            int dx = (int) ((s / 40 + index) % 3) * 127 - 127;
            int dy = (int) ((s / 55 + index) % 3) * 127 - 127;
            ByteBuffer m = ByteBuffer.allocate(12).put((byte) 0x02).putInt((int) s).putInt((int) lastTick)
                    .put((byte) dx).put((byte) dy).put((byte) 0).flip();
            sending = socket.sendBinary(m, true);
        }
    }

    private static final class Shared {
        volatile boolean measuring;
        /** Microseconds, as {@link Result#latency} expects. */
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        final Histogram relayedLatency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        final AtomicLong snapshotBytes = new AtomicLong();
        final AtomicLong snapshots = new AtomicLong();
        final AtomicLong deltas = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong closed = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();

        synchronized void record(long nanos, boolean relayed) {
            long micros = Math.max(0, Math.min(nanos / 1_000, latency.getHighestTrackableValue()));
            latency.recordValue(micros);
            if (relayed) {
                relayedLatency.recordValue(micros);
            }
        }
    }

    public static Result run(Settings s, PrintStream progress) throws InterruptedException {
        Shared shared = new Shared();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
        List<Player> players = new ArrayList<>();
        int total = s.rooms() * s.players();
        for (int i = 0; i < total; i++) {
            Player p = new Player(i, s.relayed(i), shared);
            String room = s.prefix() + "-" + (i / s.players());
            byte[] name = ("b" + i).getBytes(StandardCharsets.UTF_8);
            byte[] r = room.getBytes(StandardCharsets.UTF_8);
            try {
                p.socket = http.newWebSocketBuilder().subprotocols("game.bin").buildAsync(s.urls().get(s.instanceOf(i)), p).get(20, TimeUnit.SECONDS);
                ByteBuffer join = ByteBuffer.allocate(5 + name.length + r.length).put((byte) 1).put((byte) 0)
                        .put((byte) name.length).put(name).put((byte) r.length).put(r).put((byte) 0).flip();
                p.sending = p.socket.sendBinary(join, true);
                players.add(p);
            } catch (Exception e) {
                shared.errors.incrementAndGet();
                progress.println("connect " + i + " failed: " + e);
            }
        }
        for (Player p : players) {
            if (!p.welcomed.await(30, TimeUnit.SECONDS)) {
                shared.errors.incrementAndGet();
            }
        }
        progress.printf(Locale.ROOT, "%d players in %d rooms joined%n", players.size(), s.rooms());
        List<Status> before = Status.readAll(http, s.urls());
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2);
        long period = (long) (1e9 / s.inputHz());
        int lanes = 4;
        for (int lane = 0; lane < lanes; lane++) {
            int l = lane;
            ticker.scheduleAtFixedRate(() -> {
                for (int i = l; i < players.size(); i += lanes) {
                    players.get(i).sendInput();
                }
            }, period * lane / lanes, period, TimeUnit.NANOSECONDS);
        }
        Thread.sleep(s.warmup().toMillis());
        shared.measuring = true;
        long start = System.nanoTime();
        double cpuBefore = cpuSeconds(s.serverPids());
        Thread.sleep(s.duration().toMillis());
        shared.measuring = false;
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = cpuSeconds(s.serverPids()) - cpuBefore;
        List<Status> after = Status.readAll(http, s.urls());
        ticker.shutdownNow();
        for (Player p : players) {
            p.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench done");
        }
        Histogram h;
        Histogram relayed;
        synchronized (shared) {
            h = shared.latency.copy();
            relayed = shared.relayedLatency.copy();
        }
        double perPlayer = shared.snapshotBytes.get() / seconds / Math.max(1, players.size());
        Result result = new Result(String.format(Locale.ROOT, "game %s: %d rooms x %d players, inputs at %.0f/s, %.0f s",
                s.urls(), s.rooms(), s.players(), s.inputHz(), seconds))
                .put("scenario", "game")
                .put("players", players.size())
                .put("rooms", s.rooms())
                .put("instances", s.urls().size())
                .put("duration_s", seconds)
                .put("input_to_snapshot_p50_ms", h.getValueAtPercentile(50) / 1e3)
                .put("input_to_snapshot_p99_ms", h.getValueAtPercentile(99) / 1e3)
                .put("input_to_snapshot_max_ms", h.getMaxValue() / 1e3)
                .put("snapshot_bytes_per_player_s", perPlayer)
                .put("snapshots_per_player_s", shared.snapshots.get() / seconds / Math.max(1, players.size()))
                .put("delta_share", shared.snapshots.get() == 0 ? 0 : (double) shared.deltas.get() / shared.snapshots.get())
                .put("server_cpu_ms_per_player_s", cpu / seconds / Math.max(1, players.size()) * 1000)
                .put("server_cpu_cores", cpu / seconds)
                .put("inputs_skipped", shared.skipped.get())
                .put("errors", shared.errors.get());
        if (s.urls().size() > 1) {
            result.put("relayed_input_to_snapshot_p50_ms", relayed.getValueAtPercentile(50) / 1e3)
                    .put("relayed_input_to_snapshot_p99_ms", relayed.getValueAtPercentile(99) / 1e3)
                    .put("relayed_samples", relayed.getTotalCount());
        }
        for (int i = 0; i < after.size(); i++) {
            Status a = after.get(i);
            Status b = before.get(i);
            String suffix = after.size() == 1 ? "" : "_" + (char) ('a' + i);
            if (a != null) {
                result.put("server_rooms" + suffix, a.rooms)
                        .put("server_tick_late_p50_us" + suffix, a.lateP50).put("server_tick_late_p99_us" + suffix, a.lateP99)
                        .put("server_heap_used_mb" + suffix, a.heapUsed / 1e6);
                if (b != null && a.skippedTicks >= 0) {
                    result.put("server_ticks_caught_up" + suffix, a.caughtUpTicks - Math.max(0, b.caughtUpTicks))
                            .put("server_ticks_skipped" + suffix, a.skippedTicks - Math.max(0, b.skippedTicks));
                }
            }
        }
        result.note("server tick lateness is over the whole run (the status histogram is cumulative)");
        return result.latency("input_to_snapshot", h);
    }

    private static double cpuSeconds(List<Long> pids) {
        if (pids.isEmpty()) {
            return Double.NaN;
        }
        double sum = 0;
        for (long pid : pids) {
            sum += ProcStat.cpuSeconds(pid);
        }
        return sum;
    }

    /** The few figures of /api/status the bench reads. */
    private record Status(long rooms, long lateP50, long lateP99, long heapUsed, long caughtUpTicks, long skippedTicks) {

        static List<Status> readAll(HttpClient http, List<URI> urls) {
            List<Status> all = new ArrayList<>();
            for (URI url : urls) {
                all.add(read(http, url));
            }
            return all;
        }

        static Status read(HttpClient http, URI ws) {
            try {
                URI status = URI.create(ws.toString().replaceFirst("^ws", "http")).resolve("api/status");
                String body = http.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(20)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                return new Status(number(body, "\"game\":\\{\"rooms\":(\\d+)"),
                        number(body, "\"tickLateness\":\\{\"p50Micros\":(\\d+)"), number(body, "\"p99Micros\":(\\d+),\"maxMicros\":\\d+\\}\\}"),
                        number(body, "\"heapUsedBytes\":(\\d+)"), number(body, "\"caughtUpTicks\":(\\d+)"),
                        number(body, "\"skippedTicks\":(\\d+)"));
            } catch (Exception e) {
                return null;
            }
        }

        private static long number(String body, String regex) {
            Matcher m = Pattern.compile(regex).matcher(body);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }
    }
}
