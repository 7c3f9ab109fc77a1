package dev.duplex.feed.boundary;

import dev.duplex.feed.control.FeedService;
import dev.duplex.feed.control.FeedSubscriber;
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
 * {@code /feed}: live topics of items over the {@code feed.json} or {@code feed.bin} subprotocol
 * (docs/FEED.md), the first of them in the client's order of preference. A client that offers
 * neither is let in and closed at once with 1008 "{@value #SUBPROTOCOL_REQUIRED}" (so that a
 * browser sees the reason). Commands larger than {@code duplex.feed.max-message-bytes} close with
 * 1009; a binary message gets the error {@code binary-not-accepted}. Everything else is
 * {@link FeedService}'s business.
 */
@ServerEndpoint(value = "/feed", subprotocols = {FeedEndpoint.JSON, FeedEndpoint.BINARY},
        configurator = DuplexConfigurator.class)
public class FeedEndpoint {

    static final String NAME = "feed";
    static final String JSON = "feed.json";
    static final String BINARY = "feed.bin";
    static final String SUBPROTOCOL_REQUIRED = "A feed subprotocol is required (feed.json or feed.bin)";

    @Inject
    Connections connections;

    @Inject
    FeedService feed;

    private TextAssembler text;
    private FeedSubscriber subscriber;

    @OnOpen
    public void open(Session session) {
        connections = connections.instance().get(); // this session's calls skip the CDI proxy
        if (!connections.opened(session, NAME, SUBPROTOCOL_REQUIRED, JSON, BINARY)) {
            return;
        }
        String protocol = session.getNegotiatedSubprotocol();
        text = new TextAssembler(feed.limits().maxMessageBytes(), connections.budget(session));
        subscriber = feed.connect(new FeedSessionSink(session, connections, protocol));
    }

    @OnMessage
    public void text(String part, boolean last, Session session) {
        if (subscriber == null) {
            return;
        }
        try {
            String whole = text.add(part, last);
            if (whole != null && connections.received(session, TextAssembler.utf8Length(whole))) {
                feed.handle(subscriber, whole);
            }
        } catch (MessageTooBigException e) {
            connections.close(session, e.closeReason());
        }
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last, Session session) {
        if (subscriber != null && connections.received(session, part.remaining()) && last) {
            feed.binary(subscriber);
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (subscriber != null) {
            feed.disconnect(subscriber);
        }
        connections.closed(session, reason);
    }

    @OnError
    public void error(Session session, Throwable failure) {
        connections.failed(session, failure);
        if (subscriber != null && !session.isOpen()) {
            feed.disconnect(subscriber);
        }
    }
}
