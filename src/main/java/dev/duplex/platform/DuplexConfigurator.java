package dev.duplex.platform;

import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The handshake policy every Duplex endpoint shares: it offers Duplex's bounded permessage-deflate
 * ({@link PerMessageDeflate}) when the client asks for it, and hands the client address resolved by {@link HandshakeFilter} to the session
 * (as the user property {@link Connections#CLIENT_ADDRESS}). Subprotocols are negotiated as the
 * specification says (the first one the client offers that the endpoint supports; none offered
 * gives {@code protocol === ""}). The Origin check runs earlier, in {@link HandshakeFilter}, where
 * the request's Host header is known.
 */
public class DuplexConfigurator extends ServerEndpointConfig.Configurator {

    /**
     * Duplex's bounded permessage-deflate (a new extension object per connection) when the client
     * offers it acceptably; any permessage-deflate the engine would add itself is left out.
     */
    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        List<Extension> negotiated = new ArrayList<>(super.getNegotiatedExtensions(installed, requested));
        negotiated.removeIf(e -> PerMessageDeflate.NAME.equals(e.getName()));
        PerMessageDeflate.negotiate(requested).ifPresent(negotiated::add);
        return negotiated;
    }

    /**
     * The user properties of the configuration passed here belong to this one connection (Jakarta
     * WebSocket 2.1) and become the session's.
     */
    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        super.modifyHandshake(config, request, response);
        PerMessageDeflate.handshakeDone(config, response);
        List<String> address = request.getHeaders().get(HandshakeFilter.CLIENT_ADDRESS_HEADER);
        if (address == null) {
            address = request.getHeaders().get(HandshakeFilter.CLIENT_ADDRESS_HEADER.toLowerCase(java.util.Locale.ROOT));
        }
        if (address != null && !address.isEmpty()) {
            config.getUserProperties().put(Connections.CLIENT_ADDRESS, address.get(0));
        }
    }
}
