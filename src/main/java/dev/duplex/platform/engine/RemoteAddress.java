package dev.duplex.platform.engine;

import jakarta.websocket.Session;

/**
 * The remote address of a WebSocket session. Jakarta WebSocket has no API for it; the engine adapter
 * answers it ({@link EngineAdapter#remoteAddress}; Tyrus sessions have {@code getRemoteAddr()}). The
 * outcome is reported as the {@value Engine#REMOTE_ADDRESS} capability.
 */
public final class RemoteAddress {

    public static final String UNKNOWN = "unknown";

    private RemoteAddress() {
    }

    /** The session's peer address, or {@link #UNKNOWN} where the engine does not tell. */
    public static String of(Session session) {
        EngineAdapter engine = Engine.adapter();
        try {
            String address = engine.remoteAddress(session);
            if (address == null) {
                Engine.remoteAddress(false, engine.name() + " answered no peer address for a " + session.getClass().getName());
                return UNKNOWN;
            }
            Engine.remoteAddress(true, "a session's peer address comes from " + engine.name() + "'s session");
            return address;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Engine.remoteAddress(false, "no peer address on " + session.getClass().getName() + ": " + e);
            return UNKNOWN;
        }
    }
}
