package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.duplex.testing.ApiStatus;
import dev.duplex.testing.Canary;
import dev.duplex.testing.PayaraMicroServer;
import dev.duplex.testing.RawWebSocket;
import dev.duplex.testing.SlowConsumers;
import dev.duplex.testing.WsClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The engine adapter on the pinned Payara Micro: every capability Duplex takes from Tyrus/Grizzly
 * internals works (so an upgrade that breaks one fails here, by name), and an upgraded connection
 * that never becomes a session is closed. Its own server, because the second test needs a short
 * upgrade grace period and the malformed-URI refusal of the handshake filter switched off, so that
 * Tyrus itself fails after the upgrade.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EngineIT {

    /**
     * Every capability the pinned engine must give. Capabilities added by other parts (for example
     * {@code read-guard}, {@code bounded-deflate}) belong in this list as well.
     */
    private static final List<String> EXPECTED = List.of(Engine.SESSION_TIMERS, Engine.CONNECTION_ABORT,
            Engine.RAW_FRAMES, Engine.REMOTE_ADDRESS, Engine.UPGRADE_REAPER, Engine.WRITE_QUEUE, Engine.READ_GUARD,
            Engine.BOUNDED_DEFLATE, Engine.HEADER_TIMEOUT, Engine.ENGINE_ERROR_FRAMING, Engine.CLOSE_REASONS,
            Engine.WORKER_QUEUE, Engine.HANDSHAKE_WAIT);

    /** A handshake Tyrus answers with 101 and then fails on (its query has a bad escape). */
    private static final String MALFORMED = "/echo?%zz";
    private static final int UPGRADES = 2000;
    private static final int AT_ONCE = 250;
    private static final int GRACE_SECONDS = 2;
    /** The write queue bound (the default): a message over 4 x this is what Grizzly 5's hard limit refused. */
    private static final int WRITE_QUEUE_BYTES = 262_144;
    /** What an outbox may hold for a client that does not read, small here so that the test ends soon. */
    private static final int MAX_QUEUED_BYTES = 4 * 1024 * 1024;

    private static PayaraMicroServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        server = PayaraMicroServer.start("engine", Map.of(
                "duplex.limits.upgrade-grace-seconds", String.valueOf(GRACE_SECONDS),
                // a batch of failed upgrades from one address stays pending until reaped: room for a whole batch
                "duplex.limits.max-pending-upgrades-per-address", String.valueOf(2 * AT_ONCE),
                "duplex.limits.write-queue-bytes", String.valueOf(WRITE_QUEUE_BYTES),
                "duplex.limits.max-queued-bytes", String.valueOf(MAX_QUEUED_BYTES),
                // only here: lets the malformed query reach Tyrus, which must fail after the upgrade
                "duplex.handshake.check-request-target", "false"), false);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The capabilities in {@code engine} that are not active, with their state and detail ({@code connection-abort} may be untested). */
    private static Map<String, String> notActive(JsonObject engine) {
        JsonObject capabilities = engine.getJsonObject("capabilities");
        Map<String, String> notActive = new TreeMap<>();
        for (String name : EXPECTED) {
            JsonObject capability = capabilities.getJsonObject(name);
            if (capability == null) {
                notActive.put(name, "not reported");
            } else if (!"active".equals(capability.getString("state"))) {
                notActive.put(name, capability.getString("state") + ": " + capability.getString("detail"));
            }
        }
        capabilities.forEach((name, value) -> {
            JsonObject capability = value.asJsonObject();
            if (Engine.CONNECTION_ABORT.equals(name) && "untested".equals(capability.getString("state"))) {
                notActive.remove(name);
            } else if (!"active".equals(capability.getString("state"))) {
                notActive.putIfAbsent(name, capability.getString("state") + ": " + capability.getString("detail"));
            }
        });
        return notActive;
    }

    @Test
    @Order(2)
    void everyEngineCapabilityIsActiveOnThePinnedPayara() throws Exception {
        try (WsClient echo = WsClient.connect(server.ws("echo")); WsClient chat = WsClient.connect(server.ws("chat"), "chat")) {
            echo.sendText("proves the session capabilities");
            assertEquals("proves the session capabilities", echo.nextText());
            assertEquals("chat", chat.subprotocol());
            // raw-frames is proven only by a pre-encoded write completing: a chat message goes out through one
            chat.sendText("{\"type\":\"join\",\"room\":\"engine-it\",\"nick\":\"engine\"}");
            chat.sendText("{\"type\":\"say\",\"text\":\"proves raw frames\"}");
            String said;
            do {
                said = chat.nextText();
                assertTrue(said != null, "the chat message came back");
            } while (!said.contains("proves raw frames"));
            // write-queue-limit is proven only by a message larger than the bound going out whole;
            // this one is also over Grizzly 5's hard limit (4 x the bound), which dropped it before
            byte[] large = new byte[3 * 1024 * 1024 + 17];
            ThreadLocalRandom.current().nextBytes(large);
            echo.sendBinary(large);
            assertArrayEquals(large, echo.nextBinary(), "a 3 MiB message comes back whole");
            // connection-abort is proven by a connection seen dropped, which may not have happened yet
            // (the engine itself may have closed the silent client's); the reaper test proves it

            // Some proofs come a moment after the traffic that makes them (header-timeout's watch
            // reads a connection's request state on its own schedule): wait for them, up to a minute.
            JsonObject engine = status().getJsonObject("engine");
            Map<String, String> notActive = notActive(engine);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!notActive.isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(200);
                engine = status().getJsonObject("engine");
                notActive = notActive(engine);
            }
            assertEquals("Tyrus", engine.getString("name"));
            String version = engine.getString("version");
            assertTrue(version.startsWith("2.1.") || version.startsWith("2.2."), version);
            if (!notActive.isEmpty()) {
                fail("engine capabilities not active on " + engine.getString("name") + " " + engine.getString("version")
                        + ": " + notActive);
            }
            String log = server.output();
            for (String name : EXPECTED) {
                // the start-up report, or the line of a capability registered after it (header-timeout)
                assertTrue(log.contains("Engine capability " + name + ": ") || log.contains("Engine capability " + name + " is "),
                        "start-up line for " + name);
            }
        }
    }

    /**
     * The write queue bound holds for a client that stops reading: large echoes to it stop
     * completing at the bound (so they wait in the outbox, which closes the client as a slow
     * consumer), and every completed send found Grizzly holding no more than the bound plus one
     * message, or the capability would have turned inactive. Meanwhile a canary gets every echo.
     */
    @Test
    @Order(1)
    void aClientThatStopsReadingIsHeldAtTheWriteQueueBound() throws Exception {
        URI base = server.http("");
        long closesBefore = SlowConsumers.closes(base);
        byte[] message = new byte[1024 * 1024 + 3];
        ThreadLocalRandom.current().nextBytes(message);
        Canary canary = Canary.start(server.ws("echo"));
        try (RawWebSocket silent = RawWebSocket.open(server.ws("echo"), Map.of())) {
            assertEquals(101, silent.response().status());
            silent.setReceiveBuffer();
            int sent = 0;
            try {
                // TCP buffers (a few MB), the bound and the outbox's 4 MiB fill long before 48 MiB
                for (; sent < 48; sent++) {
                    silent.send(true, false, RawWebSocket.BINARY, message);
                }
            } catch (IOException dropped) {
                // closed and dropped while still sending: what the server said is checked below
            }
            SlowConsumers.assertClosed(silent, base, closesBefore, "after " + sent + " messages of " + message.length + " bytes");
        } finally {
            canary.close();
        }
        assertEquals(List.of(), canary.problems());
        assertTrue(canary.echoes() > 0, "the canary got echoes");
        JsonObject capability = status().getJsonObject("engine").getJsonObject("capabilities").getJsonObject(Engine.WRITE_QUEUE);
        assertEquals("active", capability.getString("state"), capability.getString("detail"));
    }

    /**
     * Issue 10, item 2: 2 000 handshakes that Tyrus upgrades (101) and then fails on. Each
     * connection is closed by the server within the grace period plus a sweep, the server's file
     * descriptors come back to where they were, and a canary on another connection keeps getting
     * its echoes throughout.
     */
    @Test
    @Order(3)
    void upgradedConnectionsThatNeverBecomeSessionsAreClosed() throws Exception {
        int baseline = settledDescriptors();
        int peak = baseline;
        Canary canary = Canary.start(server.ws("echo"));
        try {
            for (int done = 0; done < UPGRADES; done += AT_ONCE) {
                List<Socket> batch = new ArrayList<>();
                try {
                    for (int i = 0; i < AT_ONCE; i++) {
                        Socket socket = upgrade(MALFORMED);
                        batch.add(socket);
                    }
                    peak = Math.max(peak, server.openFileDescriptors());
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS + 30);
                    for (Socket socket : batch) {
                        assertTrue(closedByServer(socket, deadline), "an upgraded connection without a session stayed open");
                    }
                } finally {
                    for (Socket socket : batch) {
                        socket.close();
                    }
                }
            }
        } finally {
            canary.close();
        }
        // What the reaper promises the bystander: every echo, in order, never refused or closed (the
        // canary records a missing, wrong or later-than-20-s echo as a problem). How fast the echoes
        // came back depends on the machine's load, so it is printed, not asserted.
        assertEquals(List.of(), canary.problems());
        assertTrue(canary.echoes() > 0, "the canary got echoes");
        int after = settledDescriptors();
        System.out.printf("EngineIT: %d malformed upgrades: server fds %d before, peak %d, %d after; slowest canary echo %d ms%n",
                UPGRADES, baseline, peak, after, canary.slowestMillis());
        assertTrue(after <= baseline + 20, "server file descriptors: " + baseline + " before, " + after + " after");
        assertTrue(status().getJsonObject("engine").getJsonObject("upgrades").getInt("reaped") >= UPGRADES);
        // the reaper drops open upgraded connections through connection-abort, which checks each
        // drop: seen closed after it, or the capability turns inactive
        assertEquals("active", capabilityState(Engine.CONNECTION_ABORT), "connection-abort after reaping open connections");
    }

    /** Sends a WebSocket handshake for {@code target} on a new socket and checks that it was upgraded. */
    private static Socket upgrade(String target) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.ws("").getPort()), 10_000);
        socket.setSoTimeout(20_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET " + target + " HTTP/1.1\r\nHost: localhost:" + server.ws("").getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket.getInputStream());
        if (!head.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new AssertionError("the handshake for " + target + " was not upgraded (is the handshake filter's"
                    + " malformed-URI check switched off by its config key?): " + head.lines().findFirst().orElse(""));
        }
        return socket;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    /** Whether the server closes the connection (end of stream or reset) before {@code deadline}. */
    private static boolean closedByServer(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            try {
                if (in.read() == -1) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset by the server
            }
        }
        return false;
    }

    /** The server's open descriptors once two readings a second apart agree within 5 (connections linger briefly). */
    private static int settledDescriptors() throws Exception {
        int previous = server.openFileDescriptors();
        for (int i = 0; i < 60; i++) {
            TimeUnit.SECONDS.sleep(1);
            int now = server.openFileDescriptors();
            if (Math.abs(now - previous) <= 5) {
                return now;
            }
            previous = now;
        }
        throw new AssertionError("the server's file descriptors did not settle: " + previous);
    }

    private static String capabilityState(String name) {
        try {
            JsonObject capability = status().getJsonObject("engine").getJsonObject("capabilities").getJsonObject(name);
            return capability == null ? "absent" : capability.getString("state");
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static JsonObject status() throws Exception {
        return ApiStatus.read(server.http("api/status"));
    }
}
