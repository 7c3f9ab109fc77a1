package dev.duplex.feed.entity;

import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Finds a member name that occurs twice in one JSON object. JSON-P's object model keeps one of
 * them silently; the feed's inputs refuse such text instead (docs/FEED.md). Plain Java; the text is
 * expected to be JSON of bounded depth (the caller checks both first).
 */
public final class JsonDuplicates {

    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    private JsonDuplicates() {
    }

    /**
     * @return the first member name that repeats within one object, or null when none does (or the
     *         text is not JSON: the caller's own parse reports that)
     */
    public static String find(String json) {
        ArrayDeque<Set<String>> objects = new ArrayDeque<>();
        ArrayDeque<Boolean> inObject = new ArrayDeque<>();
        try (JsonParser parser = PARSERS.createParser(new StringReader(json))) {
            while (parser.hasNext()) {
                switch (parser.next()) {
                    case START_OBJECT -> {
                        objects.push(new HashSet<>());
                        inObject.push(true);
                    }
                    case START_ARRAY -> inObject.push(false);
                    case END_OBJECT -> {
                        objects.pop();
                        inObject.pop();
                    }
                    case END_ARRAY -> inObject.pop();
                    case KEY_NAME -> {
                        if (!objects.peek().add(parser.getString())) {
                            return parser.getString();
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        return null;
    }
}
