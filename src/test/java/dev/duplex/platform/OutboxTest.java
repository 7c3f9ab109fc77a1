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
        boolean batches;

        @Override
        public boolean batches() {
            return batches;
        }

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

    /** Records the closes an outbox asks for. */
    private static final class Closes implements Outbox.Closer {
        final List<String> closes = new ArrayList<>();

        @Override
        public synchronized void close(int code, String reason) {
            closes.add(code + " " + reason);
        }
    }

    @Test
    void aPeerThatDoesNotReadFillsTheByteBoundAndIsClosedAsASlowConsumer() {
        ManualTransport transport = new ManualTransport();
        Closes closer = new Closes();
        Outbox outbox = new Outbox(transport, 100, 0, null, null, closer);
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("in flight", 1000), "one message in flight may pass the bound");
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("a", 60));
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("b", 40));
        assertEquals(List.of(), closer.closes);
        assertEquals(Outbox.Result.FULL, outbox.offer("c", 1));
        assertEquals(List.of("1008 Slow consumer"), closer.closes);
        assertEquals(0, outbox.queuedBytes(), "what waited is dropped");
        assertEquals(false, outbox.isOpen());
        transport.complete(null);
        assertEquals(Outbox.Result.FAILED, outbox.offer("d", 1), "no room again: the session is closing");
        assertEquals(List.of("in flight"), transport.sent);
        assertEquals(List.of("1008 Slow consumer"), closer.closes, "closed once");
    }

    @Test
    void everyByteHeldIsChargedToTheBudgetUntilItsSendCompletes() {
        MemoryBudget budget = new MemoryBudget(10_000, 0, 0);
        MemoryBudget.Account account = budget.account("echo", "127.0.0.1");
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox(transport, 0, 0, null, account, new Closes());
        outbox.offer("in flight", 1000);
        outbox.offer("a", 200);
        outbox.offer("b", 30);
        assertEquals(1230, account.held(), "in flight and waiting");
        assertEquals(1230, outbox.chargedBytes());
        transport.complete(null);
        assertEquals(230, account.held(), "a completed send gives its bytes back");
        transport.complete(null);
        transport.complete(null);
        assertEquals(0, account.held());
        assertEquals(0, budget.used());
    }

    @Test
    void aBatchIsChargedUntilTheBatchIsWritten() {
        MemoryBudget budget = new MemoryBudget(10_000, 0, 0);
        MemoryBudget.Account account = budget.account("chat", "127.0.0.1");
        ManualTransport transport = new ManualTransport();
        transport.batches = true;
        Outbox outbox = new Outbox(transport, 0, 0, null, account, new Closes());
        outbox.offer("first", 10);
        outbox.offer("members 1", 5, "presence");
        outbox.offer("hello", 7);
        outbox.offer("members 2", 8, "presence");
        assertEquals(25, account.held(), "a replaced notice gives back its bytes and charges its successor's");
        transport.complete(null);
        assertEquals(15, account.held(), "the batch is in flight");
        transport.complete(null);
        assertEquals(0, account.held());
    }

    @Test
    void aRefusedReservationClosesWith1013AndGivesEverythingBack() {
        MemoryBudget budget = new MemoryBudget(1000, 0, 0);
        MemoryBudget.Account other = budget.account("echo", "10.0.0.2");
        assertEquals(true, other.tryReserve(500));
        MemoryBudget.Account account = budget.account("image", "10.0.0.1");
        ManualTransport transport = new ManualTransport();
        Closes closer = new Closes();
        Outbox outbox = new Outbox(transport, 0, 0, null, account, closer);
        List<String> written = new ArrayList<>();
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("in flight", 300, null, e -> written.add("in flight " + e)));
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("waits", 100, null, e -> written.add("waits " + (e == null))));
        assertEquals(Outbox.Result.OVER_BUDGET, outbox.offer("too much", 200, null, e -> written.add("too much " + (e == null))));
        assertEquals(List.of("1013 Server busy: memory budget"), closer.closes);
        assertEquals(List.of("waits false", "too much false"), written, "what will never be written is told so");
        assertEquals(0, account.held(), "nothing held once the outbox gave up");
        assertEquals(500, budget.used(), "the other session keeps its share");
        transport.complete(null);
        assertEquals(List.of("waits false", "too much false", "in flight null"), written);
        assertEquals(0, account.held(), "the send that was in flight gives back nothing twice");
        other.close();
        account.close();
        assertEquals(0, budget.used());
    }

    @Test
    void closeAndFailureGiveBackEveryByteAndTellEveryCallback() {
        MemoryBudget budget = new MemoryBudget(10_000, 0, 0);
        ManualTransport transport = new ManualTransport();
        MemoryBudget.Account closedAccount = budget.account("echo", "127.0.0.1");
        Outbox closed = new Outbox(transport, 0, 0, null, closedAccount, new Closes());
        List<Throwable> told = new ArrayList<>();
        closed.offer("in flight", 100, null, told::add);
        closed.offer("waits", 100, null, told::add);
        closed.close();
        assertEquals(0, closedAccount.held());
        assertEquals(1, told.size(), "the waiting message is told at once");
        transport.complete(new IOException("reset"));
        assertEquals(2, told.size());

        MemoryBudget.Account failedAccount = budget.account("echo", "127.0.0.1");
        Outbox failed = new Outbox(transport, 0, 0, null, failedAccount, new Closes());
        failed.offer("in flight", 100);
        failed.offer("waits", 100);
        transport.complete(new IOException("peer gone"));
        assertEquals(0, failedAccount.held(), "a failed send gives back its bytes and the queue's");
        assertEquals(0, budget.used());
    }

    @Test
    void writtenIsToldOnceWhenTheMessageIsWrittenInOrder() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox(transport, 0);
        List<String> written = new ArrayList<>();
        outbox.offer("a", 1, null, e -> written.add("a"));
        outbox.offer("b", 1, null, e -> written.add("b"));
        assertEquals(List.of(), written);
        transport.complete(null);
        assertEquals(List.of("a"), written);
        transport.complete(null);
        assertEquals(List.of("a", "b"), written);
    }

    @Test
    void aTransportThatThrowsFailsTheOutboxInsteadOfTheCaller() {
        Closes closer = new Closes();
        MemoryBudget budget = new MemoryBudget(10_000, 0, 0);
        MemoryBudget.Account account = budget.account("echo", "127.0.0.1");
        Outbox outbox = new Outbox((message, done) -> {
            throw new IllegalStateException("session closed");
        }, 0, 0, null, account, closer);
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("a", 10));
        assertEquals(Outbox.Result.FAILED, outbox.offer("b", 10));
        assertEquals(0, account.held());
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
            long deadline = System.nanoTime() + 30_000_000_000L;
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

    @Test
    void aBatchingTransportGetsWhatWaitedInOneBatchInOrder() {
        ManualTransport transport = new ManualTransport();
        transport.batches = true;
        Outbox outbox = new Outbox(transport, 0);
        for (int i = 0; i < 5; i++) {
            outbox.offer("m" + i, 2);
        }
        assertEquals(List.of("m0"), transport.sent, "the first goes alone, at once");
        transport.complete(null);
        assertEquals(List.of("m0", new Outbox.Batch(List.of("m1", "m2", "m3", "m4"))), transport.sent);
        assertEquals(0, outbox.queuedBytes());
        assertEquals(0, outbox.queuedMessages());
        outbox.offer("m5", 2);
        transport.complete(null);
        assertEquals("m5", transport.sent.get(2), "a lone waiting message is sent as itself");
        transport.complete(null);
        assertEquals(1, transport.maxInFlight, "a batch is one send: still never two at once");
    }

    @Test
    void aBatchStopsAtTheByteBoundAndALargeMessageGoesAlone() {
        ManualTransport transport = new ManualTransport();
        transport.batches = true;
        Outbox outbox = new Outbox(transport, 0);
        int third = Outbox.MAX_BATCH_BYTES / 3;
        outbox.offer("first", 1);
        outbox.offer("a", third);
        outbox.offer("b", third);
        outbox.offer("c", third);
        outbox.offer("d", third);
        outbox.offer("huge", Outbox.MAX_BATCH_BYTES * 2L);
        outbox.offer("e", 1);
        for (int i = 0; i < 4; i++) {
            transport.complete(null);
        }
        assertEquals(List.of("first", new Outbox.Batch(List.of("a", "b", "c")), "d", "huge", "e"), transport.sent);
    }

    @Test
    void aKeyedNoticeIsReplacedUntilItsBatchLeaves() {
        ManualTransport transport = new ManualTransport();
        transport.batches = true;
        Outbox outbox = new Outbox(transport, 0);
        outbox.offer("first", 1);
        outbox.offer("members 1", 1, "presence");
        outbox.offer("hello", 1);
        outbox.offer("members 2", 1, "presence");
        transport.complete(null);
        outbox.offer("members 3", 1, "presence");
        transport.complete(null);
        assertEquals(List.of("first", new Outbox.Batch(List.of("members 2", "hello")), "members 3"), transport.sent);
    }

    @Test
    void withASenderTheOfferingThreadOnlyQueuesAndTheSenderBatchesWhatJoined() {
        ManualTransport transport = new ManualTransport();
        transport.batches = true;
        List<Runnable> tasks = new ArrayList<>();
        Outbox outbox = new Outbox(transport, 0, 0, tasks::add);
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("a", 1));
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("b", 1));
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("c", 1));
        assertEquals(List.of(), transport.sent, "nothing is sent on the offering thread");
        assertEquals(1, tasks.size(), "one task per idle period, not per message");
        tasks.remove(0).run();
        assertEquals(List.of(new Outbox.Batch(List.of("a", "b", "c"))), transport.sent);
        outbox.offer("d", 1);
        assertEquals(0, tasks.size(), "busy until the batch completes: d waits behind it");
        transport.complete(null);
        assertEquals(List.of(new Outbox.Batch(List.of("a", "b", "c")), "d"), transport.sent);
        transport.complete(null);
        outbox.offer("e", 1);
        assertEquals(1, tasks.size(), "idle again: the next offer starts a task");
    }

    @Test
    void anOutboxClosedBeforeItsSenderRunsSendsNothing() {
        ManualTransport transport = new ManualTransport();
        List<Runnable> tasks = new ArrayList<>();
        Outbox outbox = new Outbox(transport, 0, 0, tasks::add);
        outbox.offer("a", 1);
        outbox.close();
        tasks.remove(0).run();
        assertEquals(List.of(), transport.sent);
        assertEquals(Outbox.Result.FAILED, outbox.offer("b", 1));
    }

    @Test
    void aSenderThatRefusesFailsTheOutbox() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox(transport, 0, 0, task -> {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        });
        assertEquals(Outbox.Result.FAILED, outbox.offer("a", 1));
        assertEquals(0, outbox.queuedMessages());
        assertEquals(Outbox.Result.FAILED, outbox.offer("b", 1));
    }

    @Test
    void aRealSenderPoolDeliversEveryMessageOnceInOrder() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.concurrent.ExecutorService network = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            List<Object> received = java.util.Collections.synchronizedList(new ArrayList<>());
            Outbox outbox = new Outbox(new Outbox.Transport() {
                @Override
                public void send(Object message, Consumer<Throwable> done) {
                    network.execute(() -> {
                        if (message instanceof Outbox.Batch batch) {
                            received.addAll(batch.messages());
                        } else {
                            received.add(message);
                        }
                        done.accept(null);
                    });
                }

                @Override
                public boolean batches() {
                    return true;
                }
            }, 0, 0, pool);
            for (int i = 0; i < 10_000; i++) {
                assertEquals(Outbox.Result.ACCEPTED, outbox.offer(i, 1));
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (received.size() < 10_000 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(10_000, received.size());
            for (int i = 0; i < 10_000; i++) {
                assertEquals(i, received.get(i));
            }
        } finally {
            pool.shutdownNow();
            network.shutdownNow();
        }
    }

    @Test
    void closeAfterSendingSendsWhatWaitsFirstAndRefusesMore() {
        ManualTransport transport = new ManualTransport();
        Outbox outbox = new Outbox(transport, 0);
        List<String> events = new ArrayList<>();
        outbox.offer("error 1", 1);
        outbox.offer("error 2", 1);
        outbox.closeAfterSending(() -> events.add("closed after " + transport.sent));
        assertEquals(Outbox.Result.FAILED, outbox.offer("too late", 1));
        assertEquals(List.of(), events, "not while a send is in flight");
        transport.complete(null);
        assertEquals(List.of(), events, "not while one waits");
        transport.complete(null);
        assertEquals(List.of("closed after [error 1, error 2]"), events);
    }

    @Test
    void closeAfterSendingAnIdleOutboxClosesAtOnce() {
        List<String> events = new ArrayList<>();
        Outbox outbox = new Outbox(new ManualTransport(), 0);
        outbox.closeAfterSending(() -> events.add("closed"));
        assertEquals(List.of("closed"), events);
    }

    @Test
    void closeAfterSendingWaitsForTheSenderToo() {
        ManualTransport transport = new ManualTransport();
        List<Runnable> tasks = new ArrayList<>();
        List<String> events = new ArrayList<>();
        Outbox outbox = new Outbox(transport, 0, 0, tasks::add);
        outbox.offer("reason", 1);
        outbox.closeAfterSending(() -> events.add("closed"));
        assertEquals(List.of(), events);
        tasks.remove(0).run();
        assertEquals(List.of("reason"), transport.sent);
        transport.complete(new IOException("peer gone"));
        assertEquals(List.of("closed"), events, "a failed send still ends in the close");
    }
}
