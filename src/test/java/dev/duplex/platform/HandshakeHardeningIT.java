package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Canary;
import dev.duplex.testing.PayaraMicroServer;
import dev.duplex.testing.TrustAll;
import dev.duplex.testing.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The handshake and HTTP hardening against one running server with TLS on: malformed request
 * targets get 400 before the upgrade, the Origin check does not trust the client's Host (DNS
 * rebinding), slowloris connections are closed by the header-read timeout, every response the web
 * application writes carries the security headers (errors included, HSTS on https), TLS offers
 * 1.2/1.3 with AEAD suites only, the status figures sit behind the token, and a client never sees
 * a parser's exception text. Throughout, a canary on another connection must get every echo, and
 * file descriptors come back to their baseline after each flood.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HandshakeHardeningIT {

    private static final String TOKEN = "it-status-token-7f3a";
    private static final int HEADER_TIMEOUT_SECONDS = 3;
    /** Sockets the server may legitimately hold on top of the baseline (pools, the canary, a jcmd). */
    private static final int FD_SLACK = 25;

    private static PayaraMicroServer server;
    private static Canary canary;

    @BeforeAll
    static void start() throws Exception {
        server = PayaraMicroServer.start("handshake-hardening", Map.of(
                "duplex.http.header-timeout-seconds", String.valueOf(HEADER_TIMEOUT_SECONDS),
                "duplex.status.token", TOKEN,
                "duplex.limits.max-sessions-per-address", "5000"), true);
        canary = Canary.start(server.ws("echo"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (canary != null) {
                canary.close();
                assertEquals(List.of(), canary.problems(), "the canary got every echo");
                System.out.printf("HandshakeHardeningIT: canary %d echoes, slowest %d ms%n", canary.echoes(), canary.slowestMillis());
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    @Order(1)
    void malformedRequestTargetsGet400BeforeTheUpgradeAndLeaveNoConnectionBehind() throws Exception {
        int port = server.http("").getPort();
        for (String target : List.of("/echo?%zz", "/echo?a=%4", "/echo?a=%C3%28", "/echo?a=<x>", "/echo?a=%FF",
                "/echo?a=" + "x".repeat(5000))) {
            Answer answer = exchange(port, handshake(target, "localhost:" + port, null));
            assertEquals(400, answer.status(), target);
            assertEquals("DENY", answer.header("X-Frame-Options"), "security headers on the 400");
        }
        int baseline = settledFds();
        int malformed = 2000;
        long start = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < malformed; i++) {
                String target = "/echo?%zz" + i;
                statuses.add(clients.submit(() -> exchange(port, handshake(target, "localhost:" + port, null)).status()));
            }
            for (Future<Integer> status : statuses) {
                assertEquals(400, status.get(60, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int after = awaitFds(baseline, Duration.ofSeconds(30));
        System.out.printf("%d malformed upgrades: all 400 in %d ms; server fds %d before, %d after%n", malformed, millis, baseline, after);
        assertTrue(status().contains("\"malformed URI\":"), "counted in /api/status");
        assertCanaryHealthy();
    }

    @Test
    @Order(2)
    void originIsCheckedAgainstLoopbackPagesAndPublicOriginsNotTheHostHeader() throws Exception {
        int port = server.http("").getPort();
        String evil = "evil.example:" + port;
        assertEquals(403, exchange(port, handshake("/echo", evil, "http://" + evil)).status(), "DNS rebinding");
        assertEquals(403, exchange(port, handshake("/echo", "localhost:" + port, "http://localhost:" + (port + 1))).status(),
                "loopback page on another port");
        assertEquals(101, exchange(port, handshake("/echo", "localhost:" + port, "http://localhost:" + port)).status());
        assertEquals(101, exchange(port, handshake("/echo", "127.0.0.1:" + port, "http://127.0.0.1:" + port)).status());
        assertEquals(101, exchange(port, handshake("/echo", "localhost:" + port, null)).status(), "programs send no Origin");

        int tls = server.https("").getPort();
        assertEquals(403, tlsExchange(tls, handshake("/echo", "localhost:" + tls, "http://localhost:" + tls)).status(),
                "an http: page to the https listener");
        assertEquals(101, tlsExchange(tls, handshake("/echo", "localhost:" + tls, "https://localhost:" + tls)).status());
    }

    @Test
    @Order(3)
    void slowlorisConnectionsAreClosedByTheHeaderTimeout() throws Exception {
        int port = server.http("").getPort();
        int baseline = settledFds();
        int count = 300;
        List<Socket> sockets = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("localhost", port), 10_000);
                socket.getOutputStream().write("GET /index.html HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
            int peak = server.openFileDescriptors();
            // One header byte per connection every 500 ms: each read restarts Grizzly's idle
            // timeout, so only the header-read timeout can end these connections.
            List<Socket> open = new ArrayList<>(sockets);
            // A generous deadline: a busy machine runs the timeout's sweep late. That it was the
            // header timeout that closed them (not Grizzly's idle timeout, which these writes keep
            // restarting) is checked by its own counter in /api/status below.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HEADER_TIMEOUT_SECONDS + 60);
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                open.removeIf(socket -> {
                    try {
                        socket.getOutputStream().write('X');
                        socket.getOutputStream().flush();
                        socket.setSoTimeout(1);
                        return socket.getInputStream().read() == -1;
                    } catch (SocketTimeoutException e) {
                        return false;
                    } catch (IOException e) {
                        return true; // reset by the server
                    }
                });
                TimeUnit.MILLISECONDS.sleep(500); // the attacker's pace, not a wait for the server
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertEquals(0, open.size(), open.size() + " of " + count + " slowloris connections still open after " + seconds + " s");
            int after = awaitFds(baseline, Duration.ofSeconds(30));
            System.out.printf("%d slowloris connections: all closed within %d s (header timeout %d s); server fds %d before, %d peak, %d after%n",
                    count, seconds, HEADER_TIMEOUT_SECONDS, baseline, peak, after);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        Matcher refused = Pattern.compile("\"header timeout\":(\\d+)").matcher(status());
        assertTrue(refused.find() && Long.parseLong(refused.group(1)) >= count, "counted in /api/status");
        assertCanaryHealthy();
    }

    @Test
    @Order(4)
    void everyResponseOfTheApplicationCarriesTheSecurityHeadersErrorsIncluded() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, HttpRequest> requests = new LinkedHashMap<>();
        requests.put("page", HttpRequest.newBuilder(server.http("index.html")).build());
        requests.put("404 /WEB-INF", HttpRequest.newBuilder(server.http("WEB-INF/web.xml")).build());
        requests.put("404 unknown", HttpRequest.newBuilder(server.http("no-such-page")).build());
        requests.put("405 POST /api/status", HttpRequest.newBuilder(server.http("api/status"))
                .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("x")).build());
        requests.put("https page", HttpRequest.newBuilder(server.https("index.html")).build());
        requests.put("https 404", HttpRequest.newBuilder(server.https("WEB-INF/web.xml")).build());
        HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TrustAll.context()).build();
        for (var request : requests.entrySet()) {
            boolean secure = request.getValue().uri().getScheme().equals("https");
            HttpResponse<String> response = (secure ? https : http).send(request.getValue(), HttpResponse.BodyHandlers.ofString());
            String what = request.getKey() + " → " + response.statusCode();
            if (request.getKey().startsWith("404")) {
                assertEquals(404, response.statusCode(), what);
                assertEquals("404 Not Found\n", response.body(), what);
            }
            if (request.getKey().startsWith("405")) {
                assertEquals(405, response.statusCode(), what);
                assertEquals("405 Method Not Allowed\n", response.body(), what);
            }
            assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(null), what);
            assertEquals(List.of("DENY"), response.headers().allValues("X-Frame-Options"), what);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null), what);
            assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(null), what);
            assertEquals("same-origin", response.headers().firstValue("Cross-Origin-Opener-Policy").orElse(null), what);
            assertTrue(response.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"), what);
            assertEquals(secure ? "max-age=31536000" : null,
                    response.headers().firstValue("Strict-Transport-Security").orElse(null), what);
            assertFalse(response.headers().firstValue("X-Powered-By").isPresent(), what);
            assertFalse(response.headers().firstValue("Server").isPresent(), what);
        }
        // Payara answered this itself (a bare 400 "Invalid URI"); the engine adapter hands it to Duplex.
        Answer invalid = exchange(server.http("").getPort(), "GET /a%00b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertEquals(400, invalid.status());
        assertEquals("DENY", invalid.header("X-Frame-Options"), "400 Malformed URI");
        assertEquals("nosniff", invalid.header("X-Content-Type-Options"), "400 Malformed URI");
    }

    @Test
    @Order(5)
    void tlsOffersOnlyVersions12And13WithAeadSuites() throws Exception {
        int tls = server.https("").getPort();
        try (SSLSocket socket = tlsSocket(tls)) {
            socket.startHandshake();
            assertEquals("TLSv1.3", socket.getSession().getProtocol(), "1.3 preferred");
        }
        try (SSLSocket socket = tlsSocket(tls)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            assertTrue(socket.getSession().getCipherSuite().contains("_GCM_") || socket.getSession().getCipherSuite().contains("CHACHA20"),
                    socket.getSession().getCipherSuite());
        }
        for (String cbc : List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")) {
            try (SSLSocket socket = tlsSocket(tls)) {
                socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                socket.setEnabledCipherSuites(new String[] {cbc});
                assertThrows(IOException.class, socket::startHandshake, cbc + " refused");
            }
        }
        try (SSLSocket socket = tlsSocket(tls)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.1"});
            assertThrows(SSLException.class, socket::startHandshake, "TLS 1.1 refused");
        } catch (IllegalArgumentException e) {
            // this JDK cannot even offer TLS 1.1: refused all the same
        }
    }

    @Test
    @Order(6)
    void statusAndMetricsRequireTheToken() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (String path : List.of("api/status", "metrics")) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.http(path)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), path);
            assertEquals("Bearer realm=\"duplex-status\"", refused.headers().firstValue("WWW-Authenticate").orElse(null), path);
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(server.http(path)).header("Authorization", "Bearer nope").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode(), path);
            HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(server.http(path)).header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, allowed.statusCode(), path);
            assertFalse(allowed.body().isEmpty(), path);
        }
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(server.http("health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "health stays open for load balancers");
    }

    @Test
    @Order(7)
    void aParsersExceptionTextNeverReachesTheClient() throws Exception {
        try (WsClient client = WsClient.connect(server.ws("image"))) {
            client.sendText("{\"type\": [}");
            String error = nextOfType(client, "error");
            assertNotNull(error, "an error reply");
            assertTrue(error.contains("\"code\":\"bad-message\""), error);
            assertEquals("Not a control message: it is not valid JSON", message(error), error);
        }
        try (WsClient client = WsClient.connect(server.ws("chat"), "chat")) {
            client.sendText("{\"type\": [}");
            String error = nextOfType(client, "error");
            assertNotNull(error, "an error reply");
            assertEquals("Not JSON", message(error), error);
        }
    }

    private static String message(String json) {
        Matcher message = Pattern.compile("\"message\":\"([^\"]*)\"").matcher(json);
        return message.find() ? message.group(1) : null;
    }

    // ---- helpers ------------------------------------------------------------------------------

    private record Answer(int status, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static String handshake(String target, String host, String origin) {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + java.util.Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
    }

    /** Sends a request head over a fresh connection and reads the answer's status and headers. */
    private static Answer exchange(int port, String head) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 10_000);
            return exchange(socket, head);
        }
    }

    private static Answer tlsExchange(int port, String head) throws Exception {
        try (SSLSocket socket = tlsSocket(port)) {
            return exchange(socket, head);
        }
    }

    private static Answer exchange(Socket socket, String head) throws IOException {
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b == -1) {
                break;
            }
            bytes.write(b);
            String text = bytes.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                break;
            }
        }
        String[] lines = bytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        if (lines.length == 0 || !lines[0].startsWith("HTTP/1.1 ")) {
            throw new IOException("no HTTP answer: " + String.join(" | ", lines));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Answer(Integer.parseInt(lines[0].substring(9, 12)), headers);
    }

    private static SSLSocket tlsSocket(int port) throws Exception {
        SSLSocket socket = (SSLSocket) TrustAll.context().getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout(20_000);
        return socket;
    }
    private static String status() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return http.send(HttpRequest.newBuilder(server.http("api/status")).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String nextOfType(WsClient client, String type) throws InterruptedException {
        for (int i = 0; i < 10; i++) {
            String text = client.nextText();
            if (text == null || text.contains("\"type\":\"" + type + "\"")) {
                return text;
            }
        }
        return null;
    }

    /**
     * What the hardening promises a bystander: every echo, in order, never refused or closed (the
     * canary records a missing, wrong or later-than-20-s echo). Its speed is the machine's load as
     * much as the server's, so it is printed at the end, not asserted.
     */
    private static void assertCanaryHealthy() {
        assertEquals(List.of(), canary.problems(), "the canary got every echo");
        assertTrue(canary.echoes() > 0, "the canary got echoes");
    }

    /** The server's descriptor count once it has stopped changing (pools settle after start). */
    private static int settledFds() throws Exception {
        return poll(() -> {
            try {
                return server.openFileDescriptors();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static int poll(IntSupplier value) throws InterruptedException {
        int last = value.getAsInt();
        for (int i = 0; i < 20; i++) {
            TimeUnit.MILLISECONDS.sleep(250);
            int now = value.getAsInt();
            if (now == last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /** Waits until the server holds at most {@code baseline + FD_SLACK} descriptors; fails otherwise. */
    private static int awaitFds(int baseline, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int fds = server.openFileDescriptors();
        while (fds > baseline + FD_SLACK && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
            fds = server.openFileDescriptors();
        }
        assertTrue(fds <= baseline + FD_SLACK, "server fds " + fds + ", baseline " + baseline);
        return fds;
    }
}
