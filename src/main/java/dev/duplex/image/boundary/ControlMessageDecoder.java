package dev.duplex.image.boundary;

import dev.duplex.image.entity.ControlMessage;
import dev.duplex.image.entity.ControlMessage.Configure;
import dev.duplex.image.entity.ControlMessage.Describe;
import dev.duplex.image.entity.Step;
import dev.duplex.platform.JsonDepth;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the client's text messages to {@code /image} (JSON-P). Two shapes:
 *
 * <pre>
 * {"type": "configure",                         change what happens to the images that follow
 *  "ops": [ "grayscale",                        an operation without parameters, or
 *           {"op": "blur", "radius": 3} ],      an object: "op" and the operation's parameters
 *  "format": "png" | "jpeg",                    output format
 *  "quality": 0.85}                             JPEG quality, 0..1
 *
 * {"type": "describe"}                          ask for the operations, formats and limits
 * </pre>
 *
 * In {@code configure} every member but {@code type} may be left out to keep its current value;
 * {@code "ops": []} means {@code echo}. Parameter values may be numbers or strings; the operation
 * checks them. Anything else (not JSON, not an object, an unknown type or member, a member of the
 * wrong kind, nesting deeper than {@link JsonDepth#MAX_DEPTH} levels, checked before parsing) is a
 * {@link DecodeException} whose message says what is wrong; the endpoint answers
 * it with a {@code bad-message} error.
 */
public class ControlMessageDecoder implements Decoder.Text<ControlMessage> {

    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());
    private static final Set<String> CONFIGURE_MEMBERS = Set.of("type", "ops", "format", "quality");

    @Override
    public ControlMessage decode(String text) throws DecodeException {
        JsonObject message = object(text);
        JsonValue type = message.get("type");
        if (!(type instanceof JsonString typeName)) {
            throw new DecodeException(text, "it needs a \"type\": \"configure\" or \"describe\"");
        }
        return switch (typeName.getString()) {
            case "configure" -> configure(text, message);
            case "describe" -> new Describe();
            default -> throw new DecodeException(text, "unknown type \"" + shorten(typeName.getString())
                    + "\"; the types are configure and describe");
        };
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }

    private static JsonObject object(String text) throws DecodeException {
        if (JsonDepth.tooDeep(text)) {
            throw new DecodeException(text, "it is nested deeper than " + JsonDepth.MAX_DEPTH + " levels");
        }
        try (JsonReader reader = READERS.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new DecodeException(text, "it is JSON but not an object");
            }
            return value.asJsonObject();
        } catch (JsonException e) {
            throw new DecodeException(text, "it is not valid JSON", e); // the parser's text stays on the server
        } catch (RuntimeException e) {
            // Parsson reports some limits (e.g. "Input is too deeply nested") as a plain
            // RuntimeException, not a JsonException: still the client's bad JSON, never a crash.
            throw new DecodeException(text, "it is not JSON the server accepts", e);
        }
    }

    private static Configure configure(String text, JsonObject message) throws DecodeException {
        for (String member : message.keySet()) {
            if (!CONFIGURE_MEMBERS.contains(member)) {
                throw new DecodeException(text, "unknown member \"" + shorten(member)
                        + "\"; configure takes type, ops, format and quality");
            }
        }
        List<Step> ops = null;
        JsonValue opsValue = message.get("ops");
        if (opsValue != null && opsValue != JsonValue.NULL) {
            if (opsValue.getValueType() != JsonValue.ValueType.ARRAY) {
                throw new DecodeException(text, "\"ops\" must be an array of operations");
            }
            ops = new ArrayList<>();
            for (JsonValue element : opsValue.asJsonArray()) {
                ops.add(step(text, element));
            }
        }
        String format = null;
        JsonValue formatValue = message.get("format");
        if (formatValue != null && formatValue != JsonValue.NULL) {
            if (!(formatValue instanceof JsonString name)) {
                throw new DecodeException(text, "\"format\" must be a string: \"png\" or \"jpeg\"");
            }
            format = name.getString();
        }
        Double quality = null;
        JsonValue qualityValue = message.get("quality");
        if (qualityValue != null && qualityValue != JsonValue.NULL) {
            if (!(qualityValue instanceof JsonNumber number)) {
                throw new DecodeException(text, "\"quality\" must be a number from 0 to 1");
            }
            quality = number.doubleValue();
        }
        return new Configure(ops, format, quality);
    }

    private static Step step(String text, JsonValue element) throws DecodeException {
        if (element instanceof JsonString name) {
            return Step.of(name.getString());
        }
        if (element.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new DecodeException(text, "each operation must be a name or an object with \"op\"");
        }
        JsonObject object = element.asJsonObject();
        if (!(object.get("op") instanceof JsonString name)) {
            throw new DecodeException(text, "an operation object needs \"op\": its name");
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> member : object.entrySet()) {
            if (!member.getKey().equals("op")) {
                parameters.put(member.getKey(), value(member.getValue()));
            }
        }
        return new Step(name.getString(), parameters);
    }

    /**
     * A parameter value: numbers as numbers (integers as {@code Long} when they fit, so that a huge
     * one cannot wrap around into range), strings as strings, anything else as its JSON text (which
     * the operation then refuses).
     */
    private static Object value(JsonValue value) {
        if (value instanceof JsonNumber number) {
            if (number.isIntegral()) {
                try {
                    return number.bigDecimalValue().longValueExact();
                } catch (ArithmeticException tooBig) {
                    return number.doubleValue();
                }
            }
            return number.doubleValue();
        }
        if (value instanceof JsonString string) {
            return string.getString();
        }
        return value.toString();
    }

    private static String shorten(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
