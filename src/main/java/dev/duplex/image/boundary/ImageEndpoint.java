package dev.duplex.image.boundary;

import dev.duplex.image.control.ImageProcessing;
import dev.duplex.image.control.ImageSession;
import dev.duplex.platform.BinaryAssembler;
import dev.duplex.platform.Connections;
import dev.duplex.platform.MessageTooBigException;
import dev.duplex.platform.TextAssembler;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@code /image}: every binary message is an image, processed with the connection's current
 * operations and answered with a JSON {@code result} and the resulting image, or with a JSON
 * {@code error}; text messages are JSON control messages ({@link ControlMessageDecoder}). The
 * operations can also be chosen in the connect URL ({@code /image?op=blur&radius=3}). Binary
 * messages over {@code duplex.image.max-message-bytes} and text messages over
 * {@code duplex.image.max-control-bytes} close the connection with 1009. The work and its rules
 * are in {@link ImageSession}; docs/IMAGE.md describes the protocol.
 */
@ServerEndpoint(value = "/image", configurator = ImageConfigurator.class)
public class ImageEndpoint {

    static final String NAME = "image";

    @Inject
    Connections connections;

    @Inject
    ImageProcessing images;

    private final ControlMessageDecoder decoder = new ControlMessageDecoder();
    private TextAssembler text;
    private BinaryAssembler binary;
    private ImageSession state;

    @OnOpen
    public void open(Session session) {
        connections = connections.instance().get(); // this session's calls skip the CDI proxy
        boolean admitted = connections.opened(session, NAME);
        text = new TextAssembler(images.maxControlBytes(), connections.budget(session));
        binary = new BinaryAssembler(images.maxMessageBytes(), connections.budget(session));
        if (!admitted) {
            return;
        }
        state = images.open(session.getId(), new SessionReplies(session, connections), connections.budget(session),
                connections.budget());
        state.start(session.getRequestParameterMap());
    }

    @OnMessage
    public void text(String part, boolean last, Session session) throws IOException {
        try {
            String whole = text.add(part, last);
            if (whole == null || state == null || !connections.received(session, TextAssembler.utf8Length(whole))) {
                return;
            }
            try {
                state.control(decoder.decode(whole));
            } catch (DecodeException e) {
                state.malformed(e.getMessage());
            }
        } catch (MessageTooBigException e) {
            connections.close(session, e.closeReason());
        }
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last, Session session) throws IOException {
        try {
            ByteBuffer whole = binary.add(part, last);
            if (whole == null || state == null || !connections.received(session, whole.remaining())) {
                return;
            }
            // The engine may reuse its buffer once this method returns: the session charges the
            // memory budget for a copy, then makes it; the work runs later, elsewhere.
            state.image(whole);
        } catch (MessageTooBigException e) {
            connections.close(session, e.closeReason());
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (state != null) {
            state.close();
        }
        connections.closed(session, reason);
    }

    @OnError
    public void error(Session session, Throwable failure) {
        connections.failed(session, failure);
    }
}
