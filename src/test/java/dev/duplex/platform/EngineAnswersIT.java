package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Canary;
import dev.duplex.testing.PayaraMicroServer;
import dev.duplex.testing.TrustAll;
import dev.duplex.testing.RawWebSocket;
import dev.duplex.testing.RawWebSocket.Frame;
import dev.duplex.testing.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The answers the engine used to give by itself, now Duplex's own, against one running server
 * (issue 16, item 7): malformed handshakes and paths Payara cannot parse get Duplex's status, body
 * {@code "<status> <reason>"} and the security headers of every page; every close reason a client
 * gets is Duplex's fixed text; registered close codes get a normal closing handshake; pings and
 * pongs count against the message rate; invisible and combining look-alike nicknames are refused.
 * A canary on another connection gets every echo throughout, and the server's file descriptors
 * come back to their baseline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EngineAnswersIT {

    private static final int RATE = 200;
    private static final int FD_SLACK = 25;

    private static PayaraMicroServer server;
    private static Canary canary;
    private static int baselineFds;

    @BeforeAll
    static void start() throws Exception {
        server = PayaraMicroServer.start("engine-answers", Map.of(
                "duplex.limits.message-rate", String.valueOf(RATE),
                "duplex.limits.message-burst", String.valueOf(RATE)), true);
        baselineFds = server.openFileDescriptors();
        canary = Canary.start(server.ws("echo"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (canary != null) {
                canary.close();
                System.out.printf("canary: %d echoes, slowest %d ms, problems %s; server fds %d at start, %d at the end%n",
                        canary.echoes(), canary.slowestMillis(), canary.problems(), baselineFds, server.openFileDescriptors());
                assertEquals(List.of(), canary.problems(), "the canary got every echo, in order");
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    @Order(1)
    void requestsTheEngineAnsweredBareGetDuplexsAnswer() throws Exception {
        int port = server.http("").getPort();
        String host = "localhost:" + port;
        Map<String, Expected> cases = new LinkedHashMap<>();
        cases.put("Sec-WebSocket-Version 8", new Expected(handshake("GET", "/echo", host, "8", "Upgrade", key()), 426, "Upgrade Required"));
        cases.put("POST handshake", new Expected(handshake("POST", "/echo", host, "13", "Upgrade", key()), 405, "Method Not Allowed"));
        cases.put("PUT handshake", new Expected(handshake("PUT", "/echo", host, "13", "Upgrade", key()), 405, "Method Not Allowed"));
        cases.put("no Connection: Upgrade", new Expected(handshake("GET", "/echo", host, "13", "keep-alive", key()), 400, "Malformed handshake"));
        cases.put("key that is not 16 bytes", new Expected(handshake("GET", "/echo", host, "13", "Upgrade", "x" + key()), 400,
                "Malformed handshake"));
        cases.put("no key", new Expected(handshake("GET", "/echo", host, "13", "Upgrade", null), 400, "Malformed handshake"));
        cases.put("handshake to /%zz", new Expected(handshake("GET", "/%zz", host, "13", "Upgrade", key()), 400, "Malformed URI"));
        cases.put("GET /%zz", new Expected(plain("GET", "/%zz", host), 400, "Malformed URI"));
        cases.put("GET /a%2", new Expected(plain("GET", "/a%2", host), 400, "Malformed URI"));
        cases.put("GET /a%00b", new Expected(plain("GET", "/a%00b", host), 400, "Malformed URI"));
        cases.put("GET /%2e%2e/WEB-INF/web.xml", new Expected(plain("GET", "/%2e%2e/WEB-INF/web.xml", host), 400, "Malformed URI"));
        cases.put("TRACE /", new Expected(plain("TRACE", "/", host), 405, "Method Not Allowed"));
        cases.put("foreign Origin", new Expected(handshake("GET", "/echo", host, "13", "Upgrade", key())
                .replace("\r\n\r\n", "\r\nOrigin: http://evil.example\r\n\r\n"), 403, "Origin not allowed"));
        cases.put("X-Duplex-Engine-Refusal sent by a client is ignored", new Expected(plain("GET", "/index.html", host)
                .replace("\r\n\r\n", "\r\nX-Duplex-Engine-Refusal: 400 Malformed URI\r\n\r\n"), 200, null));
        for (var c : cases.entrySet()) {
            Answer answer = exchange(port, false, c.getValue().request());
            assertAnswer(c.getKey(), c.getValue(), answer, false);
        }
        assertEquals("13", exchange(port, false, cases.get("Sec-WebSocket-Version 8").request()).header("Sec-WebSocket-Version"));
        assertEquals("GET", exchange(port, false, cases.get("POST handshake").request()).header("Allow"));

        int tls = server.https("").getPort();
        String tlsHost = "localhost:" + tls;
        assertAnswer("https handshake version 8", null, exchange(tls, true, handshake("GET", "/echo", tlsHost, "8", "Upgrade", key())), true);
        assertAnswer("https GET /%zz", null, exchange(tls, true, plain("GET", "/%zz", tlsHost)), true);
        assertTrue(server.output().lines().noneMatch(line -> line.contains("Illegal hex characters")),
                "no stack trace in the server log for /%zz");
        awaitFds();
    }

    @Test
    @Order(2)
    void everyCloseReasonIsDuplexsOwnText() throws Exception {
        assertEquals(new Close(1002, "Protocol error"), closeAfter(frame(0, 0xB, "x".getBytes())), "reserved opcode 0xB");
        assertEquals(new Close(1002, "Protocol error"), closeAfter(frame(0, 0x3, "x".getBytes())), "reserved opcode 0x3");
        assertEquals(new Close(1002, "Protocol error"), closeAfter(frame(0, RawWebSocket.CLOSE, new byte[] {3})), "one-byte close payload");
        assertEquals(new Close(1002, "Protocol error"), closeAfter(frame(0x20, RawWebSocket.TEXT, "x".getBytes())), "RSV2");
        assertEquals(new Close(1002, "Protocol error"), closeAfter(frame(0, RawWebSocket.CONTINUATION, "c".getBytes())),
                "continuation without a start");
        assertEquals(new Close(1002, "Protocol error"), closeAfter(closeFrame(1015, "")), "1015 may not be sent");
        assertEquals(new Close(1002, "Protocol error"), closeAfter(closeFrame(2999, "")), "unassigned code");
        assertEquals(new Close(1007, "Invalid UTF-8"), closeAfter(frame(0, RawWebSocket.TEXT, new byte[] {'a', (byte) 0xC3, 0x28})));
        assertEquals(new Close(1000, ""), closeAfter(closeFrame(1000, "bye <script>")), "the client's own reason is not echoed");
        assertEquals(new Close(4999, ""), closeAfter(closeFrame(4999, "private")));
        try (RawWebSocket raw = echo()) {
            try {
                raw.send(true, false, RawWebSocket.BINARY, new byte[17 * 1024 * 1024]);
            } catch (IOException e) {
                // the server may close while the frame is still being written
            }
            Frame close = raw.readUntilClose();
            assertEquals(new Close(1009, "Message too big: the limit is 16777216 bytes"), new Close(close.closeCode(), close.closeReason()),
                    "Duplex's own reasons stay");
        }
        awaitFds();
    }

    @Test
    @Order(3)
    void registeredCloseCodesGetANormalClosingHandshake() throws Exception {
        for (int code : new int[] {1012, 1013, 1014}) {
            assertEquals(new Close(1000, ""), closeAfter(closeFrame(code, "restarting")), String.valueOf(code));
        }
    }

    @Test
    @Order(4)
    void pingsAndPongsCountAgainstTheMessageRate() throws Exception {
        try (RawWebSocket raw = echo()) {
            int pings = RATE / 2;
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < pings; i++) {
                burst.writeBytes(frame(0, RawWebSocket.PING, new byte[] {(byte) i}));
            }
            raw.sendRaw(burst.toByteArray());
            raw.send(true, false, RawWebSocket.TEXT, "after the pings".getBytes(StandardCharsets.UTF_8));
            int pongs = 0;
            Frame frame;
            while ((frame = raw.read()).opcode() == RawWebSocket.PONG) {
                assertEquals(pongs, frame.payload()[0] & 0xFF, "each ping's own pong, in order");
                pongs++;
            }
            assertEquals(pings, pongs, "pings within the rate are answered");
            assertEquals("after the pings", frame.text());
        }
        for (int opcode : new int[] {RawWebSocket.PING, RawWebSocket.PONG}) {
            try (RawWebSocket raw = echo()) {
                int flood = RATE * 20;
                ByteArrayOutputStream burst = new ByteArrayOutputStream();
                for (int i = 0; i < flood; i++) {
                    burst.writeBytes(frame(0, opcode, new byte[] {'p'}));
                }
                try {
                    raw.sendRaw(burst.toByteArray());
                } catch (IOException e) {
                    // the server may close while the flood is still being written
                }
                int pongs = 0;
                Frame frame;
                while ((frame = raw.read()).opcode() == RawWebSocket.PONG) {
                    pongs++;
                }
                assertEquals(RawWebSocket.CLOSE, frame.opcode());
                assertEquals(new Close(1008, "Message rate over " + RATE + "/s"), new Close(frame.closeCode(), frame.closeReason()),
                        opcode == RawWebSocket.PING ? "ping flood" : "pong flood");
                assertTrue(pongs <= RATE + 1, pongs + " pongs: the flood past the rate is dropped, not answered");
                System.out.printf("%s flood of %d: %d pongs, then %d %s%n", opcode == RawWebSocket.PING ? "ping" : "pong", flood, pongs,
                        frame.closeCode(), frame.closeReason());
            }
        }
        awaitFds();
    }

    @Test
    @Order(5)
    void invisibleAndCombiningLookAlikeNicknamesAreRefused() throws Exception {
        try (WsClient ada = WsClient.connect(server.ws("chat"), "chat"); WsClient other = WsClient.connect(server.ws("chat"), "chat")) {
            ada.sendText("{\"type\":\"join\",\"room\":\"it-nicks\",\"nick\":\"ada\"}");
            assertTrue(next(ada, "welcome").contains("\"nick\":\"ada\""));
            for (String invisible : List.of("\u3164", "bob\u3164", "b\u200Bob", "\u115F\u1160")) {
                other.sendText("{\"type\":\"join\",\"room\":\"it-nicks\",\"nick\":\"" + invisible + "\"}");
                String error = next(other, "error");
                assertTrue(error.contains("\"code\":\"bad-nick\""), error);
            }
            other.sendText("{\"type\":\"join\",\"room\":\"it-nicks\",\"nick\":\"ada\u0307\"}");
            String taken = next(other, "error");
            assertTrue(taken.contains("\"code\":\"nick-taken\""), taken);
            other.sendText("{\"type\":\"join\",\"room\":\"it-nicks\",\"nick\":\"bob\"}");
            assertTrue(next(other, "welcome").contains("\"nick\":\"bob\""), "the session goes on");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private record Expected(String request, int status, String reason) {
    }

    private record Close(int code, String reason) {
    }

    private record Answer(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }
    }

    private static void assertAnswer(String what, Expected expected, Answer answer, boolean secure) {
        if (expected != null) {
            assertEquals(expected.status(), answer.status(), what);
            if (expected.reason() != null) {
                assertEquals(expected.status() + " " + expected.reason() + "\n", answer.body(), what);
            }
        } else {
            assertTrue(answer.status() >= 400, what + ": " + answer.status());
            assertTrue(answer.body().startsWith(answer.status() + " "), what + ": " + answer.body());
        }
        assertEquals(List.of("DENY"), answer.headers().get("x-frame-options"), what);
        assertEquals("nosniff", answer.header("X-Content-Type-Options"), what);
        assertEquals("no-referrer", answer.header("Referrer-Policy"), what);
        assertEquals("same-origin", answer.header("Cross-Origin-Opener-Policy"), what);
        assertTrue(String.valueOf(answer.header("Content-Security-Policy")).contains("frame-ancestors 'none'"), what);
        assertEquals(secure ? "max-age=31536000" : null, answer.header("Strict-Transport-Security"), what);
    }

    private static String key() {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    private static String handshake(String method, String target, String host, String version, String connection, String key) {
        return method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: " + connection + "\r\n"
                + (key == null ? "" : "Sec-WebSocket-Key: " + key + "\r\n") + "Sec-WebSocket-Version: " + version + "\r\n"
                + (method.equals("GET") ? "" : "Content-Length: 0\r\n") + "\r\n";
    }

    private static String plain(String method, String target, String host) {
        return method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    /** Sends a request over a fresh connection; reads the answer's status, headers and body (by length, or to the end). */
    private static Answer exchange(int port, boolean tls, String request) throws Exception {
        try (Socket socket = tls ? TrustAll.context().getSocketFactory().createSocket("localhost", port) : new Socket()) {
            if (!tls) {
                socket.connect(new InetSocketAddress("localhost", port), 10_000);
            }
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b == -1) {
                    throw new IOException("no whole answer: " + head.toString(StandardCharsets.ISO_8859_1));
                }
                head.write(b);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(lines[i].substring(colon + 1).trim());
                }
            }
            int status = Integer.parseInt(lines[0].substring(9, 12));
            List<String> length = headers.get("content-length");
            byte[] body;
            if (length != null) {
                body = in.readNBytes(Integer.parseInt(length.get(0)));
            } else if (headers.containsKey("transfer-encoding")) {
                body = dechunk(in);
            } else {
                body = in.readAllBytes();
            }
            return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
        }
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n' && c != -1; c = in.read()) {
                line.append((char) c);
            }
            int size = Integer.parseInt(line.toString().trim().split(";")[0], 16);
            if (size == 0) {
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(size));
            in.readNBytes(2);
        }
    }
    private static RawWebSocket echo() throws IOException {
        RawWebSocket raw = RawWebSocket.open(server.ws("echo"), Map.of());
        assertEquals(101, raw.response().status(), "handshake");
        return raw;
    }

    /** One masked client frame. */
    private static byte[] frame(int rsvBits, int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | rsvBits | opcode);
        out.write(0x80 | payload.length);
        byte[] mask = {11, 22, 33, 44};
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    private static byte[] closeFrame(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return frame(0, RawWebSocket.CLOSE, payload);
    }

    /** Sends {@code bytes} on a new /echo session and reads the server's close frame. */
    private static Close closeAfter(byte[] bytes) throws IOException {
        try (RawWebSocket raw = echo()) {
            raw.sendRaw(bytes);
            Frame close = raw.readUntilClose();
            return new Close(close.closeCode(), close.closeReason());
        }
    }

    private static String next(WsClient client, String type) throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            String text = client.nextText();
            if (text == null || text.contains("\"type\":\"" + type + "\"")) {
                return text;
            }
        }
        return null;
    }

    /** Waits until the server's descriptors are back within {@link #FD_SLACK} of the baseline. */
    private static void awaitFds() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int fds = server.openFileDescriptors();
        while (fds > baselineFds + FD_SLACK && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
            fds = server.openFileDescriptors();
        }
        assertTrue(fds <= baselineFds + FD_SLACK, "server fds " + fds + ", baseline " + baselineFds);
    }
}
