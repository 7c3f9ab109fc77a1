package dev.duplex.feed.control;

import dev.duplex.feed.entity.JsonDuplicates;
import dev.duplex.feed.entity.FeedNames;
import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.platform.JsonDepth;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/feed/{topic}}, read and validated into the changes to publish:
 *
 * <pre>
 * {"updates":[{"item":"ACME","fields":{"last":101.2,"conditions":"rain"}}, …]}
 * </pre>
 *
 * <p>The body must be UTF-8 JSON nested at most {@link JsonDepth#MAX_DEPTH} levels; {@code updates}
 * holds 1 to {@code maxUpdates} objects, each with exactly the members {@code item} (a name by
 * {@link FeedNames#ITEM_RULE}) and {@code fields} (1 to {@link #MAX_FIELDS} members named by
 * {@link FeedNames#FIELD_RULE}, each a finite number or a text of at most
 * {@link FieldValue#MAX_TEXT_BYTES} UTF-8 bytes). Every change is stamped with the same
 * publication time, the server's clock when the request was read.
 *
 * <p>A refusal is an {@link Invalid} whose message is a fixed text naming what is wrong (and the
 * index of the update), never a parser's exception text or the client's own data. Plain Java.
 */
public final class PublishRequest {

    /** The most fields one update may carry. */
    public static final int MAX_FIELDS = 32;

    /** Looked up once: each Json.createXxx call looks the JSON provider up with a ServiceLoader. */
    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    /** A body that cannot be published; the message is safe to send to the client. */
    public static final class Invalid extends Exception {

        private static final long serialVersionUID = 1L;

        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private PublishRequest() {
    }

    /**
     * @param body           the request body as received (the caller bounds its size)
     * @param maxUpdates     the most updates one request may carry
     * @param publishedMicros the publication time to stamp, epoch microseconds
     * @return the changes, in the body's order
     */
    public static List<ItemChange> parse(byte[] body, int maxUpdates, long publishedMicros) throws Invalid {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new Invalid("The body is not UTF-8 text");
        }
        if (JsonDepth.tooDeep(text)) {
            throw new Invalid("The body nests more than " + JsonDepth.MAX_DEPTH + " levels");
        }
        String duplicate = JsonDuplicates.find(text);
        if (duplicate != null) {
            // JSON-P would keep one of them silently; which one the publisher meant is not ours to guess
            throw new Invalid("An object of the body has a member name twice");
        }
        JsonValue root;
        try (JsonParser parser = PARSERS.createParser(new StringReader(text))) {
            parser.next();
            root = parser.getValue();
            if (parser.hasNext()) {
                throw new Invalid("The body is not JSON");
            }
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException | NumberFormatException | ArithmeticException e) {
            throw new Invalid("The body is not JSON");
        }
        if (!(root instanceof JsonObject object) || object.size() != 1 || !object.containsKey("updates")) {
            throw new Invalid("The body must be an object with one member, updates");
        }
        if (!(object.get("updates") instanceof JsonArray updates) || updates.isEmpty()) {
            throw new Invalid("updates must be a non-empty array");
        }
        if (updates.size() > maxUpdates) {
            throw new Invalid("At most " + maxUpdates + " updates per request");
        }
        List<ItemChange> changes = new ArrayList<>(updates.size());
        for (int i = 0; i < updates.size(); i++) {
            changes.add(change(i, updates.get(i), publishedMicros));
        }
        return changes;
    }

    private static ItemChange change(int index, JsonValue value, long publishedMicros) throws Invalid {
        String where = "updates[" + index + "]";
        if (!(value instanceof JsonObject update) || update.size() != 2
                || !update.containsKey("item") || !update.containsKey("fields")) {
            throw new Invalid(where + " must be an object with exactly the members item and fields");
        }
        if (!(update.get("item") instanceof JsonString item) || !FeedNames.isItem(item.getString())) {
            throw new Invalid(where + ".item must be a string matching " + FeedNames.ITEM_RULE);
        }
        if (!(update.get("fields") instanceof JsonObject fields) || fields.isEmpty()) {
            throw new Invalid(where + ".fields must be a non-empty object");
        }
        if (fields.size() > MAX_FIELDS) {
            throw new Invalid(where + ".fields has more than " + MAX_FIELDS + " members");
        }
        Map<String, FieldValue> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> field : fields.entrySet()) {
            if (!FeedNames.isField(field.getKey())) {
                throw new Invalid(where + ".fields: every name must match " + FeedNames.FIELD_RULE);
            }
            values.put(field.getKey(), value(where, field.getKey(), field.getValue()));
        }
        return new ItemChange(item.getString(), values, publishedMicros);
    }

    /** Whether every surrogate of {@code s} is half of a pair (a JSON escape can make a lone one). */
    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The field's name is valid by now, so it may be named in the message. */
    private static FieldValue value(String where, String name, JsonValue value) throws Invalid {
        if (value instanceof JsonNumber number) {
            double d;
            try {
                d = number.doubleValue();
            } catch (NumberFormatException | ArithmeticException e) {
                d = Double.NaN;
            }
            if (!Double.isFinite(d)) {
                throw new Invalid(where + ".fields." + name + " must be a finite number");
            }
            return FieldValue.of(d);
        }
        if (value instanceof JsonString string) {
            String s = string.getString();
            if (s.length() > FieldValue.MAX_TEXT_BYTES || s.getBytes(StandardCharsets.UTF_8).length > FieldValue.MAX_TEXT_BYTES) {
                throw new Invalid(where + ".fields." + name + " is longer than " + FieldValue.MAX_TEXT_BYTES + " UTF-8 bytes");
            }
            if (!wellFormed(s)) {
                throw new Invalid(where + ".fields." + name + " is not valid Unicode text (a lone surrogate)");
            }
            return FieldValue.of(s);
        }
        throw new Invalid(where + ".fields." + name + " must be a number or a string");
    }
}
