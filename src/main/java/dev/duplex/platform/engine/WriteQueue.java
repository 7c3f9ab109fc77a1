package dev.duplex.platform.engine;

/**
 * Bounds what Grizzly accepts for writing to one connection beyond what the socket took, so that
 * a client that stops reading makes Duplex's own accounting see its writes wait.
 *
 * <p>Tyrus on Payara reports a send complete as soon as Grizzly has taken its bytes, and Grizzly
 * takes them while its async write queue for the connection holds less than the connection's
 * {@code maxAsyncWriteQueueSize} (the servlet output stream is "ready" until then). Grizzly sizes
 * that limit at four times the socket's send buffer: on Linux loopback 10 to 16 MB per connection,
 * none of it in Duplex's {@code Outbox} or memory budget, because every send looked complete. With
 * the limit set low at session open, a silent client's writes stop completing after that many
 * bytes wait in Grizzly; from there Duplex's outbox (and its slow-consumer limit and the memory
 * budget), the feed's keepalive and the chat's backlog see the client as slow. A single write
 * larger than the limit is still taken whole (Grizzly checks the limit only before a write), so no
 * message is refused by it.
 *
 * <p>Grizzly's {@code Connection.setMaxAsyncWriteQueueSize(int)} and
 * {@code getMaxAsyncWriteQueueSize()} are public API of the connection Duplex already reaches for
 * {@link ConnectionAbort}; they are called by reflection, so that the WAR links on other engines.
 */
final class WriteQueue {

    private WriteQueue() {
    }

    /**
     * Sets {@code connection}'s (a Grizzly connection, from {@link ConnectionAbort#connectionOf})
     * write queue limit to {@code bytes}.
     *
     * @return the limit afterwards, as Grizzly reports it
     * @throws ReflectiveOperationException or a {@link RuntimeException} or {@link LinkageError}
     *                                      when the connection is not as expected
     */
    static int limit(Object connection, int bytes) throws ReflectiveOperationException {
        EngineFields.method(connection.getClass(), "setMaxAsyncWriteQueueSize", int.class).invoke(connection, bytes);
        return (Integer) EngineFields.method(connection.getClass(), "getMaxAsyncWriteQueueSize").invoke(connection);
    }

    /**
     * The bytes Grizzly holds for writing to {@code connection} now: what it accepted (and Tyrus
     * reported as sent) but the socket has not taken yet, from the connection's async write queue
     * ({@code NIOConnection.getAsyncWriteQueue().spaceInBytes()}, public API).
     */
    static int queued(Object connection) throws ReflectiveOperationException {
        Object queue = EngineFields.method(connection.getClass(), "getAsyncWriteQueue").invoke(connection);
        return (Integer) EngineFields.method(queue.getClass(), "spaceInBytes").invoke(queue);
    }
}
