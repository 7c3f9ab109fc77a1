package dev.duplex.platform.engine;

import jakarta.websocket.Session;
import java.lang.reflect.Method;

/**
 * The remote address of a WebSocket session. Jakarta WebSocket has no API for it; Tyrus sessions
 * have {@code getRemoteAddr()}, which is called reflectively so that the WAR stays portable. The
 * outcome is reported as the {@value Engine#REMOTE_ADDRESS} capability.
 */
public final class RemoteAddress {

    public static final String UNKNOWN = "unknown";

    private static volatile Method getter;

    private RemoteAddress() {
    }

    /** The session's peer address, or {@link #UNKNOWN} where the engine does not tell. */
    public static String of(Session session) {
        try {
            Method method = getter;
            if (method == null || !method.getDeclaringClass().isInstance(session)) {
                method = session.getClass().getMethod("getRemoteAddr");
                getter = method;
            }
            Object address = method.invoke(session);
            if (address == null) {
                Engine.remoteAddress(false, session.getClass().getName() + ".getRemoteAddr() answered null");
                return UNKNOWN;
            }
            Engine.remoteAddress(true, "a session's peer address comes from " + method.getDeclaringClass().getSimpleName() + ".getRemoteAddr()");
            return address.toString();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Engine.remoteAddress(false, "no peer address on " + session.getClass().getName() + ": " + e);
            return UNKNOWN;
        }
    }
}
