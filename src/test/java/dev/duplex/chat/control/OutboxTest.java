package dev.duplex.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OutboxTest {

    @Test
    void sendsInOrderOneAtATimeWhetherSendsCompleteAtOnceOrLater() {
        FakePeer peer = new FakePeer("s");
        Outbox outbox = new Outbox(peer, 100);
        outbox.offer("a");
        peer.hold = true;
        outbox.offer("b");
        outbox.offer("c");
        outbox.offer("d");
        assertEquals(List.of("a", "b"), peer.sent(), "c and d wait while b is in flight");
        assertEquals(2, outbox.backlog());
        peer.release();
        assertEquals(List.of("a", "b", "c", "d"), peer.sent());
        assertEquals(1, peer.maxConcurrent, "never two sends at once");
        assertEquals(0, outbox.backlog());
    }

    @Test
    void aPeerThatDoesNotKeepUpIsClosedAsASlowConsumerInsteadOfBufferingWithoutBound() {
        FakePeer peer = new FakePeer("slow");
        peer.hold = true;
        Outbox outbox = new Outbox(peer, 3);
        assertTrue(outbox.offer("in flight"));
        for (int i = 0; i < 3; i++) {
            assertTrue(outbox.offer("waiting " + i));
        }
        assertEquals(0, peer.closeCode);
        assertFalse(outbox.offer("one too many"));
        assertEquals(1008, peer.closeCode);
        assertEquals("Slow consumer", peer.closeReason);
        assertEquals(0, outbox.backlog(), "the backlog is dropped");
        assertFalse(outbox.offer("after the close"));
        peer.release();
        assertEquals(List.of("in flight"), peer.sent());
    }

    @Test
    void aFailedSendDropsTheBacklogAndRefusesMore() {
        List<String> sent = new ArrayList<>();
        List<Consumer<Throwable>> pending = new ArrayList<>();
        Outbox outbox = new Outbox(new Outbox.Peer() {
            @Override
            public String id() {
                return "broken";
            }

            @Override
            public void send(String text, Consumer<Throwable> done) {
                sent.add(text);
                pending.add(done);
            }

            @Override
            public void close(int code, String reason) {
            }
        }, 10);
        outbox.offer("a");
        outbox.offer("b");
        pending.get(0).accept(new IOException("connection reset"));
        assertEquals(List.of("a"), sent);
        assertFalse(outbox.offer("c"));
        assertEquals(0, outbox.backlog());
    }

    @Test
    void manyThreadsOfferingConcurrentlyNeverOverlapSendsAndLoseNothing() throws Exception {
        FakePeer peer = new FakePeer("busy");
        Outbox outbox = new Outbox(peer, 100_000);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < 4; t++) {
                int thread = t;
                threads.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    IntStream.range(0, 5000).forEach(i -> outbox.offer(thread + ":" + i));
                });
            }
            start.countDown();
            threads.shutdown();
            assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS));
        } finally {
            threads.shutdownNow();
        }
        List<String> sent = peer.sent();
        assertEquals(20_000, sent.size());
        assertEquals(1, peer.maxConcurrent);
        for (int t = 0; t < 4; t++) {
            String prefix = t + ":";
            List<Integer> order = sent.stream().filter(s -> s.startsWith(prefix))
                    .map(s -> Integer.parseInt(s.substring(prefix.length()))).toList();
            assertEquals(IntStream.range(0, 5000).boxed().toList(), order, "each thread's messages in its order");
        }
    }

    @Test
    void aPeerThatTakesBatchesGetsWhatWaitedInOneWrite() {
        FakePeer peer = new FakePeer("batched");
        peer.batching = true;
        peer.hold = true;
        Outbox outbox = new Outbox(peer, 100);
        outbox.offer("a");
        outbox.offer("b");
        outbox.offer("c");
        outbox.offer("d");
        assertEquals(3, outbox.backlog());
        peer.release();
        assertEquals(List.of("a", "b+c+d"), peer.sent());
        assertEquals(0, outbox.backlog());
        outbox.offer("e");
        assertEquals(List.of("a", "b+c+d", "e"), peer.sent());
    }
}
