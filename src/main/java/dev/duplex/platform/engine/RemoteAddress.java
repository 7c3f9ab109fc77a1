package dev.duplex.platform.engine;

import jakarta.websocket.Session;
import java.lang.reflect.Method;

/**
 * The remote address of a WebSocket session. Jakarta WebSocket has no API for it; Tyrus sessions
 * have {@code getRemoteAddr()}, which is called reflectively so that the WAR stays portable.
 */
public final class RemoteAddress {

    public static final String UNKNOWN = "unknown";

    private RemoteAddress() {
    }

    public static String of(Session session) {
        try {
            Method getter = session.getClass().getMethod("getRemoteAddr");
            Object address = getter.invoke(session);
            return address == null ? UNKNOWN : address.toString();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return UNKNOWN;
        }
    }
}
