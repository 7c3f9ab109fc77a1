package dev.duplex.game.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay's smart batching on real executors: order per destination, nothing lost, bounds, the batch format. */
class RelayBatcherTest {

    private static final long WAIT_SECONDS = 60;

    private final List<ExecutorService> executors = new ArrayList<>();

    @AfterEach
    void shutDown() {
        executors.forEach(ExecutorService::shutdownNow);
    }

    private ExecutorService pool(int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        executors.add(pool);
        return pool;
    }

    /** Waits until the executor ran every flush (its counters then include the last batch). */
    private static void drained(ExecutorService relay) throws InterruptedException {
        relay.shutdown();
        assertTrue(relay.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS), "flushes still running after " + WAIT_SECONDS + " s");
    }

    /** A published batch: its destination, its bytes and its messages. */
    private record Batch(String destination, byte[] bytes, List<String> messages) {
    }

    private static List<String> messages(byte[] batch) {
        List<String> out = new ArrayList<>();
        RelayBatcher.unpack(batch, m -> out.add(new String(m, StandardCharsets.UTF_8)));
        return out;
    }

    private static byte[] bytes(String message) {
        return message.getBytes(StandardCharsets.UTF_8);
    }

    /** A publisher that records every batch and holds the first one until {@link #release}. */
    private static final class HeldPublisher implements BiConsumer<String, byte[]> {
        final BlockingQueue<Batch> published = new LinkedBlockingQueue<>();
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public void accept(String destination, byte[] batch) {
            if (calls.getAndIncrement() == 0) {
                holding.countDown();
                try {
                    assertTrue(release.await(WAIT_SECONDS, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            published.add(new Batch(destination, batch, messages(batch)));
        }

        List<String> next() throws InterruptedException {
            Batch batch = published.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(batch != null, "no batch within " + WAIT_SECONDS + " s");
            return batch.messages();
        }
    }

    @Test
    void whatPilesUpWhileABatchIsPublishedGoesOutAsTheNextBatchInOrder() throws Exception {
        HeldPublisher publisher = new HeldPublisher();
        ExecutorService relay = pool(2);
        RelayBatcher batcher = new RelayBatcher(relay, publisher);
        batcher.offer("a", bytes("m0"));
        assertTrue(publisher.holding.await(WAIT_SECONDS, TimeUnit.SECONDS), "a lone message is flushed at once");
        for (int i = 1; i <= 9; i++) {
            batcher.offer("a", bytes("m" + i));
        }
        publisher.release.countDown();
        assertEquals(List.of("m0"), publisher.next());
        assertEquals(List.of("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"), publisher.next());
        drained(relay);
        assertEquals(2, batcher.batches());
        assertEquals(10, batcher.messages());
    }

    @Test
    void concurrentOffersToSeveralDestinationsArriveAllAndInOrderOneFlushPerDestinationAtATime() throws Exception {
        int threads = 4;
        int each = 3000;
        List<String> destinations = List.of("a", "b", "c");
        Map<String, List<String>> received = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger oversized = new AtomicInteger();
        Semaphore arrived = new Semaphore(0);
        int maxBytes = 256;
        int maxMessages = 16;
        ExecutorService relay = pool(3);
        RelayBatcher batcher = new RelayBatcher(relay, (destination, batch) -> {
            AtomicInteger flights = inFlight.computeIfAbsent(destination, d -> new AtomicInteger());
            if (flights.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            List<String> messages = messages(batch);
            if (messages.size() > 1 && (batch.length > maxBytes || messages.size() > maxMessages)) {
                oversized.incrementAndGet();
            }
            received.computeIfAbsent(destination, d -> Collections.synchronizedList(new ArrayList<>())).addAll(messages);
            flights.decrementAndGet();
            arrived.release(messages.size());
        }, maxBytes, maxMessages);
        ExecutorService senders = pool(threads);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            senders.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    batcher.offer(destinations.get(i % destinations.size()), bytes(thread + ":" + i));
                }
            });
        }
        start.countDown();
        assertTrue(arrived.tryAcquire(threads * each, WAIT_SECONDS, TimeUnit.SECONDS),
                "every message published; got " + arrived.availablePermits());
        drained(relay);
        assertEquals(0, overlaps.get(), "two flushes of one destination ran at once");
        assertEquals(0, oversized.get(), "batches over the bound");
        assertEquals(threads * each, batcher.messages());
        for (String destination : destinations) {
            int[] last = new int[threads];
            java.util.Arrays.fill(last, -1);
            for (String message : received.get(destination)) {
                String[] parts = message.split(":");
                int thread = Integer.parseInt(parts[0]);
                int i = Integer.parseInt(parts[1]);
                assertEquals(destination, destinations.get(i % destinations.size()), message + " went to " + destination);
                assertTrue(i > last[thread], destination + ": " + message + " after " + thread + ":" + last[thread]);
                last[thread] = i;
            }
            for (int thread = 0; thread < threads; thread++) {
                int expectedLast = each - 1 - ((each - 1 - destinations.indexOf(destination)) % destinations.size());
                assertEquals(expectedLast, last[thread], destination + ": thread " + thread + "'s last message");
            }
        }
    }

    @Test
    void aBatchStaysWithinItsBoundsAndAMessageAboveThemGoesAlone() throws Exception {
        HeldPublisher publisher = new HeldPublisher();
        // room for three 10-byte messages (3 × (4 + 10) = 42 bytes), at most 2 messages
        RelayBatcher bytesBound = new RelayBatcher(pool(1), publisher, 42, 100);
        bytesBound.offer("a", bytes("held"));
        assertTrue(publisher.holding.await(WAIT_SECONDS, TimeUnit.SECONDS));
        for (String m : List.of("0123456789", "1123456789", "2123456789", "3123456789", "x".repeat(100), "4123456789")) {
            bytesBound.offer("a", bytes(m));
        }
        publisher.release.countDown();
        assertEquals(List.of("held"), publisher.next());
        assertEquals(List.of("0123456789", "1123456789", "2123456789"), publisher.next());
        assertEquals(List.of("3123456789"), publisher.next(), "the big one does not fit beside it");
        assertEquals(List.of("x".repeat(100)), publisher.next(), "a message above the bound goes alone");
        assertEquals(List.of("4123456789"), publisher.next());

        HeldPublisher counted = new HeldPublisher();
        RelayBatcher countBound = new RelayBatcher(pool(1), counted, RelayBatcher.MAX_BYTES, 2);
        countBound.offer("a", bytes("held"));
        assertTrue(counted.holding.await(WAIT_SECONDS, TimeUnit.SECONDS));
        for (String m : List.of("1", "2", "3", "4", "5")) {
            countBound.offer("a", bytes(m));
        }
        counted.release.countDown();
        assertEquals(List.of("held"), counted.next());
        assertEquals(List.of("1", "2"), counted.next());
        assertEquals(List.of("3", "4"), counted.next());
        assertEquals(List.of("5"), counted.next());
    }

    @Test
    void aThrowingPublisherIsLoggedAndTheNextFlushRuns() throws Exception {
        BlockingQueue<List<String>> published = new LinkedBlockingQueue<>();
        CountDownLatch thrown = new CountDownLatch(1);
        ExecutorService relay = pool(1);
        RelayBatcher batcher = new RelayBatcher(relay, (destination, batch) -> {
            List<String> messages = messages(batch);
            if (messages.contains("boom")) {
                thrown.countDown();
                throw new IllegalStateException("the grid said no");
            }
            published.add(messages);
        });
        batcher.offer("a", bytes("boom"));
        assertTrue(thrown.await(WAIT_SECONDS, TimeUnit.SECONDS));
        batcher.offer("a", bytes("after"));
        assertEquals(List.of("after"), published.poll(WAIT_SECONDS, TimeUnit.SECONDS));
        drained(relay);
        assertEquals(1, batcher.batches(), "only the published batch counts");
        assertEquals(1, batcher.messages());
    }

    @Test
    void whatWasOfferedBeforeTheExecutorShutsDownStillGoesOutAndLaterOffersAreDropped() throws Exception {
        HeldPublisher publisher = new HeldPublisher();
        ExecutorService relay = pool(1);
        RelayBatcher batcher = new RelayBatcher(relay, publisher, 4 + 2, 100);
        batcher.offer("a", bytes("m0"));
        assertTrue(publisher.holding.await(WAIT_SECONDS, TimeUnit.SECONDS));
        batcher.offer("a", bytes("m1"));
        batcher.offer("a", bytes("m2"));
        relay.shutdown();
        publisher.release.countDown();
        assertTrue(relay.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(List.of("m0"), publisher.next());
        assertEquals(List.of("m1"), publisher.next());
        assertEquals(List.of("m2"), publisher.next(), "published in the last task, the executor refusing a new one");
        batcher.offer("a", bytes("late"));
        assertEquals(3, batcher.batches());
        assertTrue(publisher.published.isEmpty());
    }

    @Test
    void theBatchFormatIsLengthPrefixedMessagesAndUnpacksInOrder() {
        byte[] batch = ByteBuffer.allocate(4 + 2 + 4 + 0 + 4 + 1).putInt(2).put(bytes("hi")).putInt(0).putInt(1).put((byte) 7).array();
        List<byte[]> out = new ArrayList<>();
        RelayBatcher.unpack(batch, out::add);
        assertEquals(3, out.size());
        assertArrayEquals(bytes("hi"), out.get(0));
        assertArrayEquals(new byte[0], out.get(1));
        assertArrayEquals(new byte[] {7}, out.get(2));
    }

    @Test
    void aBrokenBatchIsRefusedAfterDeliveringNothingPastTheBadPoint() {
        byte[] good = ByteBuffer.allocate(4 + 2).putInt(2).put(bytes("ok")).array();
        List<byte[]> cases = List.of(
                new byte[0],
                ByteBuffer.allocate(good.length + 3).put(good).put(new byte[] {0, 0, 0}).array(),
                ByteBuffer.allocate(good.length + 4 + 2).put(good).putInt(3).put(bytes("no")).array(),
                ByteBuffer.allocate(good.length + 4 + 2).put(good).putInt(-1).put(bytes("no")).array());
        for (byte[] broken : cases) {
            List<String> out = new ArrayList<>();
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> RelayBatcher.unpack(broken, m -> out.add(new String(m, StandardCharsets.UTF_8))));
            assertTrue(refused.getMessage().contains("relay batch"), refused.getMessage());
            assertEquals(broken.length == 0 ? List.of() : List.of("ok"), out, "only the messages before the bad point");
        }
    }

    @Test
    void theBusHandsABrokenBatchsGoodMessagesOverAndDropsTheRest() {
        List<String> relayed = new ArrayList<>();
        GameBus.Listener listener = new GameBus.Listener() {
            @Override
            public void relay(byte[] message) {
                String text = new String(message, StandardCharsets.UTF_8);
                if (text.equals("bad")) {
                    throw new IllegalStateException("a message the game cannot take");
                }
                relayed.add(text);
            }

            @Override
            public void memberLeft(String member) {
            }
        };
        byte[] batch = ByteBuffer.allocate(7 + 7 + 6 + 4 + 1).putInt(3).put(bytes("one")).putInt(3).put(bytes("bad"))
                .putInt(2).put(bytes("ok")).putInt(9).put((byte) 1).array();
        HazelcastGameBus.unpack(batch, listener);
        assertEquals(List.of("one", "ok"), relayed, "one failing message does not stop the next; the broken tail is dropped");
    }
}
