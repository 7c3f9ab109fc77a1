package dev.duplex.image.control;

import dev.duplex.image.entity.ImageReply;
import java.util.concurrent.CompletionStage;

/**
 * Where a connection's replies go: the WebSocket session, or a test double. Each send completes
 * when the message has been written; {@link ReplySequence} starts a send only after the previous
 * one completed, so implementations never see two at once.
 */
public interface Outbox {

    /** Sends one text (JSON) message. */
    CompletionStage<Void> send(ImageReply reply);

    /** Sends one binary message. */
    CompletionStage<Void> send(byte[] image);

    /** Closes the connection; best effort, never throws. */
    void close(int code, String reason);

    boolean isOpen();
}
