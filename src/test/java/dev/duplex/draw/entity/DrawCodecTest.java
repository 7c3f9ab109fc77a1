package dev.duplex.draw.entity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link DrawCodec} against the vectors the page's codec is tested with (src/test/resources/draw/vectors.json). */
class DrawCodecTest {

    private static final HexFormat HEX = HexFormat.of();
    private static JsonObject vectors;

    @BeforeAll
    static void readVectors() throws Exception {
        try (InputStream in = DrawCodecTest.class.getResourceAsStream("/draw/vectors.json"); JsonReader reader = Json.createReader(in)) {
            vectors = reader.readObject();
        }
    }

    @Test
    void everyClientVectorDecodesToItsCommand() throws Exception {
        JsonArray client = vectors.getJsonArray("client");
        assertEquals(8, client.size(), "one vector per client message type");
        for (JsonValue value : client) {
            JsonObject vector = value.asJsonObject();
            DrawCommand command = DrawCodec.decode(ByteBuffer.wrap(HEX.parseHex(vector.getString("hex"))));
            assertEquals(vector.getJsonObject("command"), json(command), vector.getString("name"));
        }
    }

    @Test
    void everyServerMessageEncodesToItsVector() {
        JsonArray server = vectors.getJsonArray("server");
        assertEquals(13, server.size(), "one vector per server message type");
        for (JsonValue value : server) {
            JsonObject vector = value.asJsonObject();
            JsonObject m = vector.getJsonObject("message");
            ByteBuffer encoded = encode(m);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            assertEquals(vector.getString("hex"), HEX.formatHex(bytes), vector.getString("name"));
        }
    }

    @Test
    void everyBadVectorIsRefusedWithItsErrorCode() {
        for (JsonValue value : vectors.getJsonArray("bad")) {
            JsonObject vector = value.asJsonObject();
            DrawProtocolException refused = assertThrows(DrawProtocolException.class,
                    () -> DrawCodec.decode(ByteBuffer.wrap(HEX.parseHex(vector.getString("hex")))), vector.getString("name"));
            assertEquals(vector.getInt("error"), refused.error().code(), vector.getString("name") + ": " + refused.getMessage());
        }
    }

    @Test
    void anErrorMessageIsCutAtACharacterBoundary() {
        ByteBuffer error = DrawCodec.error(DrawError.MALFORMED, "é".repeat(200));
        assertEquals(DrawCodec.S_ERROR, error.get() & 0xFF);
        assertEquals(1, error.get());
        int length = error.get() & 0xFF;
        assertEquals(254, length, "127 two-byte characters, not 255 bytes ending in half of one");
        assertEquals(length, error.remaining());
    }

    @Test
    void pointsAreSplitAtTheirRange() {
        int[] samples = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        ByteBuffer second = DrawCodec.points(1, samples, 1, 3);
        assertArrayEquals(HEX.parseHex("85000000010200040005060007000809"), bytes(second));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static ByteBuffer encode(JsonObject m) {
        return switch (m.getString("type")) {
            case "welcome" -> DrawCodec.welcome(m.getInt("member"));
            case "member" -> DrawCodec.member(m.getInt("member"), m.getString("name"));
            case "left" -> DrawCodec.left(m.getInt("member"));
            case "begin" -> DrawCodec.begin(m.getJsonNumber("stroke").longValue(), m.getInt("member"), m.getInt("rgb"), m.getInt("width"));
            case "points" -> {
                JsonArray list = m.getJsonArray("samples");
                int[] samples = new int[list.size() * 3];
                for (int i = 0; i < list.size(); i++) {
                    for (int j = 0; j < 3; j++) {
                        samples[3 * i + j] = list.getJsonArray(i).getInt(j);
                    }
                }
                yield DrawCodec.points(m.getJsonNumber("stroke").longValue(), samples, 0, list.size());
            }
            case "end" -> DrawCodec.end(m.getJsonNumber("stroke").longValue());
            case "cursor" -> DrawCodec.cursor(m.getInt("member"), m.getInt("x"), m.getInt("y"));
            case "remove" -> DrawCodec.remove(m.getJsonNumber("stroke").longValue());
            case "clear" -> DrawCodec.clear(m.getInt("member"));
            case "snapshot" -> DrawCodec.snapshot(m.getJsonNumber("upTo").longValue(), HEX.parseHex(m.getString("png")));
            case "snapshotRequest" -> DrawCodec.snapshotRequest(m.getJsonNumber("request").longValue(), m.getJsonNumber("upTo").longValue());
            case "compacted" -> DrawCodec.compacted(m.getJsonNumber("upTo").longValue());
            case "error" -> {
                DrawError error = null;
                for (DrawError e : DrawError.values()) {
                    if (e.code() == m.getInt("code")) {
                        error = e;
                    }
                }
                yield DrawCodec.error(error, m.getString("message"));
            }
            default -> throw new IllegalArgumentException(m.toString());
        };
    }

    private static JsonObject json(DrawCommand command) {
        var b = Json.createObjectBuilder();
        if (command instanceof DrawCommand.Join join) {
            b.add("type", "join").add("name", join.name()).add("board", join.board());
        } else if (command instanceof DrawCommand.Begin begin) {
            b.add("type", "begin").add("rgb", begin.rgb()).add("width", begin.width());
        } else if (command instanceof DrawCommand.Points points) {
            var list = Json.createArrayBuilder();
            int[] s = points.samples();
            for (int i = 0; i < s.length; i += 3) {
                list.add(Json.createArrayBuilder().add(s[i]).add(s[i + 1]).add(s[i + 2]));
            }
            b.add("type", "points").add("samples", list);
        } else if (command instanceof DrawCommand.End) {
            b.add("type", "end");
        } else if (command instanceof DrawCommand.Cursor cursor) {
            b.add("type", "cursor").add("x", cursor.x()).add("y", cursor.y());
        } else if (command instanceof DrawCommand.Undo) {
            b.add("type", "undo");
        } else if (command instanceof DrawCommand.Clear) {
            b.add("type", "clear");
        } else if (command instanceof DrawCommand.Snapshot snapshot) {
            b.add("type", "snapshot").add("request", snapshot.request()).add("png", HEX.formatHex(snapshot.png()));
        }
        return b.build();
    }
}
