package dev.duplex.platform.deflate;

import jakarta.websocket.Extension;

/**
 * What the bounded permessage-deflate needs from a WebSocket engine (the deflate part of the engine
 * SPI): an extension object the engine drives frame by frame, so that each compressed frame is
 * inflated through {@link DeflateSession}'s bounded {@code Inflation} before the engine buffers the
 * message. Jakarta WebSocket has no such hook, so only engine implementations provide one; where
 * none is found (or none {@link #available()}), {@link BoundedDeflate} negotiates nothing.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.duplex.platform.deflate.DeflateEngine} entry), so this package names
 * no engine class and does not depend on the implementation's package.
 */
public interface DeflateEngine {

    /**
     * Whether this engine's extension SPI is present in the running server. Must not throw: an
     * absent engine answers false (a {@link LinkageError} is caught by the implementation).
     */
    boolean available();

    /** For logs and {@code /api/status}: how the bounded extension runs on this engine. */
    String describe();

    /**
     * The extension object for one connection, driving {@code session}'s codecs: incoming frames
     * inflated through {@link DeflateSession#inflate}, outgoing through {@link DeflateSession#compress},
     * {@link DeflateSession#close} when the engine closes the connection.
     */
    Extension extension(DeflateSession session);

    /** A frame as the engine would process it after the extension: its opcode and payload. */
    record Frame(int opcode, byte[] payload) {
    }

    /**
     * Drives {@code extension} (made by {@link #extension}) as the engine drives it for one incoming
     * final frame, and answers the frame the engine would then process. For the self-test that makes
     * {@code bounded-deflate} active ({@link BoundedDeflate}): the implementation must use the same
     * code path the engine uses for a client's frame.
     */
    Frame incoming(Extension extension, int opcode, boolean rsv1, byte[] payload);
}
