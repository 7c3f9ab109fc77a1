package dev.duplex.bench.connect;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a server's memory, three ways:
 * <ul>
 * <li>a JVM (given its pid; checked, since jcmd's SIGQUIT would kill anything else):
 *     {@code jcmd <pid> GC.class_histogram}, which runs a full GC first and
 *     lists live objects per class, so its total is the live heap; the per-class figures show what
 *     each connection costs;</li>
 * <li>any process (given its pid): resident set size, {@code VmRSS} in {@code /proc/<pid>/status};</li>
 * <li>a metrics URL answering JSON {@code {"heapUsed": bytes, "rss": bytes}} (the Node reference
 *     server's {@code /metrics}, which collects garbage first when Node runs with
 *     {@code --expose-gc}).</li>
 * </ul>
 */
public final class ServerMemory {

    /** One reading: live heap bytes (-1 if unknown), resident bytes (-1 if unknown), live bytes per class. */
    public record Reading(long heapBytes, long rssBytes, Map<String, Long> classBytes, String source) {
    }

    private static final Pattern HISTO_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
    private static final Pattern HISTO_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+)\\s+kB");

    private ServerMemory() {
    }

    /** Reads what it can from the pid (0 = none) and the metrics URL (null = none). */
    public static Reading read(long pid, String metricsUrl) throws InterruptedException {
        long heap = -1;
        long rss = -1;
        Map<String, Long> classes = Map.of();
        List<String> sources = new ArrayList<>();
        if (metricsUrl != null) {
            JsonObject json = fetch(metricsUrl);
            if (json != null) {
                heap = number(json, "heapUsed");
                rss = number(json, "rss");
                sources.add("metrics URL");
            }
        }
        if (pid > 0) {
            if (heap < 0 && isJvm(pid)) {
                String histogram = jcmd(pid, "GC.class_histogram");
                if (histogram != null) {
                    classes = parseClassBytes(histogram);
                    heap = parseTotal(histogram);
                    if (heap >= 0) {
                        sources.add("jcmd GC.class_histogram");
                    }
                }
            }
            long resident = rss(pid);
            if (resident >= 0) {
                rss = resident;
                sources.add("/proc VmRSS");
            }
        }
        return new Reading(heap, rss, classes, String.join(" + ", sources));
    }

    /**
     * A baseline reading once the server has let go of what earlier load left behind: reads every
     * {@code interval} until two readings' live heap differs by at most 1 MiB or 1 %, or until
     * {@code timeout} (then the last reading, marked unsettled in its source). A server that just
     * ran other scenarios may hold closed connections' buffers and queues for a while (Grizzly keeps
     * a closed connection's request until its keep-alive timeout, 30 s), and a baseline taken then
     * makes the per-connection figure too small, even negative.
     */
    public static Reading readSettled(long pid, String metricsUrl, Duration interval, Duration timeout,
            PrintStream progress) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Reading previous = read(pid, metricsUrl);
        while (true) {
            if (previous.heapBytes() < 0) {
                return previous;
            }
            if (System.nanoTime() + interval.toNanos() > deadline) {
                return new Reading(previous.heapBytes(), previous.rssBytes(), previous.classBytes(),
                        previous.source() + " (not settled within " + timeout.toSeconds() + " s)");
            }
            Thread.sleep(interval.toMillis());
            Reading next = read(pid, metricsUrl);
            if (settled(previous.heapBytes(), next.heapBytes())) {
                return next;
            }
            progress.printf(Locale.ROOT, "baseline heap not settled yet: %d -> %d bytes%n", previous.heapBytes(),
                    next.heapBytes());
            previous = next;
        }
    }

    /** Whether two live-heap readings are within 1 MiB or 1 % of each other. */
    static boolean settled(long before, long after) {
        long difference = Math.abs(after - before);
        return difference <= 1024 * 1024 || difference <= Math.max(before, after) / 100;
    }

    /**
     * Whether the process is a Java VM. jcmd must never be pointed at anything else: its attach
     * handshake sends SIGQUIT, which a JVM answers and most other processes die of.
     */
    static boolean isJvm(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
            String program = cmdline.split("\0", 2)[0];
            String name = Path.of(program).getFileName() == null ? program : Path.of(program).getFileName().toString();
            return name.equals("java") || name.equals("java.exe");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static long parseTotal(String histogram) {
        for (String line : histogram.split("\n")) {
            Matcher m = HISTO_TOTAL.matcher(line.trim());
            if (m.matches()) {
                return Long.parseLong(m.group(2));
            }
        }
        return -1;
    }

    static Map<String, Long> parseClassBytes(String histogram) {
        Map<String, Long> bytes = new HashMap<>();
        for (String line : histogram.split("\n")) {
            Matcher m = HISTO_LINE.matcher(line);
            if (m.matches()) {
                bytes.merge(m.group(3), Long.parseLong(m.group(2)), Long::sum);
            }
        }
        return bytes;
    }

    static long rss(long pid) {
        try {
            Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * jcmd's output goes to a file, not a pipe this JVM reads: when the server is this very JVM
     * (the bench tool's own tests), Java 24+ streams the output from the VM thread while the
     * JVM is stopped at a safepoint, so a pipe that fills up (a class histogram is far larger
     * than its 64 KiB) could never be drained, and jcmd, the VM thread and this JVM would wait
     * on each other for good (seen on Java 25: ScenariosTest hung in the connect scenario).
     */
    private static String jcmd(long pid, String command) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path out = null;
        try {
            out = Files.createTempFile("duplex-jcmd-", ".txt");
            Process process = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
                    Long.toString(pid), command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroy();
                return null;
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a temp file left behind is harmless; the measurement is not affected
                    System.getLogger(ServerMemory.class.getName()).log(System.Logger.Level.DEBUG, "jcmd output not deleted", e);
                }
            }
        }
    }

    private static JsonObject fetch(String url) throws InterruptedException {
        try {
            // HTTP/1.1: the default HTTP/2 upgrade offer ("Upgrade: h2c") looks like a failed
            // WebSocket handshake to a server that also serves WebSockets, as Node's ws does.
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
                return reader.readObject();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long number(JsonObject json, String key) {
        return json.get(key) instanceof JsonNumber n ? n.longValue() : -1;
    }
}
