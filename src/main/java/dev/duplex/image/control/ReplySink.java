package dev.duplex.image.control;

import dev.duplex.image.entity.ImageReply;
import java.util.concurrent.CompletionStage;

/**
 * Where a connection's replies go: the session's platform {@link dev.duplex.platform.Outbox} (or a
 * test double over one). A send queues the message behind those sent before, in order, and returns
 * at once; its stage completes when the message has been written, or fails when it never will be
 * (the connection failed, or the outbox closed it as a slow consumer or for the memory budget).
 * {@link ReplySequence} hands replies over in the order their messages arrived.
 */
public interface ReplySink {

    /** Queues one text (JSON) message. */
    CompletionStage<Void> send(ImageReply reply);

    /** Queues one binary message. */
    CompletionStage<Void> send(byte[] image);

    /** Closes the connection; best effort, never throws. */
    void close(int code, String reason);

    /** Whether the connection is open (a close, the outbox's own included, ends it at once). */
    boolean isOpen();
}
