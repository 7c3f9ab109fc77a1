package dev.duplex.platform.engine;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;

/**
 * A way to drop the network connection under a session at once, for a session the server closed
 * but whose peer never answered the close frame. Tyrus keeps such a connection open and unread
 * until the peer's close frame arrives, and Grizzly's own close waits until pending output has
 * been written, which a client that does not read never allows: without this, every such client
 * would keep a socket and megabytes of buffers for as long as it likes.
 *
 * <p>Jakarta WebSocket has no API for it. On Payara (Tyrus over Grizzly) {@link #connectionOf(Session)} follows
 * the engine's objects by reflection while the session is open, from the session to its Grizzly
 * connection (remote endpoint → web socket → protocol handler → servlet writer → upgrade handler
 * (proxy) → web connection → request → Grizzly request → connection), and the abort terminates that
 * connection. The same connection is reached from a handshake's servlet request, so that an
 * upgrade can be matched with the session it becomes ({@link PendingUpgrades}). Anywhere else
 * {@link Engine#attach} reports the capability inactive and the abort does nothing. The connection
 * object is captured at open because the request objects on the way are pooled and reused after
 * the upgrade ends. Every call into the engine catches {@link LinkageError} too.
 */
public final class ConnectionAbort {

    /** Drops one connection; does nothing if it is already gone. */
    @FunctionalInterface
    public interface Abort {
        void run();
    }

    static final Abort NONE = () -> { };

    private static final System.Logger LOG = System.getLogger(ConnectionAbort.class.getName());

    private ConnectionAbort() {
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

    /** Drops {@code connection} (from {@link #connectionOf}) at once; nothing happens if it is gone. */
    static Abort abortOf(Object connection) {
        return abortOf(connection, null);
    }

    /**
     * As {@link #abortOf(Object)}, and tells {@code capability} what the drop did: active when the
     * connection was open before and is closed after it (the behaviour the capability promises),
     * inactive when it stayed open or the call failed.
     */
    static Abort abortOf(Object connection, Capability capability) {
        return () -> {
            try {
                boolean wasOpen = open(connection);
                EngineFields.method(connection.getClass(), "terminateSilently").invoke(connection);
                if (capability != null && wasOpen) {
                    if (open(connection)) {
                        capability.inactive("a connection stayed open after Grizzly's terminateSilently");
                    } else if (!capability.isActive()) {
                        capability.active("a closed session's connection was seen dropped when its peer did not answer");
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.log(Level.DEBUG, () -> "Could not drop a connection: " + e);
                if (capability != null) {
                    capability.inactive("dropping a connection failed: " + e);
                }
            }
        };
    }

    private static boolean open(Object connection) throws ReflectiveOperationException {
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
