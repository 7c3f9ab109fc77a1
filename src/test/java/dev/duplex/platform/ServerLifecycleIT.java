package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Browser;
import dev.duplex.testing.PayaraMicroServer;
import dev.duplex.testing.RawWebSocket;
import dev.duplex.testing.WsClient;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The server as an operator runs it: TLS with the key pair the build generated, thousands of
 * sessions that must leave nothing behind, and a stop that says goodbye (1001) to every session.
 * Runs its own Payara Micro process, because it stops the server and reads the server JVM's heap.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerLifecycleIT {

    private static final String TYRUS_SESSION = "org.glassfish.tyrus.core.TyrusSession";
    private static final String DUPLEX_CONNECTION = "dev.duplex.platform.Connections$Connection";

    private static PayaraMicroServer server;

    @BeforeAll
    static void start() throws Exception {
        server = PayaraMicroServer.start("lifecycle", Map.of("duplex.limits.max-sessions-per-address", "0"), true);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void wssUsesTheGeneratedCertificate() throws Exception {
        HttpClient trusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(trustingOnlyTheGeneratedCertificate()).build();
        HttpResponse<String> page = trusting.send(HttpRequest.newBuilder(server.https("index.html")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));

        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        WebSocket socket = trusting.newWebSocketBuilder().buildAsync(server.wss("echo"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                replies.add(data.toString());
                webSocket.request(1);
                return null;
            }
        }).get(20, TimeUnit.SECONDS);
        socket.sendText("over TLS", true).get(20, TimeUnit.SECONDS);
        assertEquals("over TLS", replies.poll(20, TimeUnit.SECONDS));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(20, TimeUnit.SECONDS);
    }

    @Test
    @Order(2)
    void pagesServedOverHttpsUseWssInChromium() throws Exception {
        try (Browser browser = Browser.start("--ignore-certificate-errors")) {
            browser.open(server.https("index.html").toString());
            browser.awaitText("serverStatus", "WebSocket Status:: Socket Open");
            assertEquals(server.wss("echo").toString(), browser.text("socketUrl"));
            browser.find("textmessage").clear();
            browser.find("textmessage").sendKeys("secure");
            browser.find("sendText").click();
            browser.awaitText("serverResponse", "Server Reply:: secure");
        }
    }

    /**
     * Closed sessions must leave nothing behind. Tyrus' and Duplex's session objects go at once;
     * Grizzly keeps a closed connection's objects until its keep-alive timeout (30 s) runs out and
     * pools request objects (its pool grows to a plateau over the first few thousand connections),
     * so the heap is compared with a baseline taken after a warm-up of the same size, and given
     * that long to come back.
     */
    @Test
    @Order(3)
    void thousandsOfSessionsLeaveNothingBehind() throws Exception {
        cycleSessions(5000);
        long baseline = settledHeap();
        cycleSessions(5000);
        awaitNoOpenSessions();
        assertEquals(0, server.liveInstances(DUPLEX_CONNECTION), "Duplex forgot every closed session");
        assertEquals(0, server.liveInstances(TYRUS_SESSION), "Tyrus forgot every closed session");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long grown;
        do {
            grown = server.liveHeapBytes() - baseline;
            if (grown < 8L * 1024 * 1024) {
                return;
            }
            TimeUnit.SECONDS.sleep(5);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("live heap did not come back to its baseline: " + grown + " bytes more after 5000 sessions");
    }

    /** The live heap once two readings 5 s apart agree within 1 MiB. */
    private static long settledHeap() throws Exception {
        long previous = server.liveHeapBytes();
        for (int i = 0; i < 24; i++) {
            TimeUnit.SECONDS.sleep(5);
            long now = server.liveHeapBytes();
            if (Math.abs(now - previous) < 1024 * 1024) {
                return now;
            }
            previous = now;
        }
        throw new AssertionError("the server's heap did not settle");
    }

    @Test
    @Order(6)
    void stoppingTheServerClosesEverySessionWith1001() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient client = WsClient.connect(server.ws("echo"));
                client.sendText("still here " + i);
                assertEquals("still here " + i, client.nextText());
                clients.add(client);
            }
            server.stop();
            for (WsClient client : clients) {
                WsClient.Closed closed = client.awaitClose();
                assertEquals(1001, closed.code());
                assertEquals("Server shutting down", closed.reason());
            }
        } finally {
            clients.forEach(WsClient::close);
        }
    }

    /** Opens {@code count} sessions, 100 at a time, each echoing one message before it closes. */
    private static void cycleSessions(int count) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int done = 0; done < count; done += 100) {
            List<CompletableFuture<Void>> batch = new ArrayList<>();
            for (int i = 0; i < Math.min(100, count - done); i++) {
                CompletableFuture<Void> echoed = new CompletableFuture<>();
                batch.add(http.newWebSocketBuilder().buildAsync(server.ws("echo"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        echoed.complete(null);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        echoed.completeExceptionally(error);
                    }
                }).thenCompose(socket -> socket.sendText("ping " + socket.hashCode(), true)).thenCompose(socket -> echoed));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
    }

    private static void awaitNoOpenSessions() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String status = "";
        while (System.nanoTime() < deadline) {
            status = http.send(HttpRequest.newBuilder(server.http("api/status")).build(), HttpResponse.BodyHandlers.ofString()).body();
            if (status.contains("\"sessions\":0,")) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("sessions still open: " + status);
    }

    /**
     * Every metric the docs list ({@link DuplexMetrics#DOCUMENTED}) is in {@code /metrics} under its
     * documented name and type; totals are counters that count, and no total is a gauge.
     */
    @Test
    @Order(4)
    void metricsExportTheDocumentedNamesAndTypes() throws Exception {
        try (WsClient echo = WsClient.connect(server.ws("echo"))) {
            echo.sendText("counted");
            assertEquals("counted", echo.nextText());
        }
        try (WsClient chat = WsClient.connect(server.ws("chat"), "chat")) {
            chat.sendText("{\"type\":\"join\",\"room\":\"metrics\",\"nick\":\"meter\"}");
            assertTrue(chat.nextText().contains("\"welcome\""));
            chat.sendText("{\"type\":\"say\",\"text\":\"timed\"}");
            assertTrue(chat.nextText().contains("\"timed\""));
        }
        try (RawWebSocket foreign = RawWebSocket.open(server.ws("echo"), Map.of("Origin", "http://evil.example"))) {
            assertEquals(403, foreign.response().status());
        }

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> missing;
        String metrics;
        do {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.http("metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            metrics = response.body();
            String text = metrics;
            missing = DuplexMetrics.DOCUMENTED.stream()
                    .filter(m -> !text.contains("# TYPE " + m.exported() + " " + m.kind().name().toLowerCase(java.util.Locale.ROOT) + "\n"))
                    .map(m -> m.exported() + " (" + m.kind() + ")").toList();
            if (!missing.isEmpty() || !text.contains("duplex_messages_received_total{endpoint=\"echo\"")) {
                TimeUnit.MILLISECONDS.sleep(250);
            }
        } while ((!missing.isEmpty() || !metrics.contains("duplex_messages_received_total{endpoint=\"echo\""))
                && System.nanoTime() < deadline);
        assertEquals(List.of(), missing, metrics);
        List<String> gaugedTotals = metrics.lines().filter(l -> l.startsWith("# TYPE duplex_") && l.endsWith(" gauge"))
                .filter(l -> l.split(" ")[2].endsWith("_total")).toList();
        assertEquals(List.of(), gaugedTotals, "a total is a counter");
        assertTrue(sample(metrics, "duplex_messages_received_total{endpoint=\"echo\"") >= 1, metrics);
        assertTrue(sample(metrics, "duplex_received_bytes_total{endpoint=\"echo\"") >= "counted".length(), metrics);
        assertTrue(sample(metrics, "duplex_refusals_total{") >= 1, "the foreign Origin: " + metrics);
        assertTrue(sample(metrics, "duplex_timing_microseconds_count{") >= 1, metrics);
    }

    /** The value of the first sample line that starts with {@code prefix}. */
    private static double sample(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no sample " + prefix));
    }

    private static SSLContext trustingOnlyTheGeneratedCertificate() throws Exception {
        KeyStore keystore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(PayaraMicroServer.keystore())) {
            keystore.load(in, System.getProperty("duplex.tls.password", "duplex-development").toCharArray());
        }
        Certificate certificate = keystore.getCertificate(System.getProperty("duplex.tls.alias", "duplex"));
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("duplex", certificate);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

}
