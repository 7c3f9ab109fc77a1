package dev.duplex.game.boundary;

import dev.duplex.game.control.GameRooms;
import dev.duplex.game.control.GameService;
import dev.duplex.game.entity.ClientMessage;
import dev.duplex.game.entity.GameCodec;
import dev.duplex.game.entity.GameProtocolException;
import dev.duplex.platform.Connections;
import dev.duplex.platform.DuplexConfigurator;
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
 * {@code /game}: the arena game over the {@code game.bin} subprotocol (docs/PLAY.md). A
 * client that does not offer it is closed with 1008; a text message closes with 1003, a malformed
 * one with 1007, an unknown type with 1003, inputs faster than {@code duplex.game.input-rate}
 * with 1008; the rest is {@link GameRooms}' business.
 */
@ServerEndpoint(value = "/game", subprotocols = GameEndpoint.PROTOCOL, configurator = DuplexConfigurator.class)
public class GameEndpoint {

    static final String NAME = "game";
    static final String PROTOCOL = "game.bin";
    static final String SUBPROTOCOL_REQUIRED = "The game.bin subprotocol is required";
    static final String BINARY_ONLY = "game.bin takes binary messages only";

    @Inject
    Connections connections;

    @Inject
    GameService game;

    private GameSessionSink sink;
    private GameRooms.Seat seat;

    @OnOpen
    public void open(Session session) {
        connections = connections.instance().get(); // this session's calls skip the CDI proxy
        if (!connections.opened(session, NAME, SUBPROTOCOL_REQUIRED, PROTOCOL)) {
            return;
        }
        sink = new GameSessionSink(session, connections);
    }

    @OnMessage
    public void text(String text, Session session) {
        if (sink != null && connections.received(session, text.length())) {
            connections.close(session, new CloseReason(CloseCodes.CANNOT_ACCEPT, BINARY_ONLY));
        }
    }

    @OnMessage
    public void binary(ByteBuffer bytes, Session session) {
        if (sink == null || !connections.received(session, bytes.remaining())) {
            return;
        }
        ClientMessage message;
        try {
            message = GameCodec.decodeClient(bytes);
        } catch (GameProtocolException e) {
            connections.refused("game protocol");
            connections.close(session, new CloseReason(CloseCodes.getCloseCode(e.code()), e.getMessage()));
            return;
        }
        GameRooms rooms = game.rooms();
        if (message instanceof ClientMessage.Join join) {
            if (seat != null && seat.holds()) {
                sink.send(GameCodec.error(GameCodec.ERROR_ALREADY_JOINED, "Already in room " + seat.room()));
                return;
            }
            try {
                seat = rooms.join(join, sink);
            } catch (GameRooms.NoPlace e) {
                sink.send(GameCodec.error(GameCodec.ERROR_NO_ROOM, e.getMessage()));
            }
        } else if (message instanceof ClientMessage.Ping ping) {
            if (seat == null || !seat.holds()) {
                sink.send(GameCodec.pong(ping.time(), 0));
            } else {
                rooms.ping(seat, ping.time());
            }
        } else if (seat == null || !seat.holds()) {
            sink.send(GameCodec.error(GameCodec.ERROR_NOT_JOINED, "Join a room first"));
        } else if (message instanceof ClientMessage.Play play) {
            if (!play.input().inRange()) {
                sink.send(GameCodec.error(GameCodec.ERROR_OUT_OF_RANGE, "Input " + play.input().seq()
                        + " out of range: dx and dy -127..127, buttons 0..1; dropped"));
            } else if (!rooms.input(seat, play.input(), play.ack())) {
                connections.refused("game input rate");
                connections.close(session, new CloseReason(CloseCodes.VIOLATED_POLICY,
                        "Input rate over " + rooms.settings().inputRate() + "/s"));
            }
        } else if (message instanceof ClientMessage.Ack ack) {
            rooms.acknowledge(seat, ack.ack());
        }
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        leave();
        connections.closed(session, reason);
    }

    @OnError
    public void error(Session session, Throwable failure) {
        connections.failed(session, failure);
        if (!session.isOpen()) {
            leave();
        }
    }

    private void leave() {
        GameRooms.Seat left = seat;
        seat = null;
        if (left != null) {
            game.rooms().left(left);
        }
    }
}
