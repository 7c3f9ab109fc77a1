package dev.duplex.bench.report;

import dev.duplex.bench.Result;
import dev.duplex.bench.Units;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Writes a {@link Result} for people (a wrk2-style percentile table and totals) and for scripts
 * (one JSON object on one line, keys as in the result plus {@code p50_ms}, {@code p90_ms},
 * {@code p99_ms}, {@code p999_ms}, {@code max_ms}, {@code mean_ms} and {@code samples}).
 */
public final class Report {

    /** The percentiles of the table and the JSON line. */
    static final double[] PERCENTILES = {50.0, 90.0, 99.0, 99.9, 100.0};
    private static final String[] KEYS = {"p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms"};

    private Report() {
    }

    /** The human-readable report. */
    public static String table(Result result) {
        StringBuilder out = new StringBuilder();
        out.append(result.title()).append('\n');
        Histogram h = result.latency();
        if (h != null) {
            out.append("  ").append(result.latencyName()).append(" Distribution (HdrHistogram - Recorded Latency)\n");
            if (h.getTotalCount() == 0) {
                out.append("  (no samples)\n");
            } else {
                for (double p : PERCENTILES) {
                    long micros = p >= 100.0 ? h.getMaxValue() : h.getValueAtPercentile(p);
                    out.append(String.format(Locale.ROOT, " %7.3f%% %10s%n", p, Units.millis(micros)));
                }
                out.append(String.format(Locale.ROOT, "  mean %s, %d samples%n", Units.millis(h.getMean()),
                        h.getTotalCount()));
            }
        }
        for (String note : result.notes()) {
            out.append("  ").append(note).append('\n');
        }
        return out.toString();
    }

    /** The machine-readable report: one JSON object, no line breaks. */
    public static String json(Result result, Map<String, String> labels) {
        JsonObjectBuilder json = Json.createObjectBuilder();
        labels.forEach(json::add);
        result.fields().forEach((name, value) -> add(json, name, value));
        Histogram h = result.latency();
        if (h != null) {
            json.add("samples", h.getTotalCount());
            for (int i = 0; i < PERCENTILES.length; i++) {
                if (h.getTotalCount() == 0) {
                    json.addNull(KEYS[i]);
                } else {
                    long micros = PERCENTILES[i] >= 100.0 ? h.getMaxValue() : h.getValueAtPercentile(PERCENTILES[i]);
                    json.add(KEYS[i], micros / 1000.0);
                }
            }
            if (h.getTotalCount() == 0) {
                json.addNull("mean_ms");
            } else {
                json.add("mean_ms", Units.round(h.getMean() / 1000.0, 3));
            }
        }
        return json.build().toString();
    }

    private static void add(JsonObjectBuilder json, String name, Object value) {
        if (value == null) {
            json.addNull(name);
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                json.addNull(name);
            } else {
                json.add(name, Units.round(d, 3));
            }
        } else if (value instanceof Float f) {
            add(json, name, f.doubleValue());
        } else if (value instanceof Long || value instanceof Integer) {
            json.add(name, ((Number) value).longValue());
        } else if (value instanceof Boolean b) {
            json.add(name, b);
        } else if (value instanceof Map<?, ?> map) {
            JsonObjectBuilder inner = Json.createObjectBuilder();
            map.forEach((k, v) -> add(inner, String.valueOf(k), v));
            json.add(name, inner);
        } else {
            json.add(name, String.valueOf(value));
        }
    }
}
