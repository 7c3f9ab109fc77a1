package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboxTest {

    /** A transport whose sends complete only when the test says so, like a peer that reads slowly. */
    private static final class ManualTransport implements Outbox.Transport {
        final List<Object> sent = new ArrayList<>();
        final List<Consumer<Throwable>> pending = new ArrayList<>();
        int inFlight;
        int maxInFlight;

        @Override
        public void send(Object message, Consumer<Throwable> done) {
            sent.add(message);
            pending.add(done);
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
        }

        void complete(Throwable error) {
            inFlight--;
            pending.remove(0).accept(error);
        }
    }

    @Test
    void sendsOneAtATimeInOrder() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox(transport, 0);
        for (int i = 0; i < 5; i++) {
            assertEquals(Outbox.Result.ACCEPTED, outbox.offer("m" + i, 2));
        }
        assertEquals(List.of("m0"), transport.sent);
        assertEquals(8, outbox.queuedBytes());
        for (int i = 0; i < 5; i++) {
            transport.complete(null);
        }
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), transport.sent);
        assertEquals(1, transport.maxInFlight, "never two sends at once");
        assertEquals(0, outbox.queuedBytes());
    }

    @Test
    void sendsThatCompleteAtOnceDrainWithoutRecursion() {
        List<Object> sent = new ArrayList<>();
        Outbox outbox = new Outbox((message, done) -> {
            sent.add(message);
            done.accept(null);
        }, 10);
        for (int i = 0; i < 100_000; i++) {
            assertEquals(Outbox.Result.ACCEPTED, outbox.offer(i, 100), "a single message may exceed the bound when nothing waits");
        }
        assertEquals(100_000, sent.size());
        assertEquals(99_999, sent.get(99_999));
    }

    @Test
    void aPeerThatDoesNotReadFillsTheBoundAndIsRefused() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox(transport, 100);
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("in flight", 1000));
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("a", 60));
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("b", 40));
        assertEquals(Outbox.Result.FULL, outbox.offer("c", 1));
        transport.complete(null);
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("c", 60), "room again once the peer reads");
    }

    @Test
    void aNewerMessageWithTheSameKeyReplacesTheUnsentOneInItsPlace() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox(transport, 0);
        outbox.offer("in flight", 1, "members");
        outbox.offer("members v1", 10, "members");
        outbox.offer("hello", 5);
        outbox.offer("members v2", 12, "members");
        assertEquals(17, outbox.queuedBytes());
        assertEquals(2, outbox.queuedMessages());
        for (int i = 0; i < 3; i++) {
            transport.complete(null);
        }
        assertEquals(List.of("in flight", "members v2", "hello"), transport.sent);
    }

    @Test
    void aFailedSendDropsTheQueueAndRefusesMore() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox(transport, 0);
        outbox.offer("first", 1);
        outbox.offer("second", 1);
        transport.complete(new IOException("peer gone"));
        assertEquals(List.of("first"), transport.sent);
        assertEquals(Outbox.Result.FAILED, outbox.offer("third", 1));
        assertEquals(0, outbox.queuedBytes());
    }

    @Test
    void completionOnAnotherThreadCarriesOnSending() throws Exception {
        List<Object> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            Outbox outbox = new Outbox((message, done) -> {
                sent.add(message);
                writer.execute(() -> done.accept(null));
            }, 0);
            for (int i = 0; i < 1000; i++) {
                outbox.offer(i, 1);
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (sent.size() < 1000 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(1000, sent.size());
            for (int i = 0; i < 1000; i++) {
                assertEquals(i, sent.get(i));
            }
        } finally {
            writer.shutdownNow();
        }
    }
}
