package dev.duplex.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishRequestTest {

    private static final long NOW = 1_796_112_000_123_456L;

    private static List<ItemChange> parse(String body) throws PublishRequest.Invalid {
        return PublishRequest.parse(body.getBytes(StandardCharsets.UTF_8), 1000, NOW);
    }

    private static String refusal(String body) {
        return assertThrows(PublishRequest.Invalid.class, () -> parse(body)).getMessage();
    }

    @Test
    void aValidBodyBecomesChangesInOrderStampedWithTheServerClock() throws Exception {
        List<ItemChange> changes = parse("""
                {"updates":[{"item":"ACME","fields":{"last":101.2,"conditions":"rain","n":-3}},
                            {"item":"berlin","fields":{"temp":1e2}},
                            {"item":"ACME","fields":{"last":101.25}}]}""");
        Map<String, FieldValue> first = new LinkedHashMap<>();
        first.put("last", FieldValue.of(101.2));
        first.put("conditions", FieldValue.of("rain"));
        first.put("n", FieldValue.of(-3));
        assertEquals(List.of(new ItemChange("ACME", first, NOW),
                new ItemChange("berlin", Map.of("temp", FieldValue.of(100.0)), NOW),
                new ItemChange("ACME", Map.of("last", FieldValue.of(101.25)), NOW)), changes);
        assertEquals(List.of("last", "conditions", "n"), List.copyOf(changes.get(0).fields().keySet()));
    }

    @Test
    void theShapeIsChecked() {
        assertEquals("The body is not JSON", refusal("{\"updates\":["));
        assertEquals("The body is not JSON", refusal("{\"updates\":[]} trailing"));
        assertEquals("The body is not JSON", refusal(""));
        assertEquals("The body must be an object with one member, updates", refusal("[]"));
        assertEquals("The body must be an object with one member, updates", refusal("{\"updates\":[],\"x\":1}"));
        assertEquals("updates must be a non-empty array", refusal("{\"updates\":[]}"));
        assertEquals("updates must be a non-empty array", refusal("{\"updates\":{}}"));
        assertEquals("updates[1] must be an object with exactly the members item and fields",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":1}},{\"item\":\"A\"}]}"));
        assertEquals("updates[0] must be an object with exactly the members item and fields",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":1},\"extra\":true}]}"));
        assertEquals("updates[0].item must be a string matching [A-Za-z0-9][A-Za-z0-9._-]{0,63}",
                refusal("{\"updates\":[{\"item\":\"A B\",\"fields\":{\"x\":1}}]}"));
        assertEquals("updates[0].item must be a string matching [A-Za-z0-9][A-Za-z0-9._-]{0,63}",
                refusal("{\"updates\":[{\"item\":7,\"fields\":{\"x\":1}}]}"));
        assertEquals("updates[0].fields must be a non-empty object",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{}}]}"));
        assertEquals("updates[0].fields: every name must match [A-Za-z][A-Za-z0-9_]{0,31}",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{\"<script>\":1}}]}"));
        assertEquals("An object of the body has a member name twice",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{\"last\":1,\"last\":2}}]}"));
        assertEquals("An object of the body has a member name twice",
                refusal("{\"updates\":[{\"item\":\"A\",\"item\":\"B\",\"fields\":{\"x\":1}}]}"));
    }

    @Test
    void valuesAreFiniteNumbersOrShortTexts() {
        assertEquals("updates[0].fields.x must be a number or a string",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":null}}]}"));
        assertEquals("updates[0].fields.x must be a number or a string",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":true}}]}"));
        assertEquals("updates[0].fields.x must be a number or a string",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":[1]}}]}"));
        assertEquals("updates[0].fields.x must be a finite number",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":1e400}}]}"));
        assertEquals("updates[0].fields.x must be a finite number",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":-1e999999999}}]}"));
        assertEquals("updates[0].fields.x is longer than 256 UTF-8 bytes",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":\"" + "\u00e9".repeat(129) + "\"}}]}"));
        assertEquals("updates[0].fields.x is not valid Unicode text (a lone surrogate)",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":\"\\ud800\"}}]}"));
    }

    @Test
    void textsOfExactly256BytesAndEmojiPairsAreAccepted() throws Exception {
        String emoji = "\ud83d\ude00".repeat(64);
        List<ItemChange> changes = parse("{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":\"" + "\u00e9".repeat(128)
                + "\",\"y\":\"" + emoji + "\"}}]}");
        assertEquals(FieldValue.of(emoji), changes.get(0).fields().get("y"));
    }

    @Test
    void countsDepthAndEncodingAreBounded() throws Exception {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            fields.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        }
        assertEquals("updates[0].fields has more than 32 members",
                refusal("{\"updates\":[{\"item\":\"A\",\"fields\":{" + fields + "}}]}"));
        String one = "{\"item\":\"A\",\"fields\":{\"x\":1}}";
        String three = "{\"updates\":[" + one + "," + one + "," + one + "]}";
        assertEquals("At most 2 updates per request", assertThrows(PublishRequest.Invalid.class,
                () -> PublishRequest.parse(three.getBytes(StandardCharsets.UTF_8), 2, NOW)).getMessage());
        assertEquals(3, PublishRequest.parse(three.getBytes(StandardCharsets.UTF_8), 3, NOW).size());
        assertEquals("The body nests more than 32 levels", refusal("{\"updates\":" + "[".repeat(40) + "]".repeat(40) + "}"));
        assertEquals("The body is not UTF-8 text", assertThrows(PublishRequest.Invalid.class,
                () -> PublishRequest.parse(new byte[] {'{', (byte) 0xC3, '}'}, 10, NOW)).getMessage());
    }
}
