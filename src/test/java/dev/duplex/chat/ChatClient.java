package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.duplex.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A chat client for tests: a {@link WsClient} on the {@code chat} subprotocol that speaks JSON. */
public final class ChatClient implements AutoCloseable {

    private final WsClient socket;
    private final List<JsonObject> skipped = new ArrayList<>();

    private ChatClient(WsClient socket) {
        this.socket = socket;
    }

    public static ChatClient connect(URI uri) throws Exception {
        return new ChatClient(WsClient.connect(uri, "chat"));
    }

    public WsClient socket() {
        return socket;
    }

    public void send(String json) throws Exception {
        socket.sendText(json);
    }

    public void send(JsonObject json) throws Exception {
        socket.sendText(json.toString());
    }

    public void join(String room, String nick) throws Exception {
        send(Json.createObjectBuilder().add("type", "join").add("room", room).add("nick", nick).build());
    }

    /** A rejoin: catch up after {@code since}, take the nickname back with {@code token}. */
    public void rejoin(String room, String nick, long since, String token) throws Exception {
        send(Json.createObjectBuilder().add("type", "join").add("room", room).add("nick", nick).add("since", since)
                .add("token", token).build());
    }

    public void say(String text) throws Exception {
        send(Json.createObjectBuilder().add("type", "say").add("text", text).build());
    }

    /** The next message, whatever its type; fails when none comes within the timeout. */
    public JsonObject next() throws InterruptedException {
        String text = socket.nextText();
        assertNotNull(text, "no message within " + WsClient.TIMEOUT.toSeconds() + " s");
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** The next message, which must be of this type. */
    public JsonObject next(String type) throws InterruptedException {
        JsonObject json = next();
        assertEquals(type, json.getString("type"), json.toString());
        return json;
    }

    /** The next message of this type, skipping presence messages on the way. */
    public JsonObject nextSkippingPresence(String type) throws InterruptedException {
        while (true) {
            JsonObject json = next();
            if (!type.equals("presence") && "presence".equals(json.getString("type"))) {
                skipped.add(json);
                continue;
            }
            assertEquals(type, json.getString("type"), json.toString());
            return json;
        }
    }

    public static List<String> strings(JsonObject json, String field) {
        return json.getJsonArray(field).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    @Override
    public void close() {
        socket.close();
    }
}
