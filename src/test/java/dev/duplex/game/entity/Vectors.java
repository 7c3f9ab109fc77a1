package dev.duplex.game.entity;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/** The shared test vectors, src/test/resources/game/vectors.json (also read by the node tests). */
final class Vectors {

    private Vectors() {
    }

    static JsonObject load() {
        try (InputStream in = Vectors.class.getResourceAsStream("/game/vectors.json"); JsonReader reader = Json.createReader(in)) {
            return reader.readObject();
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteBuffer bytes(JsonObject vector) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(vector.getString("hex")));
    }

    static String hex(ByteBuffer bytes) {
        byte[] b = new byte[bytes.remaining()];
        bytes.duplicate().get(b);
        return HexFormat.of().formatHex(b);
    }

    /** An array of entity arrays as the flat int[] the codec uses; null for JSON null. */
    static int[] entities(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        JsonArray rows = value.asJsonArray();
        int[] out = new int[rows.size() * SnapshotCodec.STRIDE];
        for (int r = 0; r < rows.size(); r++) {
            JsonArray row = rows.getJsonArray(r);
            for (int f = 0; f < SnapshotCodec.STRIDE; f++) {
                out[r * SnapshotCodec.STRIDE + f] = row.getInt(f);
            }
        }
        return out;
    }
}
