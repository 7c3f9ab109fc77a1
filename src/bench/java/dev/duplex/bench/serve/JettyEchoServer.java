package dev.duplex.bench.serve;

import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The reference echo on embedded Jetty 12 (ee10): the same kind of Jakarta WebSocket annotated
 * endpoint as Duplex's {@code /echo}, registered programmatically (no annotation scanning), whole
 * messages up to 16 MiB, answered with the session's basic remote.
 */
public final class JettyEchoServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    private JettyEchoServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Starts the server; port 0 picks a free port. */
    public static JettyEchoServer start(String host, int port) throws Exception {
        // Jetty's logger (jetty-slf4j-impl) reads its levels from system properties too: warnings only.
        if (System.getProperty("org.eclipse.jetty.LEVEL") == null) {
            System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
        }
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(4096);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        server.setHandler(context);
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            container.setDefaultMaxTextMessageBufferSize(NettyServers.MAX_MESSAGE_BYTES);
            container.setDefaultMaxBinaryMessageBufferSize(NettyServers.MAX_MESSAGE_BYTES);
            container.addEndpoint(Echo.class);
        });
        server.start();
        return new JettyEchoServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** {@code /echo}: every message comes back whole, as it came. */
    @ServerEndpoint(value = "/echo", subprotocols = "echo")
    public static final class Echo {

        @OnMessage(maxMessageSize = NettyServers.MAX_MESSAGE_BYTES)
        public void text(String message, Session session) throws IOException {
            session.getBasicRemote().sendText(message);
        }

        @OnMessage(maxMessageSize = NettyServers.MAX_MESSAGE_BYTES)
        public void binary(ByteBuffer message, Session session) throws IOException {
            session.getBasicRemote().sendBinary(message);
        }
    }
}
