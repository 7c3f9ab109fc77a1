package dev.duplex.platform;

import jakarta.websocket.Extension;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;

/**
 * The permessage-deflate extension (RFC 7692) where the WebSocket engine is Tyrus (Payara,
 * GlassFish): Tyrus ships it as an optional extension that an endpoint must offer itself. The class
 * is loaded by name so that the WAR carries no compile-time tie to Tyrus and still deploys on
 * servers that negotiate compression on their own.
 */
final class PerMessageDeflate {

    static final String NAME = "permessage-deflate";
    private static final String TYRUS_EXTENSION = "org.glassfish.tyrus.ext.extension.deflate.PerMessageDeflateExtension";
    private static final System.Logger LOG = System.getLogger(PerMessageDeflate.class.getName());

    private PerMessageDeflate() {
    }

    /** The engine's extension object, or empty when this server has no Tyrus to run it. */
    static Optional<Extension> load() {
        try {
            Class<?> type = Class.forName(TYRUS_EXTENSION, true, PerMessageDeflate.class.getClassLoader());
            return Optional.of((Extension) type.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            LOG.log(Level.INFO, "permessage-deflate is left to the server: {0}", e.toString());
            return Optional.empty();
        }
    }

    static boolean requested(List<Extension> requested) {
        return requested != null && requested.stream().anyMatch(e -> NAME.equals(e.getName()));
    }
}
