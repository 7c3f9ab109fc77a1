package dev.duplex.game.entity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The game.bin codec against the shared vectors, both directions, and its answers to malformed messages. */
class GameCodecTest {

    private static final JsonObject VECTORS = Vectors.load();

    @Test
    void clientVectorsDecodeAndEncodeByteForByte() throws Exception {
        int checked = 0;
        for (JsonValue value : VECTORS.getJsonArray("client")) {
            JsonObject vector = value.asJsonObject();
            JsonObject expected = vector.getJsonObject("message");
            ClientMessage message = GameCodec.decodeClient(Vectors.bytes(vector));
            String name = vector.getString("name");
            ByteBuffer again;
            switch (expected.getString("type")) {
                case "join" -> {
                    ClientMessage.Join join = (ClientMessage.Join) message;
                    assertEquals(expected.getBoolean("spectate"), join.spectate(), name);
                    assertEquals(expected.getString("name"), join.name(), name);
                    assertEquals(expected.getString("room"), join.room(), name);
                    assertArrayEquals(HexFormat.of().parseHex(expected.getString("token")), join.token(), name);
                    again = GameCodec.join(join.spectate(), join.name(), join.room(), join.token());
                }
                case "input" -> {
                    ClientMessage.Play play = (ClientMessage.Play) message;
                    assertEquals(new Input(expected.getJsonNumber("seq").longValue(), expected.getInt("dx"), expected.getInt("dy"),
                            expected.getInt("buttons")), play.input(), name);
                    assertEquals(expected.getJsonNumber("ack").longValue(), play.ack(), name);
                    again = GameCodec.input(play.input(), play.ack());
                }
                case "ack" -> {
                    assertEquals(expected.getJsonNumber("ack").longValue(), ((ClientMessage.Ack) message).ack(), name);
                    again = GameCodec.ack(((ClientMessage.Ack) message).ack());
                }
                default -> {
                    assertEquals(expected.getJsonNumber("time").longValue(), ((ClientMessage.Ping) message).time(), name);
                    again = GameCodec.ping(((ClientMessage.Ping) message).time());
                }
            }
            assertEquals(vector.getString("hex"), Vectors.hex(again), name);
            checked++;
        }
        assertEquals(6, checked);
    }

    @Test
    void serverVectorsEncodeAndDecodeByteForByte() {
        for (JsonValue value : VECTORS.getJsonArray("server")) {
            JsonObject vector = value.asJsonObject();
            JsonObject m = vector.getJsonObject("message");
            String name = vector.getString("name");
            Object decoded = GameCodec.decodeServer(Vectors.bytes(vector));
            ByteBuffer encoded = switch (m.getString("type")) {
                case "welcome" -> {
                    GameCodec.Welcome w = (GameCodec.Welcome) decoded;
                    assertEquals(m.getInt("you"), w.you(), name);
                    assertEquals(m.getInt("tickHz"), w.tickHz(), name);
                    assertEquals(m.getInt("arena"), w.arena(), name);
                    assertEquals(m.getInt("view"), w.view(), name);
                    assertEquals(m.getInt("flags"), w.flags(), name);
                    assertArrayEquals(HexFormat.of().parseHex(m.getString("token")), w.token(), name);
                    assertEquals(m.getString("room"), w.room(), name);
                    yield GameCodec.welcome(w);
                }
                case "scores" -> {
                    @SuppressWarnings("unchecked")
                    List<GameCodec.Score> scores = (List<GameCodec.Score>) decoded;
                    assertEquals(m.getJsonArray("scores").stream().map(JsonValue::asJsonObject)
                            .map(s -> new GameCodec.Score(s.getInt("id"), s.getInt("score"), s.getInt("flags"), s.getString("name")))
                            .toList(), scores, name);
                    yield GameCodec.scores(scores);
                }
                case "pong" -> {
                    assertEquals(new GameCodec.Pong(m.getJsonNumber("time").longValue(), m.getJsonNumber("tick").longValue()), decoded, name);
                    yield GameCodec.pong(((GameCodec.Pong) decoded).time(), ((GameCodec.Pong) decoded).tick());
                }
                default -> {
                    assertEquals(new GameCodec.Error(m.getInt("code"), m.getString("message")), decoded, name);
                    yield GameCodec.error(((GameCodec.Error) decoded).code(), ((GameCodec.Error) decoded).message());
                }
            };
            assertEquals(vector.getString("hex"), Vectors.hex(encoded), name);
        }
    }

    @Test
    void malformedMessagesGetTheDocumentedCloseCodeAndReason() {
        for (JsonValue value : VECTORS.getJsonArray("malformed")) {
            JsonObject vector = value.asJsonObject();
            GameProtocolException e = assertThrows(GameProtocolException.class, () -> GameCodec.decodeClient(Vectors.bytes(vector)),
                    vector.getString("name"));
            assertEquals(vector.getInt("code"), e.code(), vector.getString("name"));
            assertEquals(vector.getString("reason"), e.getMessage(), vector.getString("name"));
        }
    }

    @Test
    void everyTruncationOfEveryValidMessageIsRefusedNeverThrownOtherwise() {
        for (JsonValue value : VECTORS.getJsonArray("client")) {
            byte[] whole = Vectors.bytes(value.asJsonObject()).array();
            for (int length = 0; length < whole.length; length++) {
                ByteBuffer cut = ByteBuffer.wrap(whole, 0, length);
                GameProtocolException e = assertThrows(GameProtocolException.class, () -> GameCodec.decodeClient(cut));
                assertEquals(GameProtocolException.MALFORMED, e.code());
            }
        }
    }

    @Test
    void inputRangesAreCheckedAfterDecoding() throws Exception {
        Input low = ((ClientMessage.Play) GameCodec.decodeClient(GameCodec.input(new Input(1, -128, 0, 0), 0))).input();
        assertFalse(low.inRange(), "-128 is outside -127..127");
        Input buttons = ((ClientMessage.Play) GameCodec.decodeClient(GameCodec.input(new Input(1, 0, 0, 2), 0))).input();
        assertFalse(buttons.inRange(), "only the boost bit is defined");
        assertTrue(new Input(1, 127, -127, Input.BOOST).inRange());
    }
}
