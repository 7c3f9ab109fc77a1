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

    /**
     * The session's peer address, or {@link #UNKNOWN} where the engine does not tell, or where the
     * capability was seen not to work (the engine's answer differed from the handshake's).
     */
    public static String of(Session session) {
        EngineAdapter engine = Engine.adapter();
        Capability capability = Engine.capability(Engine.REMOTE_ADDRESS);
        if (capability != null && capability.status().state() == Capability.State.INACTIVE) {
            return UNKNOWN;
        }
        try {
            String address = engine.remoteAddress(session);
            if (address == null) {
                Engine.remoteAddress(false, engine.name() + " answered no peer address for a " + session.getClass().getName());
                return UNKNOWN;
            }
            return address;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Engine.remoteAddress(false, "no peer address on " + session.getClass().getName() + ": " + e);
            return UNKNOWN;
        }
    }

    /**
     * The capability's verdict when the engine answered {@code engineSays} for a session whose
     * handshake request came from {@code handshakeSaid} (the servlet request's {@code getRemoteAddr()},
     * the standard API's answer for the same connection): active when they are the same address.
     */
    static Capability.Status prove(String engineName, String engineSays, String handshakeSaid) {
        if (engineSays == null) {
            return Capability.Status.inactive(engineName + " answered no peer address");
        }
        if (!same(engineSays, handshakeSaid)) {
            return Capability.Status.inactive(engineName + " answered " + engineSays + " for a session whose handshake came from "
                    + handshakeSaid);
        }
        return Capability.Status.active("a session's peer address comes from " + engineName + "'s session (seen: it matched its"
                + " handshake request's address)");
    }

    /**
     * The capability's verdict for a session opened on the thread that handled its own handshake
     * (so it is that handshake's session): where the engine's connection object under the session
     * is not the one under the handshake ({@code sameConnection} false; GlassFish 8 wraps it anew),
     * the engine's answer can never be matched with a handshake's, so the capability is inactive
     * and the address recorded at the handshake (the servlet request's, portable) is what counts;
     * otherwise the addresses decide ({@link #prove}).
     */
    static Capability.Status proveOnHandshakeThread(String engineName, boolean sameConnection, String connectionKinds,
            String engineSays, String handshakeSaid) {
        if (!sameConnection) {
            return Capability.Status.inactive(engineName + " opened a session on another connection object than its"
                    + " handshake's (" + connectionKinds + "), so its peer address cannot be proven against the handshake's;"
                    + " the address recorded at the handshake is used");
        }
        return prove(engineName, engineSays, handshakeSaid);
    }

    /** Whether two textual addresses are the same (IPv6 in brackets or not, any case). */
    static boolean same(String a, String b) {
        return a != null && b != null && strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String address) {
        String s = address.trim();
        if (s.startsWith("/")) {
            s = s.substring(1);
        }
        return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    }
}
