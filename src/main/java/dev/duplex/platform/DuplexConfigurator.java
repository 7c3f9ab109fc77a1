package dev.duplex.platform;

import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The handshake policy every Duplex endpoint shares: it offers permessage-deflate when the client
 * asks for it. Subprotocols are negotiated as the specification says (the first one the client
 * offers that the endpoint supports; none offered gives {@code protocol === ""}). The Origin check
 * runs earlier, in {@link HandshakeFilter}, where the request's Host header is known.
 */
public class DuplexConfigurator extends ServerEndpointConfig.Configurator {

    private final Optional<Extension> deflate = PerMessageDeflate.load();

    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        List<Extension> negotiated = new ArrayList<>(super.getNegotiatedExtensions(installed, requested));
        boolean already = negotiated.stream().anyMatch(e -> PerMessageDeflate.NAME.equals(e.getName()));
        if (!already && deflate.isPresent() && PerMessageDeflate.requested(requested)) {
            negotiated.add(deflate.get());
        }
        return negotiated;
    }
}
