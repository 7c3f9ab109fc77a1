package dev.duplex.platform.deflate;

import jakarta.websocket.Extension;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Duplex's permessage-deflate (RFC 7692) whose decompression is bounded by the endpoint's message
 * limit and a compression-ratio bound ({@link Inflation}), in place of Tyrus' own extension, which
 * inflates a whole frame before any limit applies.
 *
 * <p>Handshake protocol for a configurator: {@link #negotiate} in {@code getNegotiatedExtensions},
 * then {@link #handshakeDone} in {@code modifyHandshake} (Tyrus calls both on the same thread, in that
 * order, within one handshake), which sets the endpoint's limit from its path and stores the
 * {@link DeflateSession} in the session's user properties.
 *
 * <p>{@link #active()} and {@link #reason()} tell whether the bounded extension is in use on this
 * server (it needs Tyrus' extension SPI); when it is not, nothing is negotiated.
 */
public final class BoundedDeflate {

    public static final String NAME = "permessage-deflate";

    private static final String SPI = "org.glassfish.tyrus.core.extension.ExtendedExtension";
    private static final System.Logger LOG = System.getLogger(BoundedDeflate.class.getName());
    private static final ThreadLocal<DeflateSession> PENDING = new ThreadLocal<>();
    private static final boolean ACTIVE;
    private static final String REASON;
    private static volatile DeflateSettings settings;

    static {
        boolean active;
        String reason;
        try {
            Class.forName(SPI, false, BoundedDeflate.class.getClassLoader());
            Class.forName(BoundedDeflate.class.getPackageName() + ".TyrusDeflateExtension", true, BoundedDeflate.class.getClassLoader());
            active = true;
            reason = "bounded permessage-deflate on Tyrus' ExtendedExtension SPI: inflated messages are limited per endpoint";
        } catch (ReflectiveOperationException | LinkageError e) {
            active = false;
            reason = "permessage-deflate not offered: the engine has no Tyrus ExtendedExtension SPI (" + e + ")";
            LOG.log(Level.INFO, reason);
        }
        ACTIVE = active;
        REASON = reason;
    }

    private BoundedDeflate() {
    }

    /** Whether the bounded permessage-deflate extension is negotiated on this server. */
    public static boolean active() {
        return ACTIVE;
    }

    /** Why {@link #active()} is what it is, for logs and health output. */
    public static String reason() {
        return REASON;
    }

    /**
     * The extension object for one handshake when the client made an acceptable permessage-deflate
     * offer and the bounded extension is active; empty otherwise. Remembers the new connection's
     * {@link DeflateSession} for {@link #handshakeDone} on this thread.
     */
    public static Optional<Extension> negotiate(List<Extension> requested) {
        PENDING.remove();
        if (!ACTIVE) {
            return Optional.empty();
        }
        Optional<Negotiation> agreed = Negotiation.first(requested);
        if (agreed.isEmpty()) {
            return Optional.empty();
        }
        DeflateSession session = new DeflateSession(agreed.get(), settings());
        PENDING.set(session);
        return Optional.of(TyrusDeflateExtension.of(session));
    }

    /**
     * Completes the handshake on this thread: when permessage-deflate was answered
     * ({@code negotiated}), limits the connection's messages to the endpoint's
     * {@code duplex.<segment>.max-message-bytes} for {@code path} and stores its
     * {@link DeflateSession} in {@code userProperties} under {@link DeflateSession#USER_PROPERTY};
     * otherwise lets it go.
     */
    public static void handshakeDone(String path, Map<String, Object> userProperties, boolean negotiated) {
        DeflateSession session = PENDING.get();
        PENDING.remove();
        if (session == null) {
            return;
        }
        if (!negotiated) {
            session.close();
            return;
        }
        session.limitMessageBytes(settings().maxMessageBytesFor(path));
        userProperties.put(DeflateSession.USER_PROPERTY, session);
    }

    private static DeflateSettings settings() {
        DeflateSettings current = settings;
        if (current == null) {
            current = DeflateSettings.configured();
            settings = current;
        }
        return current;
    }
}
