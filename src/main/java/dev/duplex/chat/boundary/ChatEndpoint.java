package dev.duplex.chat.boundary;

import dev.duplex.chat.control.ChatMember;
import dev.duplex.chat.control.ChatRooms;
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
import java.nio.ByteBuffer;

/**
 * {@code /chat}: rooms of people talking in JSON over the {@code chat} subprotocol. A client that
 * does not offer {@code chat} is let in and closed at once with 1008 "The chat subprotocol is
 * required" (so that a browser sees the reason). Messages larger than
 * {@code duplex.chat.max-message-bytes} close with 1009; binary messages with 1003. Everything
 * else is {@link ChatRooms}' business.
 */
@ServerEndpoint(value = "/chat", subprotocols = ChatEndpoint.SUBPROTOCOL, configurator = DuplexConfigurator.class)
public class ChatEndpoint {

    static final String NAME = "chat";
    static final String SUBPROTOCOL = "chat";
    static final String SUBPROTOCOL_REQUIRED = "The chat subprotocol is required";

    @Inject
    Connections connections;

    @Inject
    ChatRooms rooms;

    private TextAssembler text;
    private ChatMember member;

    @OnOpen
    public void open(Session session) {
        connections = connections.instance().get(); // this session's calls skip the CDI proxy
        if (!connections.opened(session, NAME, SUBPROTOCOL_REQUIRED, SUBPROTOCOL)) {
            return;
        }
        text = new TextAssembler(rooms.limits().maxMessageBytes(), connections.budget(session));
        member = rooms.connect(new SessionPeer(session, connections));
    }

    @OnMessage
    public void text(String part, boolean last, Session session) {
        if (member == null) {
            return;
        }
        try {
            String whole = text.add(part, last);
            if (whole != null && connections.received(session, TextAssembler.utf8Length(whole))) {
                rooms.handle(member, whole);
            }
        } catch (MessageTooBigException e) {
            connections.close(session, e.closeReason());
        }
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last, Session session) {
        if (member != null && connections.received(session, part.remaining())) {
            rooms.binary(member);
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (member != null) {
            rooms.disconnect(member, reason == null ? CloseReason.CloseCodes.NO_STATUS_CODE.getCode() : reason.getCloseCode().getCode());
        }
        connections.closed(session, reason);
    }

    @OnError
    public void error(Session session, Throwable failure) {
        connections.failed(session, failure);
    }
}
