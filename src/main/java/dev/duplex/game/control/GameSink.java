package dev.duplex.game.control;

import java.nio.ByteBuffer;

/**
 * Where a room's messages for one client go (the endpoint's session through the platform's outbox,
 * or a test's list), and what the client's memory account allows. Implementations never block.
 */
public interface GameSink {

    /** Queues a binary message; false when it was refused (the sink then closes itself). */
    boolean send(ByteBuffer message);

    /** Closes the client's connection with the code and reason. */
    void close(int code, String reason);

    /** Reserves bytes the server holds for this client; false when its memory budget has no room. */
    boolean reserve(long bytes);

    /** Gives back bytes reserved with {@link #reserve}. */
    void release(long bytes);
}
