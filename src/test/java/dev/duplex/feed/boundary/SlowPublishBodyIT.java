package dev.duplex.feed.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Canary;
import dev.duplex.testing.PayaraMicroServer;
import dev.duplex.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 16, item 3: publish bodies trickled in over many connections must not hold the server's
 * request threads. 200 connections with the publish token send their bodies slowly (half one byte
 * a second with a {@code Content-Length}, half chunked, 1000 bytes at once and then 1000 a step,
 * above the minimum rate but never ending) while a canary echoes on {@code /echo}, {@code /health/live} is polled and a publisher
 * publishes to a {@code /feed} subscriber. Each trickler must get 408 {@code request-timeout} with
 * {@code Connection: close} and then see its connection closed; no request thread may sit in the
 * publish servlet; the canary loses nothing, the health check always answers 200, the publisher
 * gets 202 and its subscriber the update; afterwards the server's file descriptors and threads are
 * back at their baseline. Before the change, 250 such connections held 200 of 202 request threads
 * in a blocking read, {@code /health/live} timed out and the canary lost echoes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlowPublishBodyIT {

    private static final String TOKEN = "it-slow-body-token-0123456789";
    private static final int TIMEOUT_SECONDS = 4;
    private static final int MIN_RATE = 100;
    private static final int PER_ADDRESS = 10;
    private static final int ADDRESSES = 20;
    /** Descriptors the server may hold on top of the baseline (pools, the canary, a jcmd). */
    private static final int FD_SLACK = 25;
    /**
     * Threads at work (all but idle pool workers) the server may have on top of the baseline; 200
     * were held in blocking reads before the change. The request pool keeps the idle workers it
     * grew under load (Payara's idle timeout is 15 minutes); they are counted apart.
     */
    private static final int THREAD_SLACK = 10;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int IDLE_TIMEOUT_SECONDS = 300;

    private static PayaraMicroServer server;
    private static Canary canary;

    @BeforeAll
    static void start() throws Exception {
        server = PayaraMicroServer.start("slow-publish-body", Map.of(
                "duplex.feed.publish-token", TOKEN,
                "duplex.proxies.trusted", "127.0.0.1",
                "duplex.http.body-timeout-seconds", String.valueOf(TIMEOUT_SECONDS),
                "duplex.http.min-body-rate-bytes", String.valueOf(MIN_RATE),
                "duplex.http.max-bodies-per-address", String.valueOf(PER_ADDRESS),
                "duplex.limits.max-sessions-per-address", "5000"), false,
                // Payara's idle timeout (30 s) far beyond the test's waits, so that only the
                // server's answer can have closed a trickler's connection
                List.of("set configs.config.server-config.network-config.protocols.protocol.http-listener.http.timeout-seconds="
                        + IDLE_TIMEOUT_SECONDS));
        canary = Canary.start(server.ws("echo"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (canary != null) {
                canary.close();
                assertEquals(List.of(), canary.problems(), "the canary got every echo, in order");
                System.out.printf("canary: %d echoes, slowest %d ms%n", canary.echoes(), canary.slowestMillis());
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** One connection that sends a publish request's body slowly, and what it got back. */
    private static final class Trickler {
        final Socket socket;
        final boolean chunked;
        final ByteArrayOutputStream answer = new ByteArrayOutputStream();
        boolean closed;

        Trickler(int port, String client, boolean chunked) throws IOException {
            this.chunked = chunked;
            socket = new Socket();
            socket.connect(new InetSocketAddress("localhost", port), 10_000);
            socket.setSoTimeout(1);
            String head = "POST /api/feed/it-trickle HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nX-Forwarded-For: " + client + "\r\n"
                    // chunked: a first chunk of 1000 bytes (Grizzly hands a chunked request to the servlet
                    // with its first chunk), enough for the rate until past the deadline
                    + (chunked ? "Transfer-Encoding: chunked\r\n\r\n3e8\r\n{" + " ".repeat(999) + "\r\n"
                            : "Content-Length: 1000\r\n\r\n{");
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }

        /**
         * One step of the attack (a byte, or a chunk above the minimum rate), then whatever the
         * server sent; the attacker goes on after the answer too, until the server closes.
         */
        void step() {
            drain();
            if (closed || (answer.size() > 0 && !text().endsWith("}"))) {
                return; // part of the answer is in: writing now could reset the connection under the rest
            }
            try {
                // chunked: 1000 bytes a step, far above the minimum rate even at one step in 5 s
                byte[] more = chunked ? ("3e8\r\n" + " ".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII)
                        : new byte[] {' '};
                socket.getOutputStream().write(more);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // the server closed its side; the answer may still be unread
            }
            drain();
        }

        void drain() {
            byte[] buffer = new byte[4096];
            try {
                while (true) {
                    int n = socket.getInputStream().read(buffer);
                    if (n < 0) {
                        closed = true;
                        return;
                    }
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // nothing more now
            } catch (IOException e) {
                closed = true; // reset after the answer
            }
        }

        String text() {
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    @Order(1)
    void tricklersGet408AndAreClosedWhileTheCanaryTheHealthCheckAndAPublisherGoOn() throws Exception {
        int port = server.http("").getPort();
        int baselineFds = settled(SlowPublishBodyIT::fds);
        int baselineThreads = settled(SlowPublishBodyIT::threads);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();

        AtomicBoolean polling = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> healthProblems = new ConcurrentLinkedQueue<>();
        AtomicLong healthAnswers = new AtomicLong();
        Thread health = new Thread(() -> {
            HttpRequest live = HttpRequest.newBuilder(server.http("health/live")).timeout(WAIT).build();
            while (polling.get()) {
                try {
                    int status = http.send(live, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status == 200) {
                        healthAnswers.incrementAndGet();
                    } else {
                        healthProblems.add("status " + status);
                    }
                    TimeUnit.MILLISECONDS.sleep(200); // the poller's pace
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    healthProblems.add(e.toString());
                }
            }
        }, "health-poller");
        health.setDaemon(true);
        health.start();

        List<Trickler> tricklers = new ArrayList<>();
        int peakFds;
        int threadsInServlet = 0;
        int peakThreads;
        try (WsClient subscriber = WsClient.connect(server.ws("feed"), "feed.json")) {
            assertEquals("hello", json(subscriber.nextText()).getString("type"));
            assertEquals(202, publish(http, "{\"updates\":[{\"item\":\"canary\",\"fields\":{\"n\":1}}]}").statusCode());
            subscriber.sendText("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"it-publisher\"}");
            JsonObject snapshot = json(subscriber.nextText());
            assertEquals("snapshot", snapshot.getString("type"), snapshot.toString());

            for (int i = 0; i < ADDRESSES * PER_ADDRESS; i++) {
                tricklers.add(new Trickler(port, "10.16.3." + (i % ADDRESSES + 1), i % 2 == 1));
            }
            peakFds = fds();
            peakThreads = threads();
            // one step a second, until every trickler has been answered and closed
            long deadline = System.nanoTime() + WAIT.toNanos();
            int published = 0;
            while (tricklers.stream().anyMatch(t -> !t.closed) && System.nanoTime() < deadline) {
                tricklers.forEach(Trickler::step);
                threadsInServlet = Math.max(threadsInServlet, threadsInABlockingBodyRead());
                peakFds = Math.max(peakFds, fds());
                peakThreads = Math.max(peakThreads, threads());
                if (published < 2) {
                    // meanwhile a publisher goes on: 202, and the subscriber gets the change
                    published++;
                    HttpResponse<String> accepted = publish(http, "{\"updates\":[{\"item\":\"canary\",\"fields\":{\"n\":"
                            + (published + 1) + "}}]}");
                    assertEquals(202, accepted.statusCode(), accepted.body());
                    JsonObject update = json(subscriber.nextText());
                    assertEquals("updates", update.getString("type"), update.toString());
                    assertEquals(published + 1, update.getJsonArray("updates").getJsonObject(0).getJsonObject("fields").getInt("n"));
                }
                TimeUnit.SECONDS.sleep(1); // the attacker's pace, not a wait for the server
            }
        } finally {
            polling.set(false);
            health.join(WAIT.toMillis());
            for (Trickler trickler : tricklers) {
                trickler.socket.close();
            }
        }

        for (Trickler trickler : tricklers) {
            String answer = trickler.text();
            assertTrue(trickler.closed, "the server closed the connection after: " + answer);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
            JsonObject error = json(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertEquals("request-timeout", error.getString("error"));
            assertEquals(trickler.chunked ? "The body did not arrive within " + TIMEOUT_SECONDS + " s"
                    : "The body arrived slower than " + MIN_RATE + " bytes per second", error.getString("message"));
        }
        assertEquals(0, threadsInServlet, "request threads held in a blocking read of a body");
        assertEquals(List.of(), List.copyOf(healthProblems), "/health/live answered 200 throughout");
        assertTrue(healthAnswers.get() > 0, "the health check was polled");
        assertEquals(List.of(), canary.problems(), "the canary got every echo, in order");
        int fdsAfter = awaitAtMost(SlowPublishBodyIT::fds, baselineFds + FD_SLACK, "server fds, baseline " + baselineFds);
        int threadsAfter = awaitAtMost(SlowPublishBodyIT::threads, baselineThreads + THREAD_SLACK,
                "server threads, baseline " + baselineThreads);
        System.out.printf("%d trickled publish bodies: all 408 and closed; server fds %d before, %d peak, %d after; "
                + "threads at work %d before, %d peak, %d after; %d health answers; canary %d echoes, slowest %d ms%n",
                tricklers.size(), baselineFds, peakFds, fdsAfter, baselineThreads, peakThreads, threadsAfter,
                healthAnswers.get(), canary.echoes(), canary.slowestMillis());
        assertTrue(status().contains("\"body timeout\":"), "counted in /api/status");
    }

    @Test
    @Order(2)
    void moreBodiesFromOneAddressThanItsShareGet429WithRetryAfterAndAreClosed() throws Exception {
        int port = server.http("").getPort();
        // one more body than the address's share, opened at once (well within the 1 s before the
        // first ones could fail their rate); a few attempts, each from a fresh address, in case a
        // busy machine spreads the openings
        Trickler refused = null;
        List<Trickler> opened = new ArrayList<>();
        try {
            for (int attempt = 1; attempt <= 5 && refused == null; attempt++) {
                List<Trickler> burst = new ArrayList<>();
                for (int i = 0; i <= PER_ADDRESS; i++) {
                    burst.add(new Trickler(port, "10.16.4." + attempt, true));
                }
                opened.addAll(burst);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (burst.stream().anyMatch(t -> t.answer.size() == 0 && !t.closed) && System.nanoTime() < deadline) {
                    burst.forEach(Trickler::drain);
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                refused = burst.stream().filter(t -> t.text().startsWith("HTTP/1.1 429 ")).findFirst().orElse(null);
            }
            assertNotNull(refused, "one body more than an address's share is refused");
            String answer = refused.text();
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nretry-after: 1\r\n"), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
            assertEquals("too-many-requests", json(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getString("error"));
            long closeBy = System.nanoTime() + WAIT.toNanos();
            while (!refused.closed && System.nanoTime() < closeBy) {
                refused.step();
                TimeUnit.MILLISECONDS.sleep(250); // the attacker's pace
            }
            assertTrue(refused.closed, "the refused connection is closed");
        } finally {
            for (Trickler trickler : opened) {
                trickler.socket.close();
            }
        }
        assertTrue(status().contains("\"bodies in flight\":"), "counted in /api/status");
    }

    private static HttpResponse<String> publish(HttpClient http, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(server.http("api/feed/it-publisher")).timeout(WAIT)
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .header("X-Forwarded-For", "10.16.9.9").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String status() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.http("api/status")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static JsonObject json(String text) {
        assertNotNull(text, "a message within " + WsClient.TIMEOUT);
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static int fds() {
        try {
            return server.openFileDescriptors();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The server's threads, idle pool workers (waiting for a task) left out. */
    private static int threads() {
        int count = 0;
        for (String thread : threadDump().split("\n\n")) {
            if (thread.startsWith("\"") && !thread.contains("SyncThreadWorker.getTask") && !thread.contains("ThreadPoolExecutor.getTask")) {
                count++;
            }
        }
        return count;
    }

    /**
     * Request threads waiting in a blocking read of a request body (Grizzly's
     * {@code InputBuffer.blockingRead}, under {@code FeedPublishServlet.service} before the change).
     */
    private static int threadsInABlockingBodyRead() {
        int count = 0;
        for (String thread : threadDump().split("\n\n")) {
            if (thread.contains("InputBuffer.blockingRead")) {
                count++;
            }
        }
        return count;
    }

    private static String threadDump() {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(server.pid()), "Thread.print").redirectErrorStream(true).start();
            byte[] out;
            try (InputStream in = jcmd.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                throw new AssertionError("jcmd Thread.print failed: " + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A figure once it has stopped changing (pools settle after start). */
    private static int settled(IntSupplier value) throws InterruptedException {
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

    /** Waits until {@code value} is at most {@code limit}; fails with {@code what} otherwise. */
    private static int awaitAtMost(IntSupplier value, int limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int now = value.getAsInt();
        while (now > limit && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(250);
            now = value.getAsInt();
        }
        assertTrue(now <= limit, what + ": " + now + " > " + limit);
        return now;
    }
}
