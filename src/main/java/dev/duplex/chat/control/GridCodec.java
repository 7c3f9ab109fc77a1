package dev.duplex.chat.control;

import dev.duplex.chat.entity.ChatMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;

/**
 * How the chat's data travels through the data grid: as JSON strings, so that Hazelcast never
 * needs the application's classes (no class-loader trouble, instances of different versions can
 * share a cluster).
 *
 * <pre>
 * room log item:   {"from":"ada","text":"hi","ts":1732262400123}     the id is the item's sequence + 1
 * presence notice: {"kind":"JOINED","room":"lobby","holder":"&lt;instance&gt;\t&lt;session&gt;\t&lt;token hash&gt;\t&lt;nick&gt;"}
 * </pre>
 */
final class GridCodec {

    /** Looked up once: each Json.createXxx call looks the JSON provider up with a ServiceLoader. */
    private static final jakarta.json.JsonBuilderFactory JSON = Json.createBuilderFactory(java.util.Map.of());
    private static final jakarta.json.JsonReaderFactory READERS = Json.createReaderFactory(java.util.Map.of());

    private GridCodec() {
    }

    static String logItem(String from, String text, long ts) {
        return JSON.createObjectBuilder().add("from", from).add("text", text).add("ts", ts).build().toString();
    }

    static ChatMessage message(String room, long id, String item) {
        JsonObject json = read(item);
        return new ChatMessage(id, room, json.getString("from"), json.getString("text"), json.getJsonNumber("ts").longValue());
    }

    static String notice(PresenceNotice notice) {
        return JSON.createObjectBuilder()
                .add("kind", notice.kind().name())
                .add("room", notice.room())
                .add("holder", notice.holder().encode())
                .build().toString();
    }

    static PresenceNotice notice(String json) {
        JsonObject object = read(json);
        return new PresenceNotice(PresenceNotice.Kind.valueOf(object.getString("kind")), object.getString("room"),
                Holder.decode(object.getString("holder")));
    }

    private static JsonObject read(String json) {
        try (JsonReader reader = READERS.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
