package dev.duplex.feed.control;

import dev.duplex.feed.entity.FeedMessage;
import java.util.List;
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
    void send(List<FeedMessage> messages, Consumer<Throwable> done);

    /** Closes the session with this code and reason. Never throws. */
    void close(int code, String reason);
}
