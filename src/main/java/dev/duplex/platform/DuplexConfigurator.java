package dev.duplex.platform;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The handshake policy every Duplex endpoint shares: it offers Duplex's bounded permessage-deflate
 * ({@link PerMessageDeflate}) when the client asks for it, and hands the client address resolved by {@link HandshakeFilter} to the session
 * (as the user property {@link Connections#CLIENT_ADDRESS}). Subprotocols are negotiated as the
 * specification says (the first one the client offers that the endpoint supports; none offered
 * gives {@code protocol === ""}). The Origin check runs earlier, in {@link HandshakeFilter}, where
 * the request's Host header is known.
 *
 * <p>It also makes each connection's endpoint instance ({@link #getEndpointInstance}): a new one
 * per connection, with its {@code @Inject} fields filled by the application's CDI container.
 * Servers differ on injecting into {@code @ServerEndpoint} classes (Payara, GlassFish and WildFly
 * do; Open Liberty does not under {@code bean-discovery-mode="annotated"}, and leaves every
 * collaborator {@code null}), while every WebSocket container must ask the configurator for the
 * instance: so Duplex does not depend on any server's treatment of endpoint classes.
 */
public class DuplexConfigurator extends ServerEndpointConfig.Configurator {

    private static final System.Logger LOG = System.getLogger(DuplexConfigurator.class.getName());

    /**
     * A new instance of the endpoint class for one connection, injected by CDI as a non-contextual
     * instance ({@link jakarta.enterprise.inject.spi.Unmanaged}: constructor, {@code @Inject} fields and methods,
     * {@code @PostConstruct}). Non-contextual, so that it needs no bean-defining annotation and
     * stays one instance per connection (never a shared or proxied bean); nothing in the container
     * holds it, so it goes with its connection. Endpoints have no {@code @PreDestroy} and inject only
     * application-scoped beans and configuration values, so there is nothing to dispose of.
     *
     * @throws InstantiationException when CDI cannot make it (no container for this application, or
     *         an unsatisfied injection point): an endpoint without its collaborators would fail every
     *         message, so the handshake fails instead and the cause is logged
     */
    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        try {
            return EndpointInstances.create(CDI.current().getBeanManager(), endpointClass);
        } catch (RuntimeException e) {
            // no CDI container for this application, or an injection point it cannot satisfy
            LOG.log(Level.ERROR, "Cannot create the " + endpointClass.getName() + " endpoint through CDI", e);
            InstantiationException failure = new InstantiationException(
                    "Cannot create " + endpointClass.getName() + " through CDI: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

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
