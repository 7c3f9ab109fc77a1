package dev.duplex.chat.entity;

import dev.duplex.platform.JsonDepth;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import jakarta.websocket.Decoder;
import java.io.StringReader;
import java.util.OptionalLong;

/**
 * Reads the client's JSON messages (JSON-P). Every message is one JSON object with a {@code type}:
 *
 * <pre>
 * {"type":"join","room":"lobby","nick":"ada"}
 * {"type":"join","room":"lobby","nick":"ada","since":42,"token":"…"}   rejoin: catch up after id 42
 * {"type":"say","text":"hi"}
 * {"type":"leave"}
 * </pre>
 *
 * {@code room}, {@code nick}, {@code text} and {@code token} are JSON strings; {@code since} is a
 * whole number &ge; 0 (0 = "I have seen nothing"). Unknown fields are ignored, so clients may add
 * their own. Anything else is refused with a {@link BadCommandException} whose code is
 * {@code bad-json} (not a JSON object, or nested deeper than {@link JsonDepth#MAX_DEPTH} levels: checked
 * before the JSON is parsed), {@code unknown-type} or {@code bad-request} (a field is
 * missing or of the wrong type). Whether a room name, nickname or text is acceptable is decided
 * later, against the configured limits.
 */
public class ChatCommandDecoder implements Decoder.Text<ChatCommand> {

    private static final jakarta.json.JsonReaderFactory READERS = Json.createReaderFactory(java.util.Map.of());

    @Override
    public ChatCommand decode(String json) throws BadCommandException {
        JsonObject object = parse(json);
        JsonValue type = object.get("type");
        if (!(type instanceof JsonString typeName)) {
            throw new BadCommandException(json, ErrorCode.BAD_REQUEST, "A message needs a \"type\" string");
        }
        return switch (typeName.getString()) {
            case "join" -> new ChatCommand.Join(string(object, "room", json), string(object, "nick", json),
                    since(object, json), optionalString(object, "token", json));
            case "say" -> new ChatCommand.Say(string(object, "text", json));
            case "leave" -> new ChatCommand.Leave();
            default -> throw new BadCommandException(json, ErrorCode.UNKNOWN_TYPE,
                    "Unknown type \"" + abbreviate(typeName.getString()) + "\": use join, say or leave");
        };
    }

    @Override
    public boolean willDecode(String json) {
        return json != null;
    }

    private static JsonObject parse(String json) throws BadCommandException {
        if (JsonDepth.tooDeep(json)) {
            throw new BadCommandException(json, ErrorCode.BAD_JSON,
                    "JSON nested deeper than " + JsonDepth.MAX_DEPTH + " levels");
        }
        try (JsonReader reader = READERS.createReader(new StringReader(json))) {
            JsonValue value = reader.readValue();
            if (value instanceof JsonObject object) {
                return object;
            }
            throw new BadCommandException(json, ErrorCode.BAD_JSON, "A message must be a JSON object");
        } catch (JsonParsingException e) {
            throw new BadCommandException(json, ErrorCode.BAD_JSON, "Not JSON"); // the parser's text stays on the server
        } catch (JsonException e) {
            throw new BadCommandException(json, ErrorCode.BAD_JSON, "Not JSON");
        } catch (RuntimeException e) {
            // Parsson reports some limits (e.g. "Input is too deeply nested") as a plain
            // RuntimeException, not a JsonException: still the client's bad JSON, never a crash.
            throw new BadCommandException(json, ErrorCode.BAD_JSON, "Not JSON the server accepts");
        }
    }

    private static String string(JsonObject object, String field, String json) throws BadCommandException {
        JsonValue value = object.get(field);
        if (value instanceof JsonString string) {
            return string.getString();
        }
        throw new BadCommandException(json, ErrorCode.BAD_REQUEST, "\"" + field + "\" must be a string");
    }

    private static String optionalString(JsonObject object, String field, String json) throws BadCommandException {
        JsonValue value = object.get(field);
        return value == null || value == JsonValue.NULL ? null : string(object, field, json);
    }

    private static OptionalLong since(JsonObject object, String json) throws BadCommandException {
        JsonValue value = object.get("since");
        if (value == null || value == JsonValue.NULL) {
            return OptionalLong.empty();
        }
        if (value instanceof JsonNumber number && number.isIntegral() && number.bigIntegerValue().signum() >= 0
                && number.bigIntegerValue().bitLength() < 63) {
            return OptionalLong.of(number.longValue());
        }
        throw new BadCommandException(json, ErrorCode.BAD_REQUEST, "\"since\" must be a message id (a whole number >= 0)");
    }

    private static String abbreviate(String text) {
        return text.length() <= 32 ? text : text.substring(0, 32) + "…";
    }
}
