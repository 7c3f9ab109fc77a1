package dev.duplex.platform.engine;

import java.lang.System.Logger.Level;

/**
 * A way to drop the network connection under a session at once, for a session the server closed
 * but whose peer never answered the close frame. Tyrus keeps such a connection open and unread
 * until the peer's close frame arrives, and Grizzly's own close waits until pending output has
 * been written, which a client that does not read never allows: without this, every such client
 * would keep a socket and megabytes of buffers for as long as it likes.
 *
 * <p>Jakarta WebSocket has no API for it. The engine adapter reaches the connection under a session
 * ({@link EngineAdapter#connectionOf(jakarta.websocket.Session)}; on Payara, Tyrus' and Grizzly's
 * objects by reflection) and drops it ({@link EngineAdapter#abort}). The same connection is reached
 * from a handshake's servlet request, so that an upgrade can be matched with the session it becomes
 * ({@link PendingUpgrades}). Where the adapter cannot, {@link Engine#attach} reports the capability
 * inactive and the abort does nothing. Every call into the engine catches {@link LinkageError} too.
 */
public final class ConnectionAbort {

    /** Drops one connection; does nothing if it is already gone. */
    @FunctionalInterface
    public interface Abort {
        void run();
    }

    static final Abort NONE = () -> { };

    /** How an untested capability's detail begins once a closed session's connection was found already dropped. */
    public static final String ENGINE_DROPPED = "a closed session's connection was already dropped by the engine itself when the"
            + " close timeout ran out";

    private static final System.Logger LOG = System.getLogger(ConnectionAbort.class.getName());

    private ConnectionAbort() {
    }

    /** Drops {@code connection} (from {@link EngineAdapter#connectionOf}) at once; nothing happens if it is gone. */
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
                EngineAdapter engine = Engine.adapter();
                boolean wasOpen = engine.isOpen(connection);
                engine.abort(connection);
                if (capability != null && !wasOpen && capability.status().state() == Capability.State.UNTESTED) {
                    // Tyrus 2.2 on Payara Micro 7 drops the connection as soon as it has sent the server's
                    // close: nothing was left to drop, which proves nothing either way
                    capability.untested(ENGINE_DROPPED + "; proven when it drops one still open (the upgrade reaper's)");
                }
                if (capability != null && wasOpen) {
                    if (engine.isOpen(connection)) {
                        capability.inactive("a connection stayed open after " + engine.name() + "'s abort");
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
}
