package dev.duplex.platform.deflate;

import jakarta.websocket.Extension;
import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Duplex's permessage-deflate (RFC 7692) whose decompression is bounded by the endpoint's message
 * limit and a compression-ratio bound ({@link Inflation}), in place of the engine's own extension (Tyrus'
 * inflates a whole frame before any limit applies).
 *
 * <p>Handshake protocol for a configurator: {@link #negotiate} in {@code getNegotiatedExtensions},
 * then {@link #handshakeDone} in {@code modifyHandshake} (Tyrus calls both on the same thread, in that
 * order, within one handshake), which sets the endpoint's limit from its path and stores the
 * {@link DeflateSession} in the session's user properties.
 *
 * <p>The frames are driven by the engine's extension, a {@link DeflateEngine} found through
 * {@link ServiceLoader} (on Tyrus: {@code dev.duplex.engine.tyrus.TyrusDeflate}); this package names no
 * engine type. {@link #active()} and {@link #reason()} tell whether the bounded extension is in use
 * on this server; where no engine implementation is available, nothing is negotiated.
 */
public final class BoundedDeflate {

    public static final String NAME = "permessage-deflate";

    private static final System.Logger LOG = System.getLogger(BoundedDeflate.class.getName());
    private static final ThreadLocal<DeflateSession> PENDING = new ThreadLocal<>();
    /** The engine's extension, or null where no engine implementation offers one. */
    private static final DeflateEngine ENGINE;
    private static final String REASON;
    private static volatile DeflateSettings settings;

    static {
        DeflateEngine found = find(ServiceLoader.load(DeflateEngine.class, BoundedDeflate.class.getClassLoader()));
        String failed = found == null ? null : selfTest(found);
        ENGINE = failed == null ? found : null;
        REASON = found == null ? "permessage-deflate not offered: no engine implementation on this server can bound it"
                : failed != null ? "permessage-deflate not offered: the self-test of the bounded extension failed: " + failed
                : found.describe() + " (self-test at start: a compressed message inflated through it, one inflating past"
                        + " its limit refused with 1009)";
        LOG.log(failed != null ? Level.WARNING : found != null ? Level.DEBUG : Level.INFO, REASON);
    }

    /**
     * Proves {@code engine}'s extension at start, by behaviour: a compressed message goes in as a
     * client's frame and must come out inflated, and one inflating to 64 KiB on a 1 KiB limit must
     * be refused with a close frame of code 1009.
     *
     * @return null when it passed, else what went wrong
     */
    static String selfTest(DeflateEngine engine) {
        Negotiation agreed = Negotiation.of(List.of()).orElseThrow();
        String text = "Duplex checks its bounded permessage-deflate on this engine";
        try {
            try (DeflateSession session = new DeflateSession(agreed, DeflateSettings.defaults())) {
                session.limitMessageBytes(1024);
                DeflateEngine.Frame back = engine.incoming(engine.extension(session), 0x1, true,
                        deflate(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                if (back.opcode() != 0x1 || !text.equals(new String(back.payload(), java.nio.charset.StandardCharsets.UTF_8))) {
                    return "a compressed text message came out as opcode " + back.opcode() + ", " + back.payload().length + " bytes";
                }
            }
            try (DeflateSession session = new DeflateSession(agreed, DeflateSettings.defaults())) {
                session.limitMessageBytes(1024);
                DeflateEngine.Frame back = engine.incoming(engine.extension(session), 0x2, true, deflate(new byte[64 * 1024]));
                byte[] payload = back.payload();
                int code = payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : -1;
                if (back.opcode() != 0x8 || code != DeflateFailure.TOO_BIG) {
                    return "a message inflating to 64 KiB on a 1 KiB limit came out as opcode " + back.opcode()
                            + (back.opcode() == 0x8 ? " code " + code : "") + ", not refused with 1009";
                }
            }
            return null;
        } catch (RuntimeException | LinkageError e) {
            return e.toString();
        }
    }

    /** {@code bytes} as one permessage-deflate payload: raw deflate, sync-flushed, its 00 00 FF FF tail cut (RFC 7692). */
    static byte[] deflate(byte[] bytes) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(bytes);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            int n;
            while ((n = deflater.deflate(chunk, 0, chunk.length, java.util.zip.Deflater.SYNC_FLUSH)) > 0) {
                out.write(chunk, 0, n);
                if (n < chunk.length) {
                    break;
                }
            }
            byte[] all = out.toByteArray();
            return java.util.Arrays.copyOf(all, all.length - 4);
        } finally {
            deflater.end();
        }
    }

    /**
     * The first implementation in {@code candidates} that is {@link DeflateEngine#available()}, or
     * null; one that cannot be loaded (its engine is absent) is skipped, and logged.
     */
    static DeflateEngine find(Iterable<DeflateEngine> candidates) {
        Iterator<DeflateEngine> it = candidates.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return null;
                }
                DeflateEngine candidate = it.next();
                if (candidate.available()) {
                    return candidate;
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                LOG.log(Level.INFO, "A permessage-deflate engine implementation cannot be loaded here: {0}", e.toString());
            }
        }
    }

    private BoundedDeflate() {
    }

    /** Whether the bounded permessage-deflate extension is negotiated on this server. */
    public static boolean active() {
        return ENGINE != null;
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
        if (ENGINE == null) {
            return Optional.empty();
        }
        Optional<Negotiation> agreed = Negotiation.first(requested);
        if (agreed.isEmpty()) {
            return Optional.empty();
        }
        DeflateSession session = new DeflateSession(agreed.get(), settings());
        PENDING.set(session);
        return Optional.of(ENGINE.extension(session));
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
