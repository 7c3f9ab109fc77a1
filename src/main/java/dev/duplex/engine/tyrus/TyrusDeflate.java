package dev.duplex.engine.tyrus;

import dev.duplex.platform.deflate.DeflateEngine;
import dev.duplex.platform.deflate.DeflateSession;
import jakarta.websocket.Extension;

/**
 * The bounded permessage-deflate on Tyrus' {@code ExtendedExtension} SPI ({@link TyrusDeflateExtension}),
 * found by {@link dev.duplex.platform.deflate.BoundedDeflate} through {@link java.util.ServiceLoader}.
 * This class itself names no Tyrus type, so it loads on any server; {@link #available()} tells
 * whether Tyrus' SPI is there.
 */
public final class TyrusDeflate implements DeflateEngine {

    private static final String SPI = "org.glassfish.tyrus.core.extension.ExtendedExtension";

    /** For {@link java.util.ServiceLoader}. */
    public TyrusDeflate() {
    }

    @Override
    public boolean available() {
        try {
            Class.forName(SPI, false, TyrusDeflate.class.getClassLoader());
            // links the extension against this Tyrus (a changed SPI fails here, not on a handshake)
            Class.forName(TyrusDeflateExtension.class.getName(), true, TyrusDeflate.class.getClassLoader());
            return true;
        } catch (ReflectiveOperationException | LinkageError e) {
            System.getLogger(TyrusDeflate.class.getName()).log(System.Logger.Level.DEBUG, "Tyrus extension SPI absent: {0}", e);
            return false;
        }
    }

    @Override
    public String describe() {
        return "bounded permessage-deflate on Tyrus' ExtendedExtension SPI: inflated messages are limited per endpoint";
    }

    @Override
    public Extension extension(DeflateSession session) {
        return TyrusDeflateExtension.of(session);
    }

    /** Through Tyrus' {@code ExtendedExtension.processIncoming}, as Tyrus' read handler calls it ({@link TyrusDeflateExtension#incoming}). */
    @Override
    public Frame incoming(Extension extension, int opcode, boolean rsv1, byte[] payload) {
        return TyrusDeflateExtension.incoming(extension, opcode, rsv1, payload);
    }
}
