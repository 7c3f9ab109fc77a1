package dev.duplex.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.platform.MemoryBudget;
import dev.duplex.platform.Outbox;
import dev.duplex.platform.Outbox.Result;
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

/** A chat peer's messages through the platform outbox: order, batches, and both of its bounds. */
class PeerOutboxTest {

    private static Result offer(Outbox outbox, String text) {
        return outbox.offer(text, text.length());
    }

    @Test
    void sendsInOrderOneAtATimeWhetherSendsCompleteAtOnceOrLater() {
        FakePeer peer = new FakePeer("s");
        Outbox outbox = peer.outbox(100, null);
        offer(outbox, "a");
        peer.hold = true;
        offer(outbox, "b");
        offer(outbox, "c");
        offer(outbox, "d");
        assertEquals(List.of("a", "b"), peer.sent(), "c and d wait while b is in flight");
        assertEquals(2, outbox.queuedMessages());
        peer.release();
        assertEquals(List.of("a", "b", "c", "d"), peer.sent());
        assertEquals(1, peer.maxConcurrent, "never two sends at once");
        assertEquals(0, outbox.queuedMessages());
    }

    @Test
    void aPeerWithTooManyMessagesWaitingIsClosedAsASlowConsumer() {
        FakePeer peer = new FakePeer("slow");
        peer.hold = true;
        Outbox outbox = peer.outbox(3, null);
        assertEquals(Result.ACCEPTED, offer(outbox, "in flight"));
        for (int i = 0; i < 3; i++) {
            assertEquals(Result.ACCEPTED, offer(outbox, "waiting " + i));
        }
        assertEquals(0, peer.closeCode);
        assertEquals(Result.FULL, offer(outbox, "one too many"));
        assertEquals(1008, peer.closeCode);
        assertEquals("Slow consumer", peer.closeReason);
        assertEquals(0, outbox.queuedMessages(), "the backlog is dropped");
        assertEquals(Result.FAILED, offer(outbox, "after the close"));
        peer.release();
        assertEquals(List.of("in flight"), peer.sent());
    }

    @Test
    void aPeerWithTooManyBytesWaitingIsClosedAsASlowConsumerAndItsBudgetFreed() {
        MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
        FakePeer peer = new FakePeer("slow bytes");
        peer.hold = true;
        peer.maxQueuedBytes = 100;
        peer.account = budget.account("chat", "127.0.0.1");
        Outbox outbox = peer.outbox(256, null);
        assertEquals(Result.ACCEPTED, offer(outbox, "x".repeat(500)), "one message in flight may pass the bound");
        assertEquals(Result.ACCEPTED, offer(outbox, "y".repeat(60)));
        assertEquals(Result.ACCEPTED, offer(outbox, "z".repeat(40)));
        assertEquals(600, budget.used(), "in flight and waiting are both held");
        assertEquals(Result.FULL, offer(outbox, "!"));
        assertEquals(List.of(1008, "Slow consumer"), List.of(peer.closeCode, peer.closeReason));
        assertEquals(0, budget.used(), "everything the closed outbox held is given back");
        peer.release();
        assertEquals(0, budget.used(), "the send in flight ending gives back nothing twice");
    }

    @Test
    void aFailedSendDropsTheBacklogAndRefusesMore() {
        List<String> sent = new ArrayList<>();
        List<Consumer<Throwable>> pending = new ArrayList<>();
        Peer broken = new Peer() {
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

            @Override
            public Outbox outbox(int maxQueuedMessages, java.util.concurrent.Executor sender) {
                return new Outbox(Peer.transport(this), 0, maxQueuedMessages, sender, null, this::close);
            }
        };
        Outbox outbox = broken.outbox(10, null);
        offer(outbox, "a");
        offer(outbox, "b");
        pending.get(0).accept(new IOException("connection reset"));
        assertEquals(List.of("a"), sent);
        assertEquals(Result.FAILED, offer(outbox, "c"));
        assertEquals(0, outbox.queuedMessages());
    }

    @Test
    void manyThreadsOfferingConcurrentlyNeverOverlapSendsAndLoseNothing() throws Exception {
        FakePeer peer = new FakePeer("busy");
        Outbox outbox = peer.outbox(100_000, null);
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
                    IntStream.range(0, 5000).forEach(i -> offer(outbox, thread + ":" + i));
                });
            }
            start.countDown();
            threads.shutdown();
            assertEquals(true, threads.awaitTermination(30, TimeUnit.SECONDS));
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
        Outbox outbox = peer.outbox(100, null);
        offer(outbox, "a");
        offer(outbox, "b");
        offer(outbox, "c");
        offer(outbox, "d");
        assertEquals(3, outbox.queuedMessages());
        peer.release();
        assertEquals(List.of("a", "b+c+d"), peer.sent());
        assertEquals(0, outbox.queuedMessages());
        offer(outbox, "e");
        assertEquals(List.of("a", "b+c+d", "e"), peer.sent());
    }
}
