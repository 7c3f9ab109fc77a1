package dev.duplex.bench.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

/**
 * The parts of the {@code chat} subprotocol the fan-out scenario speaks. Client to server:
 * {@code {"type":"join","room":"lobby","nick":"ada"}} and {@code {"type":"say","text":"hi"}}.
 * Server to client: {@code welcome}, {@code message} ({@code id, room, from, text, ts}),
 * {@code presence} and {@code error} ({@code code, message}).
 *
 * <p>Reading is streaming and stops as soon as the message is known to be of no interest: with a
 * thousand members every join sends a presence message with the whole member list to everyone,
 * and the load tool must not spend its CPU reading them.
 */
final class ChatWire {

    /** One factory for every message: Json.createParser looks the JSON provider up on each call. */
    private static final JsonParserFactory PARSERS = Json.createParserFactory(java.util.Map.of());

    /** The fields of a server message the scenario uses; {@code text} and {@code detail} may be null. */
    record Incoming(String type, String text, String detail) {
    }

    private ChatWire() {
    }

    static String join(String room, String nick) {
        return Json.createObjectBuilder().add("type", "join").add("room", room).add("nick", nick).build().toString();
    }

    static String say(String text) {
        return Json.createObjectBuilder().add("type", "say").add("text", text).build().toString();
    }

    /** Reads the type, and for {@code message} the text, for {@code error} the code and message. */
    static Incoming read(ByteBuf json) {
        String type = null;
        String text = null;
        String detail = null;
        try (JsonParser parser = PARSERS.createParser(new ByteBufInputStream(json.duplicate()))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return new Incoming("invalid", null, "not a JSON object");
            }
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                if (event == JsonParser.Event.END_OBJECT) {
                    break;
                }
                if (event != JsonParser.Event.KEY_NAME) {
                    continue;
                }
                String key = parser.getString();
                JsonParser.Event value = parser.next();
                switch (value) {
                    case START_ARRAY -> parser.skipArray();
                    case START_OBJECT -> parser.skipObject();
                    case VALUE_STRING, VALUE_NUMBER -> {
                        String v = parser.getString();
                        switch (key) {
                            case "type" -> type = v;
                            case "text" -> text = v;
                            case "message", "code" -> detail = detail == null ? v : detail + " " + v;
                            default -> {
                            }
                        }
                    }
                    default -> {
                    }
                }
                if (type != null && !"message".equals(type) && !"error".equals(type)) {
                    return new Incoming(type, null, null);
                }
                if ("message".equals(type) && text != null) {
                    return new Incoming(type, text, null);
                }
            }
        } catch (JsonException | IllegalStateException e) {
            return new Incoming("invalid", null, e.getMessage());
        }
        return new Incoming(type == null ? "invalid" : type, text, detail);
    }

    /** The text a publisher says: {@code fanout <publisher> <seq> <due-nanos>}. */
    static String probe(int publisher, long seq, long dueNanos) {
        return "fanout " + publisher + " " + seq + " " + dueNanos;
    }

    /** The numbers of a probe text, or null when the text is not one. */
    static long[] parseProbe(String text) {
        if (text == null || !text.startsWith("fanout ")) {
            return null;
        }
        String[] parts = text.split(" ");
        if (parts.length != 4) {
            return null;
        }
        try {
            return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3])};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
