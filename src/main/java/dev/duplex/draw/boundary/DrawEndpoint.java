package dev.duplex.draw.boundary;

import dev.duplex.draw.control.DrawBoards;
import dev.duplex.draw.control.DrawMember;
import dev.duplex.platform.BinaryAssembler;
import dev.duplex.platform.Connections;
import dev.duplex.platform.DuplexConfigurator;
import dev.duplex.platform.MessageTooBigException;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/**
 * {@code /draw}: shared boards over the {@code draw.bin} subprotocol (docs/PLAY.md). A client that
 * does not offer it is let in and closed at once with 1008 "{@value #SUBPROTOCOL_REQUIRED}"; a text
 * message closes with 1003 "{@value #BINARY_ONLY}"; a message over {@code duplex.draw.max-message-bytes}
 * with 1009. Everything else is {@link DrawBoards}' business.
 */
@ServerEndpoint(value = "/draw", subprotocols = DrawEndpoint.SUBPROTOCOL, configurator = DuplexConfigurator.class)
public class DrawEndpoint {

    static final String NAME = DrawBoards.ENDPOINT;
    static final String SUBPROTOCOL = "draw.bin";
    static final String SUBPROTOCOL_REQUIRED = "The draw.bin subprotocol is required";
    static final String BINARY_ONLY = "draw.bin takes binary messages only";

    @Inject
    Connections connections;

    @Inject
    DrawBoards boards;

    private BinaryAssembler binary;
    private DrawMember member;

    @OnOpen
    public void open(Session session) {
        connections = connections.instance().get(); // this session's calls skip the CDI proxy
        if (!connections.opened(session, NAME, SUBPROTOCOL_REQUIRED, SUBPROTOCOL)) {
            return;
        }
        binary = new BinaryAssembler(boards.limits().maxMessageBytes(), connections.budget(session));
        member = boards.connect(new DrawSessionPeer(session, connections));
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last, Session session) {
        if (member == null) {
            return;
        }
        try {
            ByteBuffer whole = binary.add(part, last);
            if (whole != null && connections.received(session, whole.remaining())) {
                boards.handle(member, whole);
            }
        } catch (MessageTooBigException e) {
            connections.close(session, e.closeReason());
        }
    }

    @OnMessage
    public void text(String part, boolean last, Session session) {
        if (member != null && connections.received(session, part.length())) {
            connections.close(session, new CloseReason(CloseCodes.CANNOT_ACCEPT, BINARY_ONLY));
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (member != null) {
            boards.disconnect(member);
        }
        connections.closed(session, reason);
    }

    @OnError
    public void error(Session session, Throwable failure) {
        connections.failed(session, failure);
        if (member != null && !session.isOpen()) {
            boards.disconnect(member);
        }
    }
}
