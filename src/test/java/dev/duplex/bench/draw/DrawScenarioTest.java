package dev.duplex.bench.draw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.bench.Bench;
import dev.duplex.bench.Options;
import dev.duplex.bench.Result;
import dev.duplex.bench.Timeline;
import dev.duplex.bench.UsageException;
import dev.duplex.bench.report.Report;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class DrawScenarioTest {

    private static DrawScenario.Settings settings(String... args) {
        Options o = Options.parse(List.of(args), Set.of("allow-remote"));
        DrawScenario.Settings s = DrawScenario.settings(o);
        o.rejectUnknown();
        return s;
    }

    @Test
    void defaultsAreD1AsTheIssueStatesIt() {
        DrawScenario.Settings s = settings("--url", "ws://127.0.0.1:8080/draw");
        assertEquals(50, s.boards());
        assertEquals(10, s.members());
        assertEquals(60.0, s.rate());
        assertEquals(60, s.strokeLength());
        assertEquals(Duration.ofSeconds(5), s.warmup());
        assertEquals(Duration.ofSeconds(20), s.duration());
        assertEquals(500, s.total());
        assertTrue(s.prefix().startsWith("d1-"), s.prefix());
        assertTrue(s.board(49).matches("[A-Za-z0-9_.-]{1,40}"), "the server's default board pattern: " + s.board(49));
    }

    @Test
    void readsEveryOption() {
        DrawScenario.Settings s = settings("--url", "ws://127.0.0.1:9/draw", "--boards", "5", "--members", "3", "--rate",
                "120", "--stroke-length", "4096", "--warmup", "1s", "--duration", "10s", "--drain", "2s", "--board-prefix",
                "run_7", "--setup-timeout", "30s", "--threads", "3", "--connect-concurrency", "20", "--server-pid", "42");
        assertEquals(List.of(5, 3, 120.0, 4096, "run_7-4", 20, 42L), List.of(s.boards(), s.members(), s.rate(),
                s.strokeLength(), s.board(4), s.connectConcurrency(), s.serverPid()));
        assertEquals(Duration.ofSeconds(2), s.drain());
    }

    @Test
    void refusesRunsOutsideTheServersDefaultLimitsAndBadTargets() {
        // 32 members per board, 240 samples/s per member, 4096 samples per stroke: duplex.draw.* defaults
        for (String[] bad : new String[][] {{"--members", "33"}, {"--rate", "241"}, {"--stroke-length", "4097"},
                {"--boards", "0"}, {"--board-prefix", "has space"}, {"--board-prefix", "x".repeat(33)},
                {"--connect-concurrency", "101"}}) {
            List<String> args = new java.util.ArrayList<>(List.of("--url", "ws://127.0.0.1:8080/draw"));
            args.addAll(List.of(bad));
            assertThrows(UsageException.class, () -> settings(args.toArray(String[]::new)), String.join(" ", bad));
        }
        assertThrows(UsageException.class, () -> settings("--url", "tcp://127.0.0.1:8080"));
        assertThrows(UsageException.class, () -> settings("--url", "ws://192.0.2.1:8080/draw"));
        assertThrows(UsageException.class, () -> settings());
    }

    @Test
    void theCommandLineKnowsDrawAndRefusesUnknownOptionsBeforeConnecting() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Bench.run(List.of("draw", "--url", "ws://127.0.0.1:1/draw", "--board", "x"), new PrintStream(out),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --board"), err.toString(StandardCharsets.UTF_8));
        Bench.run(List.of("help"), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("draw     --url ws://127.0.0.1:8080/draw"));
    }

    private static DrawScenario.Totals totals(long expected, long delivered) {
        return new DrawScenario.Totals(20, 20, expected / 9, expected, delivered, 0, 0, 0, 0, 0, 1200, 9000, 11000, 80000,
                1, Map.of());
    }

    @Test
    void latenciesRecordedInMicrosecondsAreReportedInMilliseconds() {
        Histogram latency = new Histogram(1, 3_600_000_000L, 3);
        for (int ms = 1; ms <= 1000; ms++) {
            latency.recordValue(ms * 1000L);
        }
        Histogram lag = new Histogram(1, 3_600_000_000L, 3);
        lag.recordValue(2_000);
        DrawScenario.Settings s = settings("--url", "ws://127.0.0.1:8080/draw", "--boards", "2");
        Result r = DrawScenario.result(s, totals(900, 900), new Timeline.Window(10, 5, 1, true), latency, lag, null, null);
        // HdrHistogram reports the top of each bucket (3 significant digits), as ReportTest pins
        assertEquals(500.223, (double) r.get("sample_to_peer_p50_ms"), 1e-9);
        assertEquals(990.207, (double) r.get("sample_to_peer_p99_ms"), 1e-9);
        assertEquals(1000.447, (double) r.get("sample_to_peer_max_ms"), 1e-9);
        assertEquals(2.0, (double) r.get("send_lag_p99_ms"), 0.01);
        JsonObject json = Json.createReader(new StringReader(Report.json(r, Map.of()))).readObject();
        assertEquals(json.getJsonNumber("p99_ms").doubleValue(), json.getJsonNumber("sample_to_peer_p99_ms").doubleValue(), 1e-9);
        assertEquals(1000, json.getInt("samples"));
        assertTrue(Report.table(r).contains("  99.000%  990.207ms"), Report.table(r));
        // 10 s x 20 members: per member and second
        assertEquals(6.0, (double) r.get("msgs_out_per_member_s"), 1e-9);
        assertEquals(400.0, (double) r.get("bytes_in_per_member_s"), 1e-9);
        assertEquals(0.5, (double) r.get("server_cpu_cores"), 1e-9);
        assertEquals(25.0, (double) r.get("server_cpu_ms_per_member_s"), 1e-9);
    }

    @Test
    void aDeliveryMissingAtTheEndIsCountedLost() {
        Histogram latency = new Histogram(1, 3_600_000_000L, 3);
        latency.recordValue(1_000);
        DrawScenario.Settings s = settings("--url", "ws://127.0.0.1:8080/draw");
        Timeline.Window w = new Timeline.Window(10, Double.NaN, 1, false);
        Result clean = DrawScenario.result(s, totals(900, 900), w, latency, latency, null, null);
        Result lost = DrawScenario.result(s, totals(900, 899), w, latency, latency, null, null);
        assertEquals(0L, clean.get("lost"));
        assertEquals(1L, lost.get("lost"));
        // "lost" is the key Bench's exit code reads (1 when it is above 0)
        assertTrue(Report.json(lost, Map.of()).contains("\"lost\":1,"), Report.json(lost, Map.of()));
        assertTrue(Report.table(lost).contains("899 of 900 expected deliveries to the other members arrived, lost 1"),
                Report.table(lost));
    }

    @Test
    void readsHeapAndBoardsFromTheStatus() {
        ServerStatus status = ServerStatus.parse("{\"sessions\":3,\"jvm\":{\"heapUsedBytes\":123456789,\"heapMaxBytes\":1073741824,"
                + "\"threads\":80},\"draw\":{\"boards\":5,\"members\":50,\"bytes\":204800,\"copies\":0,\"cluster\":\"local\"}}");
        assertEquals(new ServerStatus(123456789, 1073741824, 5, 50, 204800), status);
        assertEquals(new ServerStatus(-1, -1, -1, -1, -1), ServerStatus.parse("{\"sessions\":0}"));
    }
}
