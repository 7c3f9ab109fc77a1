package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Canary;
import dev.duplex.testing.Conditions;
import dev.duplex.testing.PayaraMicroServer;
import dev.duplex.testing.WsClient;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attack of issue 16, item 2, at CI scale: connections whose frame headers announce 16 MiB and
 * whose payload then trickles in a byte at a time. The read guard charges what arrived, not what
 * was announced, so the tricklers hold a few bytes of the memory budget, not 16 MiB each: a canary
 * on another connection gets every echo in order, a bystander joins {@code /chat} and gets the
 * {@code /feed} hello, and a slow but steady client above the minimum data rate gets its message
 * echoed. The tricklers fall under the minimum data rate and are closed with 1008
 * {@code Too slow: under 1024 bytes/s} by the sweep (even though they keep sending, too little).
 * Afterwards the budget is back at 0 and the server's file descriptors at their baseline. The
 * budget is 64 MiB, so that on a server that reserved announced lengths four tricklers would hold
 * all of it. Runs its own Payara Micro process, because it reads the server's descriptors.
 */
class TrickleIT {

    private static final int TRICKLERS = 6;
    private static final long ANNOUNCED = 16L * 1024 * 1024;
    private static final int MIN_RATE = 1024;
    private static final int GRACE_SECONDS = 4;
    private static final String TOO_SLOW = "close 1008 Too slow: under " + MIN_RATE + " bytes/s";
    private static final long MIB = 1024 * 1024;

    private static PayaraMicroServer server;
    private static int baselineFds;
    private static long baselineHeap;

    @BeforeAll
    static void start() throws Exception {
        server = PayaraMicroServer.start("trickle", Map.of(
                "duplex.memory.budget-bytes", String.valueOf(64 * MIB),
                "duplex.memory.endpoint-share", "1.0",
                "duplex.memory.address-share", "1.0",
                "duplex.limits.min-data-rate-bytes", String.valueOf(MIN_RATE),
                "duplex.limits.min-data-rate-grace-seconds", String.valueOf(GRACE_SECONDS),
                "duplex.limits.max-sessions-per-address", "0",
                "duplex.keepalive.interval-seconds", "600"), false, List.of(), List.of("-Xmx1g"));
        try (MemoryBudgetIT.Raw warm = MemoryBudgetIT.Raw.open(server.ws("echo"))) {
            warm.sendBinary(new byte[1000], 1000);
            assertEquals("echo", warm.outcome(new byte[1000], 1000));
        }
        baselineHeap = server.liveHeapBytes();
        baselineFds = server.openFileDescriptors();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void tricklersHoldOnlyWhatArrivedAndAreClosedUnderTheMinimumRateWhileEveryoneElseIsServed() throws Exception {
        List<MemoryBudgetIT.Raw> tricklers = new ArrayList<>();
        List<CompletableFuture<String>> outcomes = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch trickling = new CountDownLatch(TRICKLERS);
        long usedWhileTrickling;
        long heapWhileTrickling;
        String chat;
        String feed;
        String steady;
        List<String> canaryProblems;
        long canaryEchoes;
        try (Canary canary = Canary.start(server.ws("echo"))) {
            for (int i = 0; i < TRICKLERS; i++) {
                MemoryBudgetIT.Raw client = MemoryBudgetIT.Raw.open(server.ws("echo"));
                tricklers.add(client);
                Thread writer = new Thread(() -> trickle(client, stop, trickling), "trickle-writer");
                writer.setDaemon(true);
                writer.start();
                CompletableFuture<String> outcome = new CompletableFuture<>();
                Thread reader = new Thread(() -> outcome.complete(client.outcome(new byte[0], ANNOUNCED)), "trickle-reader");
                reader.setDaemon(true);
                reader.start();
                outcomes.add(outcome);
            }
            assertTrue(trickling.await(60, TimeUnit.SECONDS), "every trickler sent its header and its first bytes");
            usedWhileTrickling = server.statusFigure("usedBytes");
            heapWhileTrickling = server.statusFigure("heapUsedBytes");

            CompletableFuture<String> steadyOutcome = CompletableFuture.supplyAsync(TrickleIT::steadyClient);
            chat = bystander(server.ws("chat"), "chat", "{\"type\":\"join\",\"room\":\"trickle\",\"nick\":\"bystander\"}", "welcome");
            feed = bystander(server.ws("feed"), "feed.json", null, "hello");
            steady = steadyOutcome.get(120, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (CompletableFuture<String> outcome : outcomes) {
                try {
                    outcome.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    outcome.complete("no answer in 60 s");
                }
            }
            canaryEchoes = canary.echoes();
            canary.close();
            canaryProblems = canary.problems();
        } finally {
            stop.set(true);
            for (MemoryBudgetIT.Raw client : tricklers) {
                client.close();
            }
        }
        List<String> results = outcomes.stream().map(CompletableFuture::join).toList();
        System.out.printf("TrickleIT: tricklers %s; budget used while %d trickled %d bytes; heap used then %d MiB;"
                + " chat join %s; feed %s; steady client %s; canary %d echoes, problems %s%n", results, TRICKLERS,
                usedWhileTrickling, heapWhileTrickling / MIB, chat, feed, steady, canaryEchoes, canaryProblems);

        assertEquals(List.of(), canaryProblems, "the canary gets every echo, in order, never 1013");
        assertEquals("ok", chat, "a bystander joins /chat");
        assertEquals("ok", feed, "a bystander gets the /feed hello");
        assertTrue(usedWhileTrickling >= 0 && usedWhileTrickling < MIB,
                "the tricklers hold what arrived, not 16 MiB each: " + usedWhileTrickling + " bytes");
        assertEquals("echo", steady, "a slow but steady client above the minimum rate gets its message back");
        assertEquals(java.util.Collections.nCopies(TRICKLERS, TOO_SLOW), results);

        Conditions.await(() -> server.statusFigure("usedBytes") == 0 && server.statusFigure("sessions") == 0, 60, "budget and sessions back to 0: " + server.status());
        Conditions.await(() -> server.fds() <= baselineFds + 5, 60, "open fds " + server.fds() + ", baseline " + baselineFds);
        long heap = server.liveHeapBytes();
        System.out.printf("TrickleIT: after: open fds %d (baseline %d), live heap %d MiB (baseline %d MiB)%n", server.fds(), baselineFds,
                heap / MIB, baselineHeap / MIB);
        assertTrue(server.status().contains("\"too slow\":" + TRICKLERS), server.status());
    }

    /** Sends a header announcing 16 MiB and 8 bytes, then a byte every 250 ms (4 bytes/s), until closed, told to stop, or 40 s are over. */
    private static void trickle(MemoryBudgetIT.Raw client, AtomicBoolean stop, CountDownLatch trickling) {
        byte[] one = {7};
        try {
            client.sendHeader(ANNOUNCED);
            for (int i = 0; i < 8; i++) {
                client.sendPayload(one, 1);
            }
            trickling.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!stop.get() && System.nanoTime() < deadline) {
                Thread.sleep(250);
                client.sendPayload(one, 1);
            }
        } catch (IOException e) {
            // closed by the server
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A client that sends one 48 KiB message at 4 KiB/s (four times the minimum rate, for three
     * grace windows), catching up after any pause of its own, and returns what came back.
     */
    private static String steadyClient() {
        int size = 48 * 1024;
        int perSecond = 4 * 1024;
        byte[] payload = new byte[size];
        new Random(16).nextBytes(payload);
        try (MemoryBudgetIT.Raw client = MemoryBudgetIT.Raw.open(server.ws("echo"))) {
            client.sendHeader(size);
            long start = System.nanoTime();
            int sent = 0;
            while (sent < size) {
                long due = Math.min(size, (System.nanoTime() - start) * perSecond / 1_000_000_000L + 256);
                if (due > sent) {
                    client.sendPayload(java.util.Arrays.copyOfRange(payload, sent, (int) due), (int) due - sent);
                    sent = (int) due;
                }
                Thread.sleep(100);
            }
            return client.outcome(payload, size);
        } catch (IOException e) {
            return "failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** "ok" when the first message is of the expected type, else what happened instead. */
    private static String bystander(URI uri, String subprotocol, String first, String expectedType) {
        try (WsClient client = WsClient.connect(uri, subprotocol)) {
            if (first != null) {
                client.sendText(first);
            }
            String reply = client.nextText();
            if (reply != null && reply.contains("\"type\":\"" + expectedType + "\"")) {
                return "ok";
            }
            return "got " + reply + (client.isClosed() ? ", closed " + client.awaitClose() : "");
        } catch (Exception e) {
            return "failed: " + e;
        }
    }
}
