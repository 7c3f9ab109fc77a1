package dev.duplex.engine.tyrus;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.websocket.Session;

/**
 * The Grizzly connection under a Tyrus session or a handshake, reached by reflection on Tyrus',
 * Payara's and Grizzly's objects (Jakarta WebSocket has no API for it): from a session, remote
 * endpoint → web socket → protocol handler → servlet writer → upgrade handler (proxy) → web
 * connection → request → Grizzly request → connection; from a handshake's servlet request,
 * unwrapped, Payara's request facade, its Catalina request, the Grizzly request, its connection. The
 * connection object is captured at open because the request objects on the way are pooled and
 * reused after the upgrade ends. Then: drop it ({@code terminateSilently}), and read or bound its
 * async write queue. Moved here from {@code dev.duplex.platform.engine.ConnectionAbort} and
 * {@code WriteQueue}, which keep the capability logic.
 */
final class GrizzlyConnections {

    private GrizzlyConnections() {
    }

    /**
     * The Grizzly connection under an open Tyrus session.
     *
     * @throws ReflectiveOperationException or a {@link RuntimeException} or {@link LinkageError}
     *                                      when the engine's objects are not as expected
     */
    static Object connectionOf(Session session) throws ReflectiveOperationException {
        Object remote = field(session, "asyncRemote");
        Object webSocket = field(remote, "webSocket");
        Object protocolHandler = field(webSocket, "protocolHandler");
        Object writer = field(protocolHandler, "writer");
        Object upgradeHandler = field(writer, "tyrusHttpUpgradeHandler");
        Object webConnection = field(upgradeHandler, "wc");
        if (webConnection == null) {
            // the servlet writer holds Tyrus' proxy of the upgrade handler; the real one is inside
            webConnection = field(field(upgradeHandler, "handler"), "wc");
        }
        return connectionOf(field(webConnection, "request"));
    }

    /**
     * The Grizzly connection that carries an HTTP request (a WebSocket handshake), from the
     * servlet request the filters see: unwrapped, Payara's request facade, its Catalina request,
     * the Grizzly request, its connection.
     */
    static Object connectionOf(ServletRequest request) throws ReflectiveOperationException {
        ServletRequest unwrapped = request;
        while (unwrapped instanceof ServletRequestWrapper wrapper) {
            unwrapped = wrapper.getRequest();
        }
        return connectionOf((Object) unwrapped);
    }

    private static Object connectionOf(Object request) throws ReflectiveOperationException {
        // Catalina's request has the Grizzly request; Payara's RequestFacade holds the Catalina request
        Object catalinaRequest = hasMethod(request, "getCoyoteRequest") ? request : field(request, "request");
        Object grizzlyRequest = call(catalinaRequest, "getCoyoteRequest");
        Object connection = call(grizzlyRequest, "getConnection");
        if (connection == null) {
            throw new NoSuchFieldException("the request has no connection");
        }
        EngineFields.method(connection.getClass(), "terminateSilently");
        return connection;
    }

    /** Drops {@code connection} at once ({@code terminateSilently}); nothing happens if it is gone. */
    static void abort(Object connection) throws ReflectiveOperationException {
        EngineFields.method(connection.getClass(), "terminateSilently").invoke(connection);
    }

    /**
     * Sets {@code connection}'s (a Grizzly connection, from {@link #connectionOf})
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

    /**
     * Grizzly 5's {@code pendingBytesHardLimitMultiplier} of the async writer of
     * {@code connection}'s transport ({@code getTransport().getAsyncQueueIO().getWriter()}), or 0
     * when that writer has no hard limit (Grizzly 4).
     */
    static int hardLimitMultiplier(Object connection) throws ReflectiveOperationException {
        Object transport = EngineFields.method(connection.getClass(), "getTransport").invoke(connection);
        Object io = EngineFields.method(transport.getClass(), "getAsyncQueueIO").invoke(transport);
        Object writer = EngineFields.method(io.getClass(), "getWriter").invoke(io);
        java.lang.reflect.Method multiplier;
        try {
            multiplier = EngineFields.method(writer.getClass(), "getPendingBytesHardLimitMultiplier");
        } catch (NoSuchMethodException e) {
            return 0;
        }
        return (Integer) multiplier.invoke(writer);
    }

    static boolean open(Object connection) throws ReflectiveOperationException {
        return (Boolean) EngineFields.method(connection.getClass(), "isOpen").invoke(connection);
    }

    private static boolean hasMethod(Object target, String name) {
        try {
            EngineFields.method(target.getClass(), name);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        return EngineFields.value(target, name);
    }

    private static Object call(Object target, String name) throws ReflectiveOperationException {
        if (target == null) {
            throw new NoSuchMethodException(name + " of null");
        }
        return EngineFields.method(target.getClass(), name).invoke(target);
    }
}
