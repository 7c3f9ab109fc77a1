package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Canary;
import dev.duplex.testing.PayaraMicroServer;
import dev.duplex.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a client can make the chat and image endpoints keep, on one real Payara Micro (issue 10,
 * items 4, 5 and 6): 10 000 rooms joined and left leave nothing behind once the grace period
 * (1 s here) is over, and JSON nested 1 100 levels deep gets an error reply on a connection that
 * stays usable, with a log that grows by a line, not by stack traces. A canary echoes on
 * {@code /echo} all along and must get every echo (within 1 s while the deep JSON arrives; the
 * churn test's heap measurements force full collections, which pause it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatChurnIT {

    private static final long MIB = 1024 * 1024;
    private static final int ROOMS = 10_000;
    private static final int CLIENTS = 8;
    private static final String DEEP = "[".repeat(1100) + "]".repeat(1100);

    private static PayaraMicroServer server;
    private static Canary canary;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        server = PayaraMicroServer.start("chat-churn", Map.of(
                "duplex.chat.empty-room-grace-seconds", "1",
                "duplex.chat.rate-per-second", "100000",
                "duplex.chat.rate-burst", "100000"), false);
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
    }

    @Test
    @Order(1)
    void tenThousandRoomsJoinedAndLeftAreFreedAfterTheGrace() throws Exception {
        churn("warm-up", 400);
        JsonObject warm = awaitNoRooms();
        long baseline = server.liveHeapBytes();

        long started = System.nanoTime();
        churn("room", ROOMS);
        long churnMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        JsonObject during = status();
        long heldHeap = server.liveHeapBytes();

        JsonObject after = awaitNoRooms();
        long heap = server.liveHeapBytes();
        for (int attempt = 0; attempt < 5 && heap - baseline >= 8 * MIB; attempt++) {
            heap = server.liveHeapBytes();
        }
        System.out.printf("ChatChurnIT: %d rooms churned in %d ms; kept rooms right after: %d; live heap baseline %d MiB, "
                + "right after the churn %d MiB, after the grace %d MiB; canary slowest %d ms%n", ROOMS, churnMillis,
                during.getInt("keptRooms"), baseline / MIB, heldHeap / MIB, heap / MIB, canary.slowestMillis());
        assertEquals(0, warm.getInt("rooms"));
        assertEquals(0, after.getInt("rooms"), after.toString());
        assertEquals(0, after.getInt("keptRooms"), after.toString());
        assertEquals(0, after.getInt("members"), after.toString());
        assertTrue(heap - baseline < 8 * MIB, "live heap back at baseline: " + baseline / MIB + " MiB before, "
                + heap / MIB + " MiB after");
        assertTrue(canary.problems().isEmpty(), "canary: " + canary.problems());
    }

    @Test
    @Order(2)
    void deepJsonGetsAnErrorTheConnectionStaysUsableAndTheLogBarelyGrows() throws Exception {
        long logBefore = server.output().getBytes(StandardCharsets.UTF_8).length;
        // Its own canary: the first test's heap measurements pause the server on purpose.
        try (Canary nearby = Canary.start(server.ws("echo"))) {
            sendDeepJson();
            assertTrue(nearby.problems().isEmpty(), "canary: " + nearby.problems());
            // every echo, in order, never closed; how fast is the machine's load as much as the server's
            System.out.printf("ChatChurnIT: canary slowest echo during the deep JSON %d ms%n", nearby.slowestMillis());
            assertTrue(nearby.echoes() > 0, "the canary got echoes");
        }
        long grown = server.output().getBytes(StandardCharsets.UTF_8).length - logBefore;
        System.out.printf("ChatChurnIT: 55 messages nested 1100 deep grew the log by %d bytes%n", grown);
        assertTrue(grown < 4096, "the log grew by " + grown + " bytes:\n" + server.tail());
        assertFalse(server.output().contains("StackOverflowError"), server.tail());
    }

    private static void sendDeepJson() throws Exception {
        try (WsClient image = WsClient.connect(server.ws("image"))) {
            for (int i = 0; i < 50; i++) {
                image.sendText(DEEP);
                JsonObject error = json(image.nextText());
                assertEquals("error", error.getString("type"), error.toString());
                assertEquals("bad-message", error.getString("code"), error.toString());
            }
            image.sendText("{\"type\":\"describe\"}");
            assertEquals("operations", json(image.nextText()).getString("type"), "the image connection still works");
            assertFalse(image.isClosed());
        }
        try (WsClient chat = WsClient.connect(server.ws("chat"), "chat")) {
            for (int i = 0; i < 5; i++) {
                chat.sendText(DEEP);
                JsonObject error = json(chat.nextText());
                assertEquals("error", error.getString("type"), error.toString());
                assertEquals("bad-json", error.getString("code"), error.toString());
            }
            chat.sendText("{\"type\":\"join\",\"room\":\"deep\",\"nick\":\"ada\"}");
            assertEquals("welcome", json(chat.nextText()).getString("type"), "the chat connection still works");
            assertFalse(chat.isClosed());
        }
    }

    /** Joins, says something in and leaves {@code count} distinct rooms over {@link #CLIENTS} connections. */
    private static void churn(String prefix, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    try (WsClient chat = WsClient.connect(server.ws("chat"), "chat")) {
                        for (int i = client; i < count; i += CLIENTS) {
                            String room = prefix + "-" + i;
                            chat.sendText("{\"type\":\"join\",\"room\":\"" + room + "\",\"nick\":\"n" + client + "\"}");
                            expect(chat, "welcome");
                            chat.sendText("{\"type\":\"say\",\"text\":\"hello " + room + "\"}");
                            expect(chat, "message");
                            chat.sendText("{\"type\":\"leave\"}");
                            expect(chat, "presence");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(240, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void expect(WsClient client, String type) throws InterruptedException {
        String text = client.nextText();
        assertNotNull(text, "no " + type + " within " + WsClient.TIMEOUT);
        assertEquals(type, json(text).getString("type"), text);
    }

    /** Waits (up to 30 s) until /chat-status shows no rooms here and no rooms kept. */
    private static JsonObject awaitNoRooms() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonObject status = status();
        while ((status.getInt("rooms") > 0 || status.getInt("keptRooms") > 0) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            status = status();
        }
        return status;
    }

    private static JsonObject status() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.http("chat-status")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    private static JsonObject json(String text) {
        assertNotNull(text, "no reply");
        return Json.createReader(new StringReader(text)).readObject();
    }
}
