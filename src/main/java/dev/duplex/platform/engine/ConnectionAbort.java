package dev.duplex.platform.engine;

import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A way to drop the network connection under a session at once, for a session the server closed
 * but whose peer never answered the close frame. Tyrus keeps such a connection open and unread
 * until the peer's close frame arrives, and Grizzly's own close waits until pending output has
 * been written, which a client that does not read never allows: without this, every such client
 * would keep a socket and megabytes of buffers for as long as it likes.
 *
 * <p>Jakarta WebSocket has no API for it. On Payara (Tyrus over Grizzly) {@link #capture} follows
 * the engine's objects by reflection while the session is open, from the session to its Grizzly
 * connection (remote endpoint → web socket → protocol handler → servlet writer → upgrade handler
 * (proxy) → web connection → request → Grizzly request → connection), and the abort terminates that
 * connection. Anywhere else the abort does nothing. The connection object is captured at open
 * because the request objects on the way are pooled and reused after the upgrade ends.
 */
public final class ConnectionAbort {

    /** Drops one connection; does nothing if it is already gone. */
    @FunctionalInterface
    public interface Abort {
        void run();
    }

    static final Abort NONE = () -> { };

    private static final System.Logger LOG = System.getLogger(ConnectionAbort.class.getName());
    private static final Map<String, Field> FIELDS = new ConcurrentHashMap<>();
    private static final Map<String, Method> METHODS = new ConcurrentHashMap<>();
    private static volatile boolean warned;

    private ConnectionAbort() {
    }

    /** The way to drop this session's connection later, or {@link #NONE} where there is none. */
    public static Abort capture(Session session) {
        try {
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
            Object request = field(webConnection, "request");
            Object grizzlyRequest = call(request, "getCoyoteRequest");
            Object connection = call(grizzlyRequest, "getConnection");
            Method terminate = method(connection.getClass(), "terminateSilently");
            return () -> {
                try {
                    terminate.invoke(connection);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(Level.DEBUG, () -> "Could not drop a connection: " + e);
                }
            };
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            if (!warned) {
                warned = true;
                LOG.log(Level.INFO, "Connections of sessions whose peers ignore a close cannot be dropped on this server: {0}", e.toString());
            }
            return NONE;
        }
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        if (target == null) {
            throw new NoSuchFieldException(name + " of null");
        }
        Class<?> type = target.getClass();
        Field field = FIELDS.get(type.getName() + '#' + name);
        if (field == null) {
            field = EngineFields.find(type, name);
            FIELDS.put(type.getName() + '#' + name, field);
        }
        return field.get(target);
    }

    private static Object call(Object target, String name) throws ReflectiveOperationException {
        if (target == null) {
            throw new NoSuchMethodException(name + " of null");
        }
        return method(target.getClass(), name).invoke(target);
    }

    private static Method method(Class<?> type, String name) throws NoSuchMethodException {
        String key = type.getName() + '#' + name;
        Method method = METHODS.get(key);
        if (method == null) {
            method = type.getMethod(name);
            method.setAccessible(true);
            METHODS.put(key, method);
        }
        return method;
    }
}
