package dev.duplex.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    private static String line(String kase, String server, int round, String rest) {
        return "{\"case\":\"" + kase + "\",\"server\":\"" + server + "\",\"round\":\"" + round + "\"," + rest + "}";
    }

    private static List<JsonObject> results() {
        return Summary.read(List.of(
                "some table text that is not JSON",
                line("S1", "duplex", 1, "\"scenario\":\"echo\",\"mode\":\"closed\",\"size_bytes\":32,\"msgs_per_s\":100,\"lost\":0,\"errors\":1"),
                line("S1", "duplex", 2, "\"scenario\":\"echo\",\"mode\":\"closed\",\"size_bytes\":32,\"msgs_per_s\":300,\"lost\":2"),
                line("S1", "duplex", 3, "\"scenario\":\"echo\",\"mode\":\"closed\",\"size_bytes\":32,\"msgs_per_s\":200,\"lost\":0"),
                line("S1", "netty", 1, "\"scenario\":\"echo\",\"mode\":\"closed\",\"size_bytes\":32,\"msgs_per_s\":400,\"server_cpu_s_per_M_msgs\":10.5"),
                line("S4", "duplex", 1, "\"scenario\":\"echo\",\"mode\":\"open\",\"size_bytes\":32,\"p99_ms\":40.0"),
                line("S4", "tcp", 1, "\"scenario\":\"echo\",\"mode\":\"open\",\"size_bytes\":32,\"p99_ms\":2.0"),
                "{\"case\":\"S3\",\"server\":\"duplex\",\"scenario\":\"echo\",\"mode\":\"clo"));
    }

    @Test
    void readsOnlyWholeJsonLines() {
        assertEquals(6, results().size());
    }

    @Test
    void mediansAndRatiosToTheBest() {
        String table = Summary.table(results(), true);
        String[] rows = table.split("\n");
        assertTrue(rows[0].startsWith("| case | server | key figure | median | x best |"), rows[0]);
        // S1: duplex median of 100, 300, 200 = 200; netty 400 is best; problems 1 + 2.
        assertTrue(rows[2].startsWith("| S1 | duplex | msgs/s (higher is better) | 200 | 0.50 | 200 |"), rows[2]);
        assertTrue(rows[2].endsWith("| 3 | 3 |"), rows[2]);
        assertTrue(rows[3].startsWith("| S1 | netty | msgs/s (higher is better) | 400 | 1.00 |"), rows[3]);
        assertTrue(rows[3].contains("| 10.5 |"), rows[3]);
        // S4 is judged by p99, lower is better: duplex is 20x the raw TCP floor.
        assertTrue(rows[4].startsWith("| S4 | duplex | p99 ms (lower is better) | 40.0 | 20.00 |"), rows[4]);
        assertTrue(rows[5].startsWith("| S4 | tcp | p99 ms (lower is better) | 2.000 | 1.00 |"), rows[5]);
    }

    @Test
    void keyFiguresFollowTheScenario() {
        List<JsonObject> r = Summary.read(List.of(
                "{\"scenario\":\"echo\",\"mode\":\"closed\",\"size_bytes\":1048576}",
                "{\"scenario\":\"connect\",\"mode\":\"hold\",\"heap_per_conn_kib\":3.5}",
                "{\"scenario\":\"connect\",\"mode\":\"hold\",\"rss_per_conn_kib\":9.0}",
                "{\"scenario\":\"fanout\"}"));
        assertEquals("mb_per_s", Summary.metric(r.get(0)).key());
        assertEquals("heap_per_conn_kib", Summary.metric(r.get(1)).key());
        assertEquals("rss_per_conn_kib", Summary.metric(r.get(2)).key());
        assertEquals("p99_ms", Summary.metric(r.get(3)).key());
        assertEquals(2.5, Summary.median(Summary.read(List.of("{\"x\":1}", "{\"x\":4}", "{\"x\":2}", "{\"x\":3}")), "x"));
    }
}
