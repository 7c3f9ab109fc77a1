package dev.duplex.feed.control;

import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.platform.Outbox;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A session that records what it is sent; its writes complete when the test says so, or at once. */
final class FakeSink implements FeedSink {

    private final String protocol;
    private final boolean completesAtOnce;
    final List<FeedMessage> sent = new ArrayList<>();
    private Consumer<Throwable> inFlight;
    int groups;
    int closeCode;
    String closeReason;

    FakeSink(boolean completesAtOnce) {
        this("feed.json", completesAtOnce);
    }

    FakeSink(String protocol, boolean completesAtOnce) {
        this.protocol = protocol;
        this.completesAtOnce = completesAtOnce;
    }

    @Override
    public String id() {
        return "fake";
    }

    @Override
    public String protocol() {
        return protocol;
    }

    /** The shared JSON tails handed with the updates sent, by update identity. */
    final java.util.Map<dev.duplex.feed.entity.Update, String> tails = new java.util.IdentityHashMap<>();

    @Override
    public long[] send(List<FeedMessage> messages, java.util.Map<dev.duplex.feed.entity.Update, String> shared,
            Consumer<Throwable> done) {
        if (inFlight != null) {
            throw new AssertionError("two groups in flight at once");
        }
        tails.putAll(shared);
        sent.addAll(messages);
        groups++;
        long[] sizes = new long[messages.size()];
        for (int i = 0; i < sizes.length; i++) {
            // the JSON a feed.json session would write
            sizes[i] = dev.duplex.feed.entity.JsonFeedCodec.encode(messages.get(i)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            bytes += sizes[i];
        }
        if (completesAtOnce) {
            done.accept(null);
        } else {
            inFlight = done;
        }
        return sizes;
    }

    /** Bytes of every message sent, as feed.json. */
    long bytes;

    /** Completes the write in flight. */
    void complete() {
        Consumer<Throwable> done = inFlight;
        if (done == null) {
            throw new AssertionError("nothing in flight");
        }
        inFlight = null;
        done.accept(null);
    }

    boolean writing() {
        return inFlight != null;
    }

    @Override
    public void closeSlowConsumer() {
        closeCode = Outbox.SLOW_CONSUMER_CODE;
        closeReason = Outbox.SLOW_CONSUMER;
    }

    <T extends FeedMessage> List<T> sent(Class<T> type) {
        List<T> of = new ArrayList<>();
        for (FeedMessage message : sent) {
            if (type.isInstance(message)) {
                of.add(type.cast(message));
            }
        }
        return of;
    }

    /** Every update sent, in order. */
    List<dev.duplex.feed.entity.Update> updates() {
        List<dev.duplex.feed.entity.Update> updates = new ArrayList<>();
        for (FeedMessage.Updates message : sent(FeedMessage.Updates.class)) {
            updates.addAll(message.updates());
        }
        return updates;
    }

    void clear() {
        sent.clear();
    }
}
