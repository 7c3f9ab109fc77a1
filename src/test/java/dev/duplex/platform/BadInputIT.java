package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.duplex.testing.Canary;
import dev.duplex.testing.PayaraMicroServer;
import dev.duplex.testing.RawWebSocket;
import dev.duplex.testing.RawWebSocket.Frame;
import dev.duplex.testing.WsClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Bad and abusive input against a running server, each with the answer the README promises
 * (HTTP status or close code). Throughout, a canary on another connection must get every echo in
 * order, and afterwards the server's heap and thread count must come back to their baseline. The
 * server runs with small limits so that each one can be reached quickly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {

    private static final int MIB = 1024 * 1024;
    private static final byte[] INVALID_UTF8 = {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28, '!'};

    private static final ExecutorService WRITER = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "flooding writer");
        thread.setDaemon(true);
        return thread;
    });

    private static PayaraMicroServer server;
    private static Canary canary;
    private static long baselineHeap;
    private static SortedMap<String, Integer> baselineThreads;

    /**
     * Thread groups that grow under load by design and are bounded by configuration, not by the
     * number of sessions: the HTTP worker pool (grows up to its maximum and shrinks only after
     * Grizzly's idle timeout), the JIT's dynamic compiler threads, the common fork-join pool, the
     * chat's sender pool (one thread per core) and the JDK's own attach helpers.
     */
    private static final Pattern BOUNDED_POOL = Pattern.compile(
            "http-thread-pool.*|C# CompilerThread#|ForkJoinPool.*|duplex-chat-sender-#|Attach Listener|RMI .*|JFR .*"
                    + "|Common-Cleaner");

    @BeforeAll
    static void start() throws Exception {
        server = PayaraMicroServer.start("bad-input", Map.of(
                "duplex.limits.max-sessions-per-address", "40",
                "duplex.limits.message-rate", "500",
                "duplex.limits.message-burst", "500",
                "duplex.limits.max-queued-bytes", String.valueOf(MIB),
                "duplex.limits.idle-timeout-seconds", "6",
                "duplex.keepalive.interval-seconds", "2",
                "duplex.keepalive.timeout-seconds", "2",
                "duplex.limits.close-timeout-seconds", "8"), false,
                List.of("set configs.config.server-config.network-config.protocols.protocol.http-listener.http.timeout-seconds=5"));
        warmUp();
        baselineHeap = server.liveHeapBytes();
        baselineThreads = server.threadGroups();
        canary = Canary.start(server.ws("echo"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (canary != null) {
            canary.close();
        }
        if (server != null) {
            server.close();
        }
        WRITER.shutdownNow();
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> everyBadInputGetsItsDocumentedAnswer() {
        Map<String, Check> cases = new LinkedHashMap<>();
        cases.put("foreign Origin → HTTP 403", () -> assertEquals(403, handshake(Map.of("Origin", "http://evil.example"))));
        cases.put("Origin null (sandboxed frame, file:) → HTTP 403", () -> assertEquals(403, handshake(Map.of("Origin", "null"))));
        cases.put("unsupported Sec-WebSocket-Version → HTTP 426", () -> assertEquals(426, handshake(Map.of("Sec-WebSocket-Version", "8"))));
        cases.put("handshake to an unknown path → HTTP 404", () -> {
            try (RawWebSocket raw = RawWebSocket.open(server.ws("nowhere"), Map.of())) {
                assertEquals(404, raw.response().status());
            }
        });
        cases.put("oversize text (17 MiB) → 1009", () -> assertEquals(1009, closeAfter(RawWebSocket.TEXT, new byte[17 * MIB])));
        cases.put("oversize binary (17 MiB) → 1009", () -> assertEquals(1009, closeAfter(RawWebSocket.BINARY, new byte[17 * MIB])));
        cases.put("oversize fragmented message (2 × 9 MiB) → 1009", () -> {
            try (RawWebSocket raw = echo()) {
                raw.send(false, false, RawWebSocket.BINARY, new byte[9 * MIB]);
                raw.send(true, false, RawWebSocket.CONTINUATION, new byte[9 * MIB]);
                assertEquals(1009, raw.readUntilClose().closeCode());
            }
        });
        // refused by the read guard from the frame's header, before the engine's 32 MiB buffer would overflow (1011)
        cases.put("frame larger than the 32 MiB engine buffer → 1009", () -> assertEquals(1009, closeAfter(RawWebSocket.BINARY, new byte[40 * MIB])));
        cases.put("invalid UTF-8 in a text message → 1007", () -> assertEquals(1007, closeAfter(RawWebSocket.TEXT, INVALID_UTF8)));
        cases.put("invalid UTF-8 split across fragments → 1007", () -> {
            try (RawWebSocket raw = echo()) {
                raw.send(false, false, RawWebSocket.TEXT, new byte[] {'o', 'k', (byte) 0xE2, (byte) 0x82});
                raw.send(true, false, RawWebSocket.CONTINUATION, new byte[] {(byte) 0x41, 'x'});
                assertEquals(1007, raw.readUntilClose().closeCode());
            }
        });
        cases.put("RSV1 set without a negotiated extension → 1002", () -> assertEquals(1002, closeAfterFrame(0x40, RawWebSocket.TEXT, "rsv1".getBytes(), true, true)));
        cases.put("RSV2 set → 1002", () -> assertEquals(1002, closeAfterFrame(0x20, RawWebSocket.TEXT, "rsv2".getBytes(), true, true)));
        cases.put("RSV3 set → 1002", () -> assertEquals(1002, closeAfterFrame(0x10, RawWebSocket.TEXT, "rsv3".getBytes(), true, true)));
        cases.put("unknown data opcode 0x3 → 1002", () -> assertEquals(1002, closeAfterFrame(0, 0x3, "x".getBytes(), true, true)));
        cases.put("unknown control opcode 0xB → 1002", () -> assertEquals(1002, closeAfterFrame(0, 0xB, "x".getBytes(), true, true)));
        cases.put("unmasked client frame → 1002 (RFC 6455 §5.1; the read guard refuses it)", () -> {
            try (RawWebSocket raw = echo()) {
                raw.send(true, false, RawWebSocket.TEXT, "masked".getBytes(StandardCharsets.UTF_8));
                assertEquals("masked", raw.read().text(), "a masked frame before it is echoed, unmasked by the guard");
                raw.sendFrame(true, 0, RawWebSocket.TEXT, "naked".getBytes(StandardCharsets.UTF_8), false);
                RawWebSocket.Frame close = raw.readUntilClose();
                assertEquals("1002 Unmasked frame: a client must mask every frame", close.closeCode() + " " + close.closeReason());
            }
        });
        cases.put("close with registered code 1014 → a normal closing handshake (1000)", () -> assertEquals(1000,
                closeAfterFrame(0, RawWebSocket.CLOSE, closePayload(1014, "bad gateway"), true, true)));
        cases.put("close with invalid code 999 → 1002", () -> assertEquals(1002, closeAfterFrame(0, RawWebSocket.CLOSE, closePayload(999, ""), true, true)));
        cases.put("close with reserved code 1005 → 1002", () -> assertEquals(1002, closeAfterFrame(0, RawWebSocket.CLOSE, closePayload(1005, ""), true, true)));
        cases.put("close with a one-byte payload → 1002", () -> assertEquals(1002, closeAfterFrame(0, RawWebSocket.CLOSE, new byte[] {3}, true, true)));
        cases.put("close reason in invalid UTF-8 → 1007", () -> {
            byte[] payload = new byte[2 + INVALID_UTF8.length];
            payload[0] = 0x03;
            payload[1] = (byte) 0xE8;
            System.arraycopy(INVALID_UTF8, 0, payload, 2, INVALID_UTF8.length);
            assertEquals(1007, closeAfterFrame(0, RawWebSocket.CLOSE, payload, true, true));
        });
        cases.put("fragmented control frame (ping without FIN) → 1002", () -> assertEquals(1002, closeAfterFrame(0, RawWebSocket.PING, "p".getBytes(), false, true)));
        cases.put("control frame with 126-byte payload → 1002", () -> assertEquals(1002, closeAfterFrame(0, RawWebSocket.PING, new byte[126], true, true)));
        cases.put("continuation frame without a message to continue → 1002", () -> assertEquals(1002, closeAfterFrame(0, RawWebSocket.CONTINUATION, "c".getBytes(), true, true)));
        cases.put("new message while a fragmented one is open → 1002", () -> {
            try (RawWebSocket raw = echo()) {
                raw.send(false, false, RawWebSocket.TEXT, "first half".getBytes());
                raw.send(true, false, RawWebSocket.TEXT, "intruder".getBytes());
                assertEquals(1002, raw.readUntilClose().closeCode());
            }
        });
        cases.put("pings within the rate (400) → a pong for each, session still echoes", () -> {
            try (RawWebSocket raw = echo()) {
                int pings = 400;
                java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < pings; i++) {
                    burst.writeBytes(new byte[] {(byte) 0x89, (byte) 0x80, 1, 2, 3, 4});
                }
                raw.sendRaw(burst.toByteArray());
                raw.send(true, false, RawWebSocket.TEXT, "after the pings".getBytes());
                int pongs = 0;
                Frame frame;
                while ((frame = raw.read()).opcode() == RawWebSocket.PONG) {
                    pongs++;
                }
                assertEquals(pings, pongs);
                assertEquals("after the pings", frame.text());
            }
        });
        cases.put("ping flood (5 000 pings) → 1008, like a message flood", () -> {
            try (RawWebSocket raw = echo()) {
                java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < 5000; i++) {
                    burst.writeBytes(new byte[] {(byte) 0x89, (byte) 0x80, 1, 2, 3, 4});
                }
                raw.sendRaw(burst.toByteArray());
                Frame close = raw.readUntilClose();
                assertEquals(1008, close.closeCode());
                assertEquals("Message rate over 500/s", close.closeReason());
            }
        });
        cases.put("message flood over the rate limit → 1008", () -> {
            try (RawWebSocket raw = echo()) {
                java.io.ByteArrayOutputStream flood = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < 3000; i++) {
                    flood.writeBytes(new byte[] {(byte) 0x81, (byte) 0x81, 0, 0, 0, 0, 'x'});
                }
                raw.sendRaw(flood.toByteArray());
                Frame close = raw.readUntilClose();
                assertEquals(1008, close.closeCode());
                assertTrue(close.closeReason().startsWith("Message rate over 500/s"), close.closeReason());
            }
        });
        cases.put("too many sessions from one address → HTTP 503 with Retry-After, before the upgrade", () -> {
            List<RawWebSocket> held = new ArrayList<>();
            try {
                RawWebSocket.Response refused = null;
                for (int i = 0; i < 45 && refused == null; i++) {
                    RawWebSocket raw = RawWebSocket.open(server.ws("echo"), Map.of());
                    held.add(raw);
                    if (raw.response().status() != 101) {
                        refused = raw.response();
                    }
                }
                assertTrue(refused != null, "a session over the per-address limit was refused");
                assertEquals(503, refused.status());
                assertTrue(refused.header("Retry-After") != null, "503 without Retry-After: " + refused.headers());
                assertTrue(held.size() > 1, "the first session from the address was refused");
            } finally {
                for (RawWebSocket raw : held) {
                    raw.close();
                }
            }
        });
        cases.put("client that stops reading (backpressure) → 1008 slow consumer", () -> {
            long before = slowConsumerCloses();
            try (RawWebSocket raw = echo()) {
                Future<?> writing = floodWithoutReading(raw);
                awaitQuietly(writing, 3);
                Frame close = raw.readUntilClose();
                // the server sends 1008 and closes; a client still flooding may get a reset first
                assertTrue(close.closeCode() == 1008 || close.closeCode() == 1006, "close " + close.closeCode());
                if (close.closeCode() == 1008) {
                    assertTrue(close.closeReason().startsWith("Slow consumer"), close.closeReason());
                }
            }
            assertEquals(before + 1, slowConsumerCloses(), "the server closed the session as a slow consumer");
        });
        cases.put("client that never reads again → connection dropped after the close timeout", () -> {
            try (RawWebSocket raw = echo()) {
                Future<?> writing = floodWithoutReading(raw);
                ExecutionException dropped = assertThrows(ExecutionException.class, () -> writing.get(30, TimeUnit.SECONDS),
                        "the server dropped the connection, so the stalled write failed");
                assertTrue(dropped.getCause() instanceof IOException, String.valueOf(dropped.getCause()));
            }
        });
        cases.put("peer that stops answering pings → 1001 after the pong timeout", () -> {
            try (RawWebSocket raw = echo()) {
                Frame frame = raw.read();
                assertEquals(RawWebSocket.PING, frame.opcode(), "the silent session is pinged");
                Frame close = raw.readUntilClose();
                assertEquals(1001, close.closeCode());
                // the reason names the pong timeout (not the idle timeout, the other way to 1001)
                assertTrue(close.closeReason().startsWith("No pong within"), close.closeReason());
            }
        });
        cases.put("idle session that answers pings → 1001 after the idle timeout", () -> {
            try (WsClient client = WsClient.connect(server.ws("echo"))) {
                WsClient.Closed closed = client.awaitClose();
                assertEquals(1001, closed.code());
                assertEquals("Idle for 6 s", closed.reason());
            }
        });
        cases.put("a message arriving for longer than the keepalive and the idle timeout, above the minimum rate → echoed", () -> {
            try (RawWebSocket raw = echo()) {
                byte[] payload = new byte[60 * 1024];
                new java.util.Random(5).nextBytes(payload);
                // one frame, masked with a zero key so that its payload goes out as it is, in 15 reads
                // of 4 KiB every 500 ms: 8 KiB/s for 7.5 s, well above the 1 KiB/s minimum rate, but
                // past the 2 s ping and 2 s pong timeout and the 6 s idle timeout; the client reads
                // nothing meanwhile, so it answers no ping until its message is out
                raw.sendRaw(new byte[] {(byte) 0x82, (byte) (0x80 | 126), (byte) (payload.length >>> 8), (byte) payload.length, 0, 0, 0, 0});
                for (int sent = 0; sent < payload.length; sent += 4096) {
                    raw.sendRaw(java.util.Arrays.copyOfRange(payload, sent, sent + 4096));
                    TimeUnit.MILLISECONDS.sleep(500);
                }
                Frame frame = raw.read();
                while (frame.opcode() == RawWebSocket.PING) {
                    frame = raw.read();
                }
                assertEquals(RawWebSocket.BINARY, frame.opcode(), frame.opcode() == RawWebSocket.CLOSE
                        ? "closed while its message was arriving: " + frame.closeCode() + " " + frame.closeReason() : "opcode");
                assertArrayEquals(payload, frame.payload());
            }
        });
        cases.put("slowloris: handshake that stops half-way → dropped after the keep-alive timeout", () -> {
            try (Socket socket = new Socket("localhost", server.http("").getPort())) {
                socket.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.setSoTimeout(20_000);
                assertEquals(-1, socket.getInputStream().read(), "connection closed by the server");
            }
        });
        cases.put("slowloris: handshake trickled past 8 KiB of headers → HTTP 400", () -> {
            try (Socket socket = new Socket("localhost", server.http("").getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write("GET /echo HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.setSoTimeout(20_000);
                String status = null;
                try {
                    for (int i = 0; i < 200 && status == null; i++) {
                        out.write(("X-Slow-" + i + ": " + "s".repeat(90) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        TimeUnit.MILLISECONDS.sleep(10);
                        if (socket.getInputStream().available() > 0) {
                            status = statusLine(socket.getInputStream());
                        }
                    }
                } catch (IOException e) {
                    // the server may reset the connection while we still write: read what it said
                }
                if (status == null) {
                    status = statusLine(socket.getInputStream());
                }
                assertTrue(status.startsWith("HTTP/1.1 400"), status);
            }
        });
        cases.put("non-image bytes to /image → JSON error not-an-image, session keeps working", () -> {
            try (WsClient client = WsClient.connect(server.ws("image"))) {
                client.sendBinary("definitely not a picture".getBytes(StandardCharsets.UTF_8));
                String error = client.nextText();
                assertTrue(error.contains("\"type\":\"error\"") && error.contains("\"code\":\"not-an-image\""), error);
                client.sendBinary(dev.duplex.image.TestImages.pngBomb(50_000, 50_000));
                assertTrue(client.nextText().contains("\"code\":\"too-many-pixels\""), "the session still answers");
            }
        });
        cases.put("image bomb (PNG header claiming 50 000 × 50 000) → JSON error too-many-pixels", () -> {
            try (WsClient client = WsClient.connect(server.ws("image?op=grayscale"))) {
                client.sendBinary(dev.duplex.image.TestImages.gifBomb(50_000, 50_000, 50_000, 50_000));
                String error = client.nextText();
                assertTrue(error.contains("\"code\":\"too-many-pixels\""), error);
            }
        });
        cases.put("malformed control JSON to /image → JSON error", () -> {
            try (WsClient client = WsClient.connect(server.ws("image"))) {
                client.sendText("{\"type\": \"configure\", ");
                String error = client.nextText();
                assertTrue(error.contains("\"type\":\"error\""), error);
            }
        });
        return cases.entrySet().stream().map(c -> dynamicTest(c.getKey(), () -> c.getValue().run()));
    }

    @Test
    @Order(2)
    void theCanaryLostNothingAndTheServerCameBack() throws Exception {
        assertTrue(canary.problems().isEmpty(), "canary: " + canary.problems());
        assertTrue(canary.echoes() > 100, "the canary kept echoing: " + canary.echoes());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long heap;
        Map<String, String> grown;
        do {
            heap = server.liveHeapBytes();
            grown = grownThreadGroups(server.threadGroups());
            if (heap - baselineHeap < 32L * MIB && grown.isEmpty()) {
                return;
            }
            TimeUnit.SECONDS.sleep(3);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("server did not come back to its baseline: heap " + baselineHeap + " → " + heap
                + " bytes; thread groups that grew: " + grown);
    }

    /**
     * Thread groups (outside the bounded pools) with more than two threads over the baseline: a
     * thread per session, per stalled writer or per timer left behind would show here.
     */
    private static Map<String, String> grownThreadGroups(SortedMap<String, Integer> now) {
        Map<String, String> grown = new TreeMap<>();
        now.forEach((group, count) -> {
            int before = baselineThreads.getOrDefault(group, 0);
            if (count > before + 2 && !BOUNDED_POOL.matcher(group).matches()) {
                grown.put(group, before + " → " + count);
            }
        });
        return grown;
    }

    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    /** Exercises connection set-up, pools and the JIT before the baseline is taken. */
    private static void warmUp() throws Exception {
        for (int i = 0; i < 30; i++) {
            try (WsClient client = WsClient.connect(server.ws("echo"))) {
                client.sendText("warm " + i);
                client.nextText();
            }
        }
    }

    /** Sends 64 KiB messages from another thread, never reading, until the connection stalls or fails. */
    private static Future<?> floodWithoutReading(RawWebSocket raw) throws IOException {
        raw.setReceiveBuffer();
        byte[] chunk = new byte[64 * 1024];
        return WRITER.submit(() -> {
            for (int i = 0; i < 4096; i++) {
                raw.send(true, false, RawWebSocket.BINARY, chunk);
            }
            return null;
        });
    }

    private static void awaitQuietly(Future<?> task, int seconds) throws InterruptedException {
        try {
            task.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // stalled or refused: either way the client has stopped reading long enough
        }
    }

    /** Sessions the server has closed as slow consumers, from api/status. */
    private static long slowConsumerCloses() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        String status = http.send(java.net.http.HttpRequest.newBuilder(server.http("api/status")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"slow consumer\":(\\d+)").matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static RawWebSocket echo() throws IOException {
        RawWebSocket raw = RawWebSocket.open(server.ws("echo"), Map.of());
        assertEquals(101, raw.response().status(), "handshake");
        return raw;
    }

    private static int handshake(Map<String, String> headers) throws IOException {
        try (RawWebSocket raw = RawWebSocket.open(server.ws("echo"), headers)) {
            return raw.response().status();
        }
    }

    /** Sends one message and returns the code of the close frame the server answers with. */
    private static int closeAfter(int opcode, byte[] payload) throws IOException {
        try (RawWebSocket raw = echo()) {
            try {
                raw.send(true, false, opcode, payload);
            } catch (IOException e) {
                // the server may close while the frame is still being written
            }
            return raw.readUntilClose().closeCode();
        }
    }

    private static int closeAfterFrame(int rsvBits, int opcode, byte[] payload, boolean fin, boolean masked) throws IOException {
        try (RawWebSocket raw = echo()) {
            raw.sendFrame(fin, rsvBits, opcode, payload, masked);
            return raw.readUntilClose().closeCode();
        }
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        try {
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            return "no answer: " + line;
        }
        return line.toString().trim();
    }

}
