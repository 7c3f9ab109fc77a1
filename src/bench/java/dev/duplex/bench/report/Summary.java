package dev.duplex.bench.report;

import dev.duplex.bench.Options;
import dev.duplex.bench.UsageException;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code summary RESULTS.jsonl [--markdown]}: the comparison table of a side-by-side run. Reads the
 * JSON lines of many runs, tagged with {@code case}, {@code server} and {@code round} labels, and
 * prints for each case and server the median over the rounds of its key figure, its ratio to the
 * best server of that case, the other medians (msgs/s, MB/s, p50/p99/p99.9, server CPU seconds per
 * million messages) and the sum of lost, mismatched, out-of-order and failed messages.
 *
 * <p>The key figure: closed-loop echo, msgs/s (MB/s from 64 KiB messages up); open-loop echo and
 * fan-out, p99 latency; hold, heap per connection (RSS when no heap reading exists); storm,
 * connections/s; image, p50 round trip. Ratios are "value / best": below 1 for a slower server
 * when higher is better, above 1 for a slower one when lower is better.
 */
public final class Summary {

    /** The figure a case is judged by. */
    record Metric(String key, String label, boolean higherIsBetter) {
    }

    private static final String[] PROBLEMS = {"lost", "mismatches", "out_of_order", "errors"};

    private Summary() {
    }

    public static int run(Options options, PrintStream out) throws IOException {
        List<String> files = options.positional();
        boolean markdown = options.flag("markdown");
        options.rejectUnknown();
        if (files.isEmpty()) {
            throw new UsageException("summary needs a results file (JSON lines)");
        }
        List<JsonObject> results = new ArrayList<>();
        for (String file : files) {
            results.addAll(read(Files.readAllLines(Path.of(file))));
        }
        out.print(table(results, markdown));
        return 0;
    }

    /** The JSON objects among the lines; other lines are ignored. */
    static List<JsonObject> read(List<String> lines) {
        List<JsonObject> results = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("{")) {
                continue;
            }
            try (JsonReader reader = Json.createReader(new StringReader(trimmed))) {
                results.add(reader.readObject());
            } catch (JsonException e) {
                // A run cut short can leave a partial line; it is not a result.
            }
        }
        return results;
    }

    static Metric metric(JsonObject r) {
        String scenario = r.getString("scenario", "");
        String mode = r.getString("mode", "");
        return switch (scenario) {
            case "echo" -> "open".equals(mode) ? new Metric("p99_ms", "p99 ms", false)
                    : number(r, "size_bytes") >= 65_536 ? new Metric("mb_per_s", "MB/s", true)
                    : new Metric("msgs_per_s", "msgs/s", true);
            case "fanout" -> new Metric("p99_ms", "p99 ms", false);
            case "connect" -> "hold".equals(mode)
                    ? number(r, "heap_per_conn_kib") >= 0 || !r.containsKey("rss_per_conn_kib")
                            ? new Metric("heap_per_conn_kib", "heap KiB/conn", false)
                            : new Metric("rss_per_conn_kib", "RSS KiB/conn", false)
                    : new Metric("conns_per_s", "conns/s", true);
            case "image" -> new Metric("p50_ms", "p50 ms", false);
            default -> new Metric("msgs_per_s", "msgs/s", true);
        };
    }

    /** The comparison table. */
    static String table(List<JsonObject> results, boolean markdown) {
        Map<String, Map<String, List<JsonObject>>> byCase = new LinkedHashMap<>();
        for (JsonObject r : results) {
            String name = label(r, "case", r.getString("scenario", "?") + " " + r.getString("mode", ""));
            String server = label(r, "server", r.getString("url", "?"));
            byCase.computeIfAbsent(name.trim(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(server, k -> new ArrayList<>()).add(r);
        }
        String[] header = {"case", "server", "key figure", "median", "x best", "msgs/s", "MB/s", "p50 ms", "p99 ms",
            "p99.9 ms", "CPU s/M msgs", "RSS KiB/conn", "lost+bad+err", "rounds"};
        List<String[]> rows = new ArrayList<>();
        for (var entry : byCase.entrySet()) {
            Map<String, Metric> metrics = new LinkedHashMap<>();
            Map<String, Double> medians = new LinkedHashMap<>();
            entry.getValue().forEach((server, runs) -> {
                Metric metric = metric(runs.get(0));
                metrics.put(server, metric);
                medians.put(server, median(runs, metric.key()));
            });
            Metric first = metrics.values().iterator().next();
            OptionalDouble best = medians.values().stream().filter(v -> !v.isNaN() && v > 0).mapToDouble(Double::doubleValue)
                    .reduce((a, b) -> first.higherIsBetter() ? Math.max(a, b) : Math.min(a, b));
            entry.getValue().forEach((server, runs) -> {
                Metric metric = metrics.get(server);
                double value = medians.get(server);
                String ratio = best.isPresent() && !Double.isNaN(value) && value > 0
                        ? String.format(Locale.ROOT, "%.2f", value / best.getAsDouble()) : "-";
                long problems = 0;
                for (JsonObject r : runs) {
                    for (String key : PROBLEMS) {
                        problems += Math.max(0, (long) number(r, key));
                    }
                }
                rows.add(new String[] {entry.getKey(), server,
                    metric.label() + (metric.higherIsBetter() ? " (higher is better)" : " (lower is better)"),
                    format(value), ratio, format(median(runs, "msgs_per_s")), format(median(runs, "mb_per_s")),
                    format(median(runs, "p50_ms")), format(median(runs, "p99_ms")), format(median(runs, "p999_ms")),
                    format(median(runs, "server_cpu_s_per_M_msgs")), format(median(runs, "rss_per_conn_kib")),
                    Long.toString(problems), Integer.toString(runs.size())});
            });
        }
        return markdown ? markdown(header, rows) : aligned(header, rows);
    }

    static double median(List<JsonObject> runs, String key) {
        double[] values = runs.stream().mapToDouble(r -> number(r, key)).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static double number(JsonObject r, String key) {
        JsonValue value = r.get(key);
        return value instanceof JsonNumber n ? n.doubleValue() : Double.NaN;
    }

    private static String label(JsonObject r, String key, String fallback) {
        JsonValue value = r.get(key);
        if (value instanceof JsonString s) {
            return s.getString();
        }
        return value instanceof JsonNumber n ? n.toString() : fallback;
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        double abs = Math.abs(value);
        if (abs >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value).replace(',', ' ');
        }
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static String markdown(String[] header, List<String[]> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", header)).append(" |\n");
        out.append("|").append(" --- |".repeat(header.length)).append('\n');
        for (String[] row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return out.toString();
    }

    private static String aligned(String[] header, List<String[]> rows) {
        int[] widths = new int[header.length];
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (String[] row : all) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                boolean left = i < 3;
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(left ? cell + pad : pad + cell).append(i + 1 < row.length ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (row == header) {
                char[] rule = new char[line.toString().stripTrailing().length()];
                Arrays.fill(rule, '-');
                out.append(rule).append('\n');
            }
        }
        return out.toString();
    }
}
