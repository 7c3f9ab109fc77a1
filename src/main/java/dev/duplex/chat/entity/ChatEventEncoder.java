package dev.duplex.chat.entity;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.websocket.Encoder;
import java.util.List;

/**
 * Writes the server's JSON messages (JSON-P). Every message is one JSON object with a {@code type}:
 *
 * <pre>
 * {"type":"welcome","room":"lobby","nick":"ada","members":["ada","bob"],
 *  "history":[{"type":"message",…},…],"token":"…","truncated":false}
 * {"type":"message","id":17,"room":"lobby","from":"ada","text":"hi","ts":1732262400123}
 * {"type":"presence","room":"lobby","event":"joined","nick":"bob","members":["ada","bob"]}
 * {"type":"presence","room":"lobby","event":"left","nick":"bob","members":["ada"]}
 * {"type":"error","code":"rate-limited","message":"Slow down: …"}
 * </pre>
 *
 * {@code id} is the room's message sequence number (1, 2, 3… cluster-wide), {@code ts} the
 * server's time in milliseconds since the epoch, {@code members} sorted without regard to case.
 * The history holds message objects exactly as they were sent live. Encoding is done once per
 * message and the same text is sent to every member.
 */
public class ChatEventEncoder implements Encoder.Text<ChatEvent> {

    /** Looked up once: each Json.createXxx call looks the JSON provider up with a ServiceLoader. */
    private static final jakarta.json.JsonBuilderFactory JSON = Json.createBuilderFactory(java.util.Map.of());

    @Override
    public String encode(ChatEvent event) {
        return toJson(event).toString();
    }

    /** The event as a JSON object. */
    public JsonObject toJson(ChatEvent event) {
        if (event instanceof ChatEvent.Message message) {
            return message(message.message()).build();
        }
        if (event instanceof ChatEvent.Welcome welcome) {
            JsonArrayBuilder history = JSON.createArrayBuilder();
            welcome.history().forEach(m -> history.add(message(m)));
            return JSON.createObjectBuilder()
                    .add("type", "welcome")
                    .add("room", welcome.room())
                    .add("nick", welcome.nick())
                    .add("members", strings(welcome.members()))
                    .add("history", history)
                    .add("token", welcome.token())
                    .add("truncated", welcome.truncated())
                    .build();
        }
        if (event instanceof ChatEvent.Presence presence) {
            return JSON.createObjectBuilder()
                    .add("type", "presence")
                    .add("room", presence.room())
                    .add("event", presence.event().wireName())
                    .add("nick", presence.nick())
                    .add("members", strings(presence.members()))
                    .build();
        }
        ChatEvent.Error error = (ChatEvent.Error) event;
        return JSON.createObjectBuilder()
                .add("type", "error")
                .add("code", error.code().wireName())
                .add("message", error.message())
                .build();
    }

    private static JsonObjectBuilder message(ChatMessage message) {
        return JSON.createObjectBuilder()
                .add("type", "message")
                .add("id", message.id())
                .add("room", message.room())
                .add("from", message.from())
                .add("text", message.text())
                .add("ts", message.ts());
    }

    private static JsonArrayBuilder strings(List<String> values) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        values.forEach(array::add);
        return array;
    }
}
