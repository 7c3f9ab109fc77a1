package dev.duplex.feed.control;

import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.Update;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where one session's feed messages go: the boundary encodes them for the negotiated subprotocol
 * and writes them to the WebSocket session. Its {@link FeedSubscriber} calls {@link #send} with
 * at most one group of messages outstanding at a time.
 */
public interface FeedSink {

    /** The session's id, for logs. */
    String id();

    /** The negotiated subprotocol: {@code feed.json} or {@code feed.bin}. */
    String protocol();

    /**
     * Sends the messages in order, each as one WebSocket message, without blocking. {@code done}
     * learns once that all were written ({@code null}) or that they never will be (the failure).
     * Never throws.
     */
    default void send(List<FeedMessage> messages, Consumer<Throwable> done) {
        send(messages, Map.of(), done);
    }

    /**
     * As {@link #send(List, Consumer)}, with the JSON of some updates already written: for an update
     * (by identity) in {@code tails}, everything after its id ({@link dev.duplex.feed.entity.JsonFeedCodec#updateTail}),
     * shared by every subscriber that got the same change unmerged. A sink that does not write JSON
     * ignores it.
     *
     * @return each message's size on the wire in bytes (its payload), in order; null when the
     *         messages could not be encoded (then {@code done} has the failure)
     */
    long[] send(List<FeedMessage> messages, Map<Update, String> tails, Consumer<Throwable> done);

    /**
     * Closes the session as a slow consumer: 1008 "Slow consumer" ({@code Outbox.SLOW_CONSUMER_CODE},
     * {@code Outbox.SLOW_CONSUMER}), counted with the platform's other slow consumers. Never throws.
     */
    void closeSlowConsumer();
}
