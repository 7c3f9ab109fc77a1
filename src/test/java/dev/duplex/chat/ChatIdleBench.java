package dev.duplex.chat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many idle chat connections one instance holds, and its memory per connection. Starts one
 * Payara Micro on loopback (Hazelcast off, 1 GiB heap), opens N chat connections from this JVM,
 * each of which joins one of 100 rooms and then stays idle; measures the server's live heap
 * (after a full GC, with {@code jcmd}) and resident memory before and after, holds the connections
 * for a while to see that they stay open, then closes everything and stops the server.
 *
 * <pre>
 * mvn -DskipTests package
 * java -Xmx2g -cp target/test-classes:$(cat target/chat-bench.classpath) dev.duplex.chat.ChatIdleBench 5000
 * </pre>
 * (the classpath file comes from {@code mvn dependency:build-classpath -Dmdep.outputFile=target/chat-bench.classpath}).
 */
public final class ChatIdleBench {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private ChatIdleBench() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int hold = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int port = PayaraInstance.freePort(1);
        try (PayaraInstance server = PayaraInstance.startSingle("bench", port, Path.of("target", "chat-bench"),
                List.of("-Xmx1g", "-Xms1g"))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (server.chatStatus() == null) {
                if (System.nanoTime() > deadline || !server.isAlive()) {
                    throw new IllegalStateException("the server did not start:\n" + server.logTail());
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
            URI chat = URI.create("ws://127.0.0.1:" + port + "/chat");
            // Warm up: a few connections opened and closed, so that lazily created state exists before the baseline.
            openAll(chat, 50, "warm", new HashMap<>()).forEach(ws -> ws.abort());
            TimeUnit.SECONDS.sleep(2);
            long heapBefore = liveHeapKiB(server.pid());
            long rssBefore = rssKiB(server.pid());
            Map<String, Long> histogramBefore = histogram(server.pid());

            long started = System.nanoTime();
            Map<String, Integer> failures = new HashMap<>();
            List<WebSocket> sockets = openAll(chat, count, "u", failures);
            double openSeconds = (System.nanoTime() - started) / 1e9;
            TimeUnit.SECONDS.sleep(2);
            long heapAfter = liveHeapKiB(server.pid());
            long rssAfter = rssKiB(server.pid());
            Map<String, Long> histogramAfter = histogram(server.pid());
            TimeUnit.SECONDS.sleep(hold);
            long stillOpen = sockets.stream().filter(ws -> !ws.isInputClosed()).count();
            String status = server.chatStatus();

            System.out.printf(Locale.ROOT, "CHAT IDLE CONNECTIONS: %d of %d opened and joined in %.1f s (%.0f/s); %d still open "
                    + "after %d s idle; failed: %s%n", sockets.size(), count, openSeconds, sockets.size() / openSeconds, stillOpen,
                    hold, failures);
            System.out.printf(Locale.ROOT, "  server live heap after full GC: %d KiB before, %d KiB after: %.1f KiB per connection%n",
                    heapBefore, heapAfter, (heapAfter - heapBefore) / (double) sockets.size());
            System.out.printf(Locale.ROOT, "  server resident memory: %d KiB before, %d KiB after: %.1f KiB per connection%n",
                    rssBefore, rssAfter, (rssAfter - rssBefore) / (double) sockets.size());
            System.out.println("  server status: " + status);
            System.out.println("  largest growth by class (bytes per connection):");
            histogramAfter.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - histogramBefore.getOrDefault(e.getKey(), 0L)))
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                    .forEach(e -> System.out.printf(Locale.ROOT, "    %8.0f  %s%n", e.getValue() / (double) sockets.size(), e.getKey()));
            sockets.forEach(WebSocket::abort);
        }
    }

    /** Opens {@code count} chat connections, 100 at a time, each joining a room; returns when all are welcomed. */
    private static List<WebSocket> openAll(URI chat, int count, String prefix, Map<String, Integer> failures) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(20)).build();
        List<WebSocket> sockets = new ArrayList<>(count);
        for (int from = 0; from < count; from += 100) {
            List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 100); i++) {
                CompletableFuture<Void> welcomed = new CompletableFuture<>();
                String join = "{\"type\":\"join\",\"room\":\"idle-" + (i % 100) + "\",\"nick\":\"" + prefix + i + "\"}";
                batch.add(http.newWebSocketBuilder().subprotocols("chat").buildAsync(chat, new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        if (data.toString().contains("\"welcome\"")) {
                            welcomed.complete(null);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).thenCompose(ws -> ws.sendText(join, true)).thenCompose(ws -> welcomed.thenApply(x -> ws)));
            }
            for (CompletableFuture<WebSocket> socket : batch) {
                try {
                    sockets.add(socket.get(60, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    String why = cause instanceof WebSocketHandshakeException handshake
                            ? "HTTP " + handshake.getResponse().statusCode() : String.valueOf(cause);
                    failures.merge(why, 1, Integer::sum);
                }
            }
        }
        return sockets;
    }

    private static long liveHeapKiB(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("no heap figure from jcmd");
        }
        return Long.parseLong(used.group(1));
    }

    /** Bytes of live objects by class name ({@code jcmd GC.class_histogram}, which collects first). */
    private static Map<String, Long> histogram(long pid) throws IOException, InterruptedException {
        Map<String, Long> bytes = new HashMap<>();
        for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
            Matcher row = HISTOGRAM_ROW.matcher(line);
            if (row.find()) {
                bytes.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
            }
        }
        return bytes;
    }

    private static long rssKiB(long pid) throws IOException {
        Matcher rss = RSS.matcher(Files.readString(Path.of("/proc", String.valueOf(pid), "status"), StandardCharsets.UTF_8));
        return rss.find() ? Long.parseLong(rss.group(1)) : -1;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return output;
    }
}
