package dev.duplex.draw.control;

import java.nio.ByteBuffer;

/** Where a board member's messages go: a WebSocket session through its outbox, or a test's list. */
public interface DrawPeer {

    /** The session id, for logs. */
    String id();

    /** Queues one binary message; never blocks. The buffer is this peer's own (a read-only view). */
    void send(ByteBuffer message);

    /** Closes the session with {@code code} and {@code reason}. */
    void close(int code, String reason);
}
