package dev.duplex.echo.boundary;

import dev.duplex.platform.BinaryAssembler;
import dev.duplex.platform.Connections;
import dev.duplex.platform.DuplexConfigurator;
import dev.duplex.platform.MessageTooBigException;
import dev.duplex.platform.TextAssembler;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code /echo}: every text message comes back as the same text, every binary message as the same
 * bytes, each as one message; nothing is ever sent unprompted. Messages may arrive fragmented; one
 * larger than {@code duplex.echo.max-message-bytes} closes the session with 1009. The optional
 * subprotocol {@code echo} is selected when the client offers it.
 *
 * <p>Tyrus makes one instance per connection and delivers one session's messages one at a time;
 * replies go through the session's outbox in {@link Connections}, in order, one at a time and
 * without blocking the I/O thread on a client that does not read.
 */
@ServerEndpoint(value = "/echo", subprotocols = "echo", configurator = DuplexConfigurator.class)
public class EchoEndpoint {

    static final String NAME = "echo";

    @Inject
    Connections connections;

    @Inject
    @ConfigProperty(name = "duplex.echo.max-message-bytes")
    long maxMessageBytes;

    private TextAssembler text;
    private BinaryAssembler binary;

    @OnOpen
    public void open(Session session) {
        connections = connections.instance().get(); // this session's calls skip the CDI proxy
        connections.opened(session, NAME);
        // a session that was not admitted gets an account that refuses to hold fragments
        text = new TextAssembler(maxMessageBytes, connections.budget(session));
        binary = new BinaryAssembler(maxMessageBytes, connections.budget(session));
    }

    @OnMessage
    public void text(String part, boolean last, Session session) throws IOException {
        try {
            String whole = text.add(part, last);
            if (whole != null) {
                if (connections.received(session, TextAssembler.utf8Length(whole))) {
                    connections.send(session, whole);
                }
            }
        } catch (MessageTooBigException e) {
            connections.close(session, e.closeReason());
        }
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last, Session session) throws IOException {
        try {
            ByteBuffer whole = binary.add(part, last);
            if (whole != null) {
                if (connections.received(session, whole.remaining())) {
                    connections.send(session, whole);
                }
            }
        } catch (MessageTooBigException e) {
            connections.close(session, e.closeReason());
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        connections.closed(session, reason);
    }

    @OnError
    public void error(Session session, Throwable failure) {
        connections.failed(session, failure);
    }
}
