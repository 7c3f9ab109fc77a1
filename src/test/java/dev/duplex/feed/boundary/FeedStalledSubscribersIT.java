package dev.duplex.feed.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.feed.FeedClient;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.Update;
import dev.duplex.testing.PayaraMicroServer;
import dev.duplex.testing.RawWebSocket;
import dev.duplex.testing.SlowConsumers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients of {@code /feed} that stop reading, on a real Payara Micro (one instance: the local bus)
 * with the market and weather simulators at their default rates: four sessions subscribe to every
 * symbol and then read nothing, while one reader keeps getting every update in seq order and in
 * time; the server's live heap stays bounded, each stalled session is closed as a slow consumer
 * by the feed's keepalive, and the server's file descriptors come back.
 *
 * <p>It runs on the project's own {@link PayaraMicroServer} harness rather than the Arquillian
 * adapter (the feed's other cases are in {@link FeedIT}) because it needs what Arquillian does not
 * give: the server's pid, to read its live heap, its open file descriptors and, for a diagnosis, its
 * threads with {@code jcmd}; and a server configuration a WAR's config defaults cannot set, namely
 * {@code -Xmx1g}, a feed keepalive short enough to see the stalled sessions dropped within the test,
 * and platform keepalive pings off, so that it is the feed's own keepalive that finds them. It costs
 * one Payara start, like an Arquillian class.
 */
class FeedStalledSubscribersIT {

    private static final long MIB = 1024 * 1024;
    /** A keepalive short enough for a test to see a stalled session dropped. */
    private static final int KEEPALIVE_SECONDS = 8;

    private static PayaraMicroServer server;

    @BeforeAll
    static void start() throws Exception {
        server = PayaraMicroServer.start("feed", Map.of(
                "duplex.feed.keepalive-seconds", String.valueOf(KEEPALIVE_SECONDS),
                "duplex.feed.market.enabled", "true", "duplex.feed.weather.enabled", "true",
                "duplex.limits.max-sessions-per-address", "0",
                // no keepalive pings: the stalled sessions are to be found by the feed's own keepalive
                "duplex.keepalive.interval-seconds", "600"), false, List.of(), List.of("-Xmx1g"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static URI feed() {
        return server.ws("feed");
    }

    /** For a diagnosis of a late update: the server's threads, to target/servers/feed-threads.txt. */
    private static void dumpThreads() throws Exception {
        new ProcessBuilder("jcmd", String.valueOf(server.pid()), "Thread.print")
                .redirectOutput(java.nio.file.Path.of("target", "servers", "feed-threads.txt").toFile())
                .redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
    }

    @Test
    void clientsThatStopReadingNeitherSlowTheOthersNorGrowTheHeapAndAreDropped() throws Exception {
        int stalledCount = 4;
        URI base = server.http("");
        long closesBefore = SlowConsumers.closes(base);
        long baseline = server.liveHeapBytes();
        int fdsBefore = server.openFileDescriptors();
        List<RawWebSocket> stalled = new ArrayList<>();
        try (FeedClient reader = FeedClient.connect(feed(), "feed.json")) {
            reader.expect(FeedMessage.Hello.class);
            reader.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"stocks\"}");
            FeedMessage.Snapshot snapshot = reader.expect(FeedMessage.Snapshot.class);
            Map<String, Long> seq = new HashMap<>();
            snapshot.items().forEach(item -> seq.put(item.item(), item.seq()));

            for (int i = 0; i < stalledCount; i++) {
                RawWebSocket silent = RawWebSocket.open(feed(), Map.of("Sec-WebSocket-Protocol", "feed.json"));
                silent.setReceiveBuffer();
                // five subscriptions to every symbol under feed.json (the bigger encoding): the server's
                // socket buffer (Linux grows it up to 4 MiB) fills within seconds, then the write stalls
                for (int id = 1; id <= 5; id++) {
                    silent.send(true, false, RawWebSocket.TEXT,
                            ("{\"type\":\"subscribe\",\"id\":" + id + ",\"topic\":\"stocks\"}").getBytes(StandardCharsets.UTF_8));
                }
                silent.send(true, false, RawWebSocket.TEXT,
                        "{\"type\":\"subscribe\",\"id\":6,\"topic\":\"weather\"}".getBytes(StandardCharsets.UTF_8));
                stalled.add(silent);
            }

            // the reader keeps getting every symbol's updates, in order and in time, while the others stall
            long updates = 0;
            long conflated = 0;
            long worstDelayMicros = 0;
            long peakHeap = 0;
            long delaysCountFrom = System.nanoTime();
            List<Long> delays = new ArrayList<>();
            boolean dumped = false;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(KEEPALIVE_SECONDS + 80);
            long nextHeap = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() - end < 0 && SlowConsumers.closes(base) < closesBefore + stalledCount) {
                long sliceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (System.nanoTime() - sliceEnd < 0) {
                    FeedMessage.Updates message = reader.nextUpdates();
                    long now = FeedClient.now();
                    for (Update update : message.updates()) {
                        long previous = seq.get(update.item());
                        assertEquals(previous + 1 + update.conflated(), update.seq(), update.toString());
                        seq.put(update.item(), update.seq());
                        updates++;
                        conflated += update.conflated();
                        if (System.nanoTime() - delaysCountFrom > 0) {
                            worstDelayMicros = Math.max(worstDelayMicros, now - update.publishedMicros());
                            delays.add(now - update.publishedMicros());
                            if (now - update.publishedMicros() > 3_000_000 && !dumped) {
                                dumped = true;
                                dumpThreads();
                            }
                        }
                    }
                }
                if (System.nanoTime() - nextHeap > 0) {
                    // measured every few seconds while the stalled sessions are held; each measurement
                    // pauses the server for a full collection, so the next 2 s of delays are not counted
                    peakHeap = Math.max(peakHeap, server.liveHeapBytes());
                    nextHeap = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    delaysCountFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                }
            }
            long closes = SlowConsumers.closes(base) - closesBefore;
            delays.sort(null);
            long p99DelayMicros = delays.isEmpty() ? 0 : delays.get(delays.size() * 99 / 100);
            System.out.printf("FeedStalledSubscribersIT: %d stalled sessions; reader got %d updates (%d conflated), delay p99 %d ms, worst %d ms;"
                    + " live heap %d MiB before, %d MiB with the stalled sessions; %d closed as slow consumers%n",
                    stalledCount, updates, conflated, p99DelayMicros / 1000, worstDelayMicros / 1000, baseline / MIB, peakHeap / MIB, closes);
            assertEquals(stalledCount, closes, "every stalled session was closed as a slow consumer");
            assertTrue(updates > 10_000, "the reader kept getting updates: " + updates);
            // Never held up by a stalled session: a reader queued behind one would wait until the server
            // gives up on it (the keepalive, then the close timeout) and come out with its worst delay at
            // least that long. The delays' percentiles (printed above) are the machine's load as much as
            // the server's, so they are not asserted.
            assertTrue(worstDelayMicros < KEEPALIVE_SECONDS * 1_000_000L, "worst delay " + worstDelayMicros / 1000 + " ms");
            // Per stalled session: what Grizzly holds before a write counts as waiting (the engine capability
            // write-queue-limit, 256 KiB; Grizzly's own default let 10 MB per session pile up here), the
            // kernel's share aside, plus the feed's pending state and its one message in flight.
            assertTrue(peakHeap > 0 && peakHeap - baseline < stalledCount * 4 * MIB, "live heap bounded: " + baseline / MIB
                    + " MiB before, " + peakHeap / MIB + " MiB with " + stalledCount + " stalled sessions");
            // the server dropped their connections: its file descriptors come back (the close frame
            // cannot reach a client that reads nothing; the close timeout then drops the connection)
            long fdsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int fds = server.openFileDescriptors();
            while (fds > fdsBefore + 2 && System.nanoTime() - fdsDeadline < 0) {
                TimeUnit.MILLISECONDS.sleep(250);
                fds = server.openFileDescriptors();
            }
            System.out.printf("FeedStalledSubscribersIT: open fds %d before the stalled sessions, %d after their close%n", fdsBefore, fds);
            assertTrue(fds <= fdsBefore + 2, "the stalled connections were dropped: fds " + fdsBefore + " before, " + fds + " after");
        } finally {
            for (RawWebSocket silent : stalled) {
                silent.close();
            }
        }
    }
}
