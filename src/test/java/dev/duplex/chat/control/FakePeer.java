package dev.duplex.chat.control;

import dev.duplex.platform.MemoryBudget;
import dev.duplex.platform.Outbox;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A session for unit tests: sends complete at once (or are held back while {@link #hold} is set)
 * and land in {@link #sent}; a close is recorded. Its outbox is the real platform {@link Outbox},
 * bounded by {@link #maxQueuedBytes} and charged to {@link #account} when set.
 */
final class FakePeer implements Peer {

    private final String id;
    final List<String> sent = new ArrayList<>();
    final List<Consumer<Throwable>> held = new ArrayList<>();
    boolean hold;
    /** Takes batches, recorded in {@link #sent} as their texts joined with "+". */
    boolean batching;
    int concurrent;
    int maxConcurrent;
    int closeCode;
    String closeReason;
    /** The byte bound of the outbox made from now on; 0 for none. */
    long maxQueuedBytes;
    /** The memory budget account of the outbox made from now on; null for none. */
    MemoryBudget.Account account;

    FakePeer(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public synchronized void send(String text, Consumer<Throwable> done) {
        sent.add(text);
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        Consumer<Throwable> completion = failure -> {
            synchronized (this) {
                concurrent--;
            }
            done.accept(failure);
        };
        if (hold) {
            held.add(completion);
        } else {
            completion.accept(null);
        }
    }

    @Override
    public boolean batches() {
        return batching;
    }

    @Override
    public void sendBatch(List<String> texts, Consumer<Throwable> done) {
        send(String.join("+", texts), done);
    }

    /** Completes the held sends, in order, as the network would. */
    void release() {
        hold = false;
        while (true) {
            Consumer<Throwable> next;
            synchronized (this) {
                if (held.isEmpty()) {
                    return;
                }
                next = held.remove(0);
            }
            next.accept(null);
        }
    }

    @Override
    public Outbox outbox(int maxQueuedMessages, Executor sender) {
        return new Outbox(Peer.transport(this), maxQueuedBytes, maxQueuedMessages, sender, account, this::close);
    }

    @Override
    public synchronized void close(int code, String reason) {
        if (closeCode == 0) {
            closeCode = code;
            closeReason = reason;
        }
    }

    synchronized List<String> sent() {
        return List.copyOf(sent);
    }
}
