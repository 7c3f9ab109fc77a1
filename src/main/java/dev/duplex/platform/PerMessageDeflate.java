package dev.duplex.platform;

import dev.duplex.platform.deflate.BoundedDeflate;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The permessage-deflate extension (RFC 7692) every Duplex endpoint offers: Duplex's own, whose
 * decompression is bounded by the endpoint's {@code duplex.<endpoint>.max-message-bytes} and
 * {@code duplex.deflate.max-ratio} ({@link BoundedDeflate}). It runs on Tyrus' extension SPI; on
 * servers without it, nothing is negotiated ({@link BoundedDeflate#active()}).
 */
final class PerMessageDeflate {

    static final String NAME = BoundedDeflate.NAME;

    private PerMessageDeflate() {
    }

    /** This handshake's extension object, when the client made an acceptable offer. */
    static Optional<Extension> negotiate(List<Extension> requested) {
        return BoundedDeflate.negotiate(requested);
    }

    /** Sets the connection's limit from the endpoint's path and hands its deflate state to the session. */
    static void handshakeDone(ServerEndpointConfig config, HandshakeResponse response) {
        BoundedDeflate.handshakeDone(config.getPath(), config.getUserProperties(), answered(response.getHeaders()));
    }

    /** Whether the handshake response names permessage-deflate (a subclass may have filtered it out). */
    private static boolean answered(Map<String, List<String>> headers) {
        return headers.entrySet().stream()
                .filter(header -> "Sec-WebSocket-Extensions".equalsIgnoreCase(header.getKey()) && header.getValue() != null)
                .flatMap(header -> header.getValue().stream())
                .anyMatch(value -> value != null && value.contains(NAME));
    }
}
