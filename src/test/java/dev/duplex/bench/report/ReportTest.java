package dev.duplex.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.bench.Result;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

    /**
     * 1..1000 ms, one sample each: p50 = 500 ms, p90 = 900 ms, p99 = 990 ms, p99.9 = 999 ms, max 1000 ms,
     * each shown as the top of its HdrHistogram bucket (3 significant digits).
     */
    private static Histogram uniform() {
        Histogram h = new Histogram(1, 3_600_000_000L, 3);
        for (int ms = 1; ms <= 1000; ms++) {
            h.recordValue(ms * 1000L);
        }
        return h;
    }

    @Test
    void tableShowsWrk2StylePercentilesInMilliseconds() {
        Result r = new Result("echo test").latency("Latency", uniform()).note("Messages/sec: 12.00");
        String table = Report.table(r);
        assertTrue(table.startsWith("echo test\n"), table);
        assertTrue(table.contains("Latency Distribution (HdrHistogram - Recorded Latency)"), table);
        assertTrue(table.contains("  50.000%  500.223ms"), table);
        assertTrue(table.contains("  90.000%  900.095ms"), table);
        assertTrue(table.contains("  99.000%  990.207ms"), table);
        assertTrue(table.contains("  99.900%  999.423ms"), table);
        assertTrue(table.contains(" 100.000% 1000.447ms"), table);
        assertTrue(table.contains("Messages/sec: 12.00"), table);
    }

    @Test
    void jsonLineHoldsLabelsFieldsAndPercentiles() {
        Result r = new Result("t").put("scenario", "echo").put("msgs_per_s", 1234.56789).put("lost", 0L)
                .put("server_cpu_s", Double.NaN).put("binary", true).latency("Latency", uniform());
        String line = Report.json(r, Map.of("case", "S1"));
        assertFalse(line.contains("\n"));
        JsonObject json = Json.createReader(new StringReader(line)).readObject();
        assertEquals("S1", json.getString("case"));
        assertEquals("echo", json.getString("scenario"));
        assertEquals(1234.568, json.getJsonNumber("msgs_per_s").doubleValue(), 1e-9);
        assertEquals(0, json.getInt("lost"));
        assertTrue(json.isNull("server_cpu_s"));
        assertTrue(json.getBoolean("binary"));
        assertEquals(1000, json.getInt("samples"));
        assertEquals(500.223, json.getJsonNumber("p50_ms").doubleValue(), 1e-9);
        assertEquals(1000.447, json.getJsonNumber("max_ms").doubleValue(), 1e-9);
    }

    @Test
    void anEmptyHistogramSaysSoInsteadOfPrintingZeros() {
        Result r = new Result("t").latency("Latency", new Histogram(1, 1000, 3));
        assertTrue(Report.table(r).contains("(no samples)"));
        JsonObject json = Json.createReader(new StringReader(Report.json(r, Map.of()))).readObject();
        assertTrue(json.isNull("p99_ms"));
    }

    @Test
    void procStatIsReadAfterTheCommandName() {
        String stat = "1234 (java (bench) x) S 1 2 3 4 5 6 7 8 9 10 250 150 0 0 20 0 30 0";
        assertEquals(4.0, ProcStat.parse(stat), 1e-9);
        assertTrue(ProcStat.selfCpuSeconds() >= 0);
        assertTrue(Double.isNaN(ProcStat.cpuSeconds(0)));
    }
}
