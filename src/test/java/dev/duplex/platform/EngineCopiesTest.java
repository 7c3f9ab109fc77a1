package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What the engine holds of a session's outgoing messages is charged while held, and nothing stays charged. */
class EngineCopiesTest {

    /** An engine whose sends complete when the test says so, and whose write queue the test sets. */
    private static final class Engine implements Outbox.Transport {
        final List<Consumer<Throwable>> pending = new ArrayList<>();
        final AtomicLong queued = new AtomicLong();
        java.util.function.LongSupplier probe = () -> 0;
        final List<Long> usedDuringSend = new ArrayList<>();

        @Override
        public void send(Object message, Consumer<Throwable> done) {
            usedDuringSend.add(probe.getAsLong());
            pending.add(done);
        }

        void complete() {
            pending.remove(0).accept(null);
        }
    }

    @Test
    void eachCopyIsChargedWhileHeldAndTheAccountComesBackToZero() {
        MemoryBudget budget = new MemoryBudget(100_000_000, 0, 0);
        MemoryBudget.Account account = budget.account("echo", "127.0.0.1");
        Engine engine = new Engine();
        AtomicInteger refusals = new AtomicInteger();
        EngineCopies copies = new EngineCopies(account, null, engine.queued::get, refusals::incrementAndGet);
        Outbox outbox = new Outbox(copies.charging(engine), 50_000_000, 0, null, account, null);
        engine.probe = budget::used;

        assertEquals(Outbox.Result.ACCEPTED, outbox.offer(ByteBuffer.allocate(1_000_000), 1_000_000));
        assertEquals(List.of(3_000_000L), engine.usedDuringSend,
                "during the send call: the message, the engine's copy of it and the serialized frame");
        // the outbox's copy (the engine's frame payload) and the serialized frame
        assertEquals(2_000_000, budget.used());
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer("é".repeat(100), 200));
        assertEquals(2_000_200, budget.used(), "a waiting message: one copy");

        engine.queued.set(700_000); // Grizzly took the frame; the socket did not take all of it yet
        engine.complete();
        // the text is in flight now: its String, its UTF-8 encoding and the frame
        assertEquals(700_000 + 3 * 200, budget.used());
        assertEquals(700_000 + 3 * 200 + 3 * 100, engine.usedDuringSend.get(1), "and the encoder's scratch array while it encodes");
        engine.queued.set(0);
        copies.settleBacklog();
        assertEquals(600, budget.used(), "the drained write queue is given back");
        engine.complete();
        assertEquals(0, budget.used());
        assertEquals(0, refusals.get());
        outbox.close();
        account.close();
    }

    @Test
    void aRefusedChargeClosesWith1013AndLeavesNothingCharged() {
        MemoryBudget budget = new MemoryBudget(1_500_000, 0, 0);
        MemoryBudget.Account account = budget.account("echo", "127.0.0.1");
        Engine engine = new Engine();
        AtomicInteger refusals = new AtomicInteger();
        EngineCopies copies = new EngineCopies(account, null, engine.queued::get, refusals::incrementAndGet);
        List<Throwable> outcomes = new ArrayList<>();
        Outbox outbox = new Outbox(copies.charging(engine), 50_000_000, 0, null, account, null);
        outbox.offer(ByteBuffer.allocate(1_000_000), 1_000_000, null, outcomes::add);
        assertEquals(1, refusals.get(), "the frame's copy did not fit: the session is closed with 1013");
        assertEquals(1, outcomes.size());
        assertTrue(outcomes.get(0).getMessage().contains("memory budget"), outcomes.toString());
        assertEquals(0, budget.used());
        assertTrue(engine.pending.isEmpty(), "nothing was handed to the engine");

        MemoryBudget full = new MemoryBudget(1000, 0, 0);
        MemoryBudget.Account held = full.account("echo", "127.0.0.1");
        EngineCopies backlog = new EngineCopies(held, null, () -> 5000, refusals::incrementAndGet);
        backlog.settleBacklog();
        assertEquals(2, refusals.get(), "a write queue over the budget closes the session with 1013");
        assertEquals(0, full.used());
        held.close();
        account.close();
    }

    /** A write queue that records what it is told of each send. */
    private static final class Told implements dev.duplex.platform.engine.WriteBacklog {
        final List<String> heard = new ArrayList<>();

        @Override
        public long getAsLong() {
            return 0;
        }

        @Override
        public synchronized void sending(long frameBytes) {
            heard.add("sending " + frameBytes);
        }

        @Override
        public synchronized void sent(long frameBytes, Throwable failure) {
            heard.add("sent " + frameBytes + (failure == null ? "" : " " + failure.getMessage()));
        }
    }

    @Test
    void anEndpointsOwnTransportTellsTheWriteQueueOfEachSendAndIsChargedNothingMore() {
        MemoryBudget budget = new MemoryBudget(100_000_000, 0, 0);
        MemoryBudget.Account account = budget.account("chat", "127.0.0.1");
        Engine engine = new Engine();
        engine.probe = budget::used;
        Told queue = new Told();
        EngineCopies copies = new EngineCopies(account, null, queue, () -> { });
        Outbox outbox = new Outbox(copies.announcing(engine), 50_000_000, 0, null, account, null);

        String welcome = "w".repeat(6_000_000);
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer(welcome, welcome.length()));
        assertEquals(List.of("sending 6000014"), queue.heard, "the frame's size, before the engine has it");
        assertEquals(List.of(6_000_000L), engine.usedDuringSend, "only the outbox's own charge");
        engine.complete();
        assertEquals(List.of("sending 6000014", "sent 6000014"), queue.heard);

        // A batch is announced as the frames of all its messages; a failed send as failed.
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer(new Outbox.Batch(List.of("ab", "é")), 4));
        engine.pending.remove(0).accept(new java.io.IOException("Locally closed"));
        assertEquals(List.of("sending 6000014", "sent 6000014", "sending 32", "sent 32 Locally closed"), queue.heard);
        assertEquals(0, budget.used());

        // A transport that throws gets no completion: the queue hears of the end at once.
        Told thrown = new Told();
        Outbox.Transport failing = new EngineCopies(account, null, thrown, () -> { }).announcing((message, done) -> {
            throw new IllegalStateException("no writer");
        });
        assertEquals("no writer", org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> failing.send("x", error -> { })).getMessage());
        assertEquals(List.of("sending 15", "sent 15 no writer"), thrown.heard);
        outbox.close();
        account.close();
    }

    @Test
    void theOutboxLetsGoOfAMessageOnceTheEngineHasIt() throws Exception {
        Engine engine = new Engine();
        Outbox outbox = new Outbox(engine, 0);
        ByteBuffer message = ByteBuffer.allocate(1_000_000);
        WeakReference<ByteBuffer> sent = new WeakReference<>(message);
        assertEquals(Outbox.Result.ACCEPTED, outbox.offer(message, 1_000_000));
        message = null;
        for (int i = 0; i < 20 && sent.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertNull(sent.get(), "in flight, only the engine's copy is held (and charged)");
        assertEquals(1_000_000, outbox.chargedBytes());
        engine.complete();
        assertEquals(0, outbox.chargedBytes());
    }
}
