package dev.duplex.feed.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonFeedCodecTest {

    private static final long TS = 1796112000123456L;
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    static Map<String, FieldValue> fields(Object... nameValue) {
        Map<String, FieldValue> fields = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            Object v = nameValue[i + 1];
            fields.put((String) nameValue[i], v instanceof String s ? FieldValue.of(s) : FieldValue.of(((Number) v).doubleValue()));
        }
        return fields;
    }

    static List<FeedMessage> everyMessageKind() {
        return List.of(
                new FeedMessage.Hello("feed.json", "node-1", 32, 1000, 100, List.of("stocks", "weather")),
                new FeedMessage.Hello("feed.bin", "n", 1, 2, 2.5, List.of()),
                new FeedMessage.Snapshot(1, "stocks", List.of(
                        new ItemState("ACME", 17, TS, fields("last", 101.23, "bid", 101.2, "ask", 101.26)),
                        new ItemState("BOLT", 1, TS + 5, fields("name", "Bolt \"Inc\"", "volume", 1200)))),
                new FeedMessage.Snapshot(7, "empty", List.of()),
                new FeedMessage.Updates(List.of(
                        new Update(1, "ACME", 18, TS + 545, 0, fields("last", 101.25)),
                        new Update(2147483647, "berlin", 9, TS, 3, fields("temp", -3.5, "sky", "snow\n")))),
                new FeedMessage.Unsubscribed(1),
                new FeedMessage.Topics(List.of(new FeedMessage.TopicInfo("stocks", 200,
                        List.of("last", "bid", "ask", "change", "volume", "high", "low")),
                        new FeedMessage.TopicInfo("weather", 0, List.of()))),
                new FeedMessage.Error(FeedError.UNKNOWN_TOPIC, "No such topic", 1),
                new FeedMessage.Error(FeedError.BAD_JSON, "Not JSON", 0));
    }

    @Test
    void writesTheMessagesOfTheProtocolDocument() {
        assertEquals("{\"type\":\"hello\",\"protocol\":\"feed.json\",\"instance\":\"node-1\",\"maxSubscriptions\":32,"
                        + "\"maxItemsPerSubscription\":1000,\"maxFrequency\":100,\"topics\":[\"stocks\",\"weather\"]}",
                JsonFeedCodec.encode(everyMessageKind().get(0)));
        assertEquals("{\"type\":\"snapshot\",\"id\":1,\"topic\":\"stocks\",\"items\":[{\"item\":\"ACME\",\"seq\":17,"
                        + "\"ts\":1796112000123456,\"fields\":{\"last\":101.23,\"bid\":101.2,\"ask\":101.26}}]}",
                JsonFeedCodec.encode(new FeedMessage.Snapshot(1, "stocks", List.of(
                        new ItemState("ACME", 17, TS, fields("last", 101.23, "bid", 101.2, "ask", 101.26))))));
        assertEquals("{\"type\":\"updates\",\"updates\":[{\"id\":1,\"item\":\"ACME\",\"seq\":18,\"ts\":1796112000124001,"
                        + "\"conflated\":0,\"fields\":{\"last\":101.25}}]}",
                JsonFeedCodec.encode(new FeedMessage.Updates(List.of(
                        new Update(1, "ACME", 18, 1796112000124001L, 0, fields("last", 101.25))))));
        assertEquals("{\"type\":\"unsubscribed\",\"id\":1}", JsonFeedCodec.encode(new FeedMessage.Unsubscribed(1)));
        assertEquals("{\"type\":\"topics\",\"topics\":[{\"name\":\"stocks\",\"items\":200,"
                        + "\"fields\":[\"last\",\"bid\",\"ask\",\"change\",\"volume\",\"high\",\"low\"]},"
                        + "{\"name\":\"weather\",\"items\":0,\"fields\":[]}]}",
                JsonFeedCodec.encode(everyMessageKind().get(6)));
        assertEquals("{\"type\":\"error\",\"code\":\"unknown-topic\",\"message\":\"No such topic\",\"id\":1}",
                JsonFeedCodec.encode(everyMessageKind().get(7)));
    }

    @Test
    void everyMessageKindReadsBackAsItWasAndIsValidJson() throws Exception {
        for (FeedMessage message : everyMessageKind()) {
            String json = JsonFeedCodec.encode(message);
            parse(json);
            assertEquals(message, JsonFeedCodec.decodeMessage(json), json);
        }
    }

    @Test
    void updatesAssembledFromFragmentsAreTheSameAsEncodedWhole() {
        FeedMessage.Updates updates = (FeedMessage.Updates) everyMessageKind().get(4);
        List<String> fragments = updates.updates().stream().map(JsonFeedCodec::update).toList();
        assertEquals(JsonFeedCodec.encode(updates), JsonFeedCodec.updates(fragments));
        StringBuilder sb = new StringBuilder("x");
        JsonFeedCodec.appendUpdate(sb, updates.updates().get(0));
        assertEquals("x" + fragments.get(0), sb.toString());

        // one tail per change, completed with each subscription's id
        Update change = updates.updates().get(1);
        String tail = JsonFeedCodec.updateTail(change);
        StringBuilder perSubscriber = new StringBuilder();
        JsonFeedCodec.appendUpdate(perSubscriber, 42, tail);
        assertEquals(JsonFeedCodec.update(new Update(42, change.item(), change.seq(), change.publishedMicros(),
                change.conflated(), change.fields())), perSubscriber.toString());
    }

    @Test
    void numbersAreTheShortestJsonThatReadsBackToTheSameDouble() {
        Object[][] cases = {
                {101.25, "101.25"}, {17.0, "17"}, {0.0, "0"}, {-0.0, "-0"}, {0.1, "0.1"}, {-3.5, "-3.5"},
                {1e-7, "1e-7"}, {1.5e-7, "1.5e-7"}, {1e300, "1e300"}, {-1.7976931348623157e308, "-1.7976931348623157e308"},
                {4.9e-324, "4.9e-324"}, {123456789.123456, "123456789.123456"}, {0.05, "0.05"}, {-0.001, "-0.001"}, {1.000001, "1.000001"}, {0.0012, "0.0012"}, {12345678.5, "12345678.5"}, {1e15, "1e15"}, {999999999999999.0, "999999999999999"},
                {0.30000000000000004, "0.30000000000000004"}, {0.001, "0.001"}, {1234567.5, "1234567.5"}, {1e7, "10000000"},
                {9.223372036854776e18, "9.223372036854776e18"}, {2e23, "2e23"},
        };
        for (Object[] c : cases) {
            StringBuilder sb = new StringBuilder();
            JsonFeedCodec.appendNumber(sb, (double) c[0]);
            assertEquals(c[1], sb.toString(), "for " + c[0]);
        }
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 20_000; i++) {
            double d = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(random.nextLong()); // anything, incl. subnormals
                case 1 -> Math.round(random.nextDouble(-1e6, 1e6)) / 100.0; // prices
                case 2 -> random.nextDouble();
                default -> (double) random.nextLong();
            };
            if (!Double.isFinite(d)) {
                continue;
            }
            StringBuilder sb = new StringBuilder();
            JsonFeedCodec.appendNumber(sb, d);
            String text = sb.toString();
            assertEquals(Double.doubleToLongBits(d), Double.doubleToLongBits(Double.parseDouble(text)), text);
            JsonNumber parsed = (JsonNumber) parse("{\"n\":" + text + "}").get("n");
            assertEquals(d == 0 ? 0 : d, parsed.doubleValue(), text); // JSON-P has no negative zero
            assertTrue(text.length() <= Double.toString(d).length(), text);
        }
    }

    @Test
    void stringsEscapeQuotesBackslashesControlCharactersAndLineSeparators() throws Exception {
        String nasty = "a\"b\\c/\u0000\u0001\u001f\b\f\n\r\t\u007f\u2028\u2029é€😀\ud800x\udc00";
        StringBuilder sb = new StringBuilder();
        JsonFeedCodec.appendString(sb, nasty);
        assertEquals("\"a\\\"b\\\\c/\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t\u007f\\u2028\\u2029é€😀\\ud800x\\udc00\"", sb.toString());
        for (char c = 0; c < 0x20; c++) {
            sb.setLength(0);
            JsonFeedCodec.appendString(sb, "<" + c + ">");
            assertEquals("<" + c + ">", parse("{\"s\":" + sb + "}").getString("s"));
        }
        FeedMessage.Error error = new FeedMessage.Error(FeedError.BAD_COMMAND, nasty, 0);
        assertEquals(error, JsonFeedCodec.decodeMessage(JsonFeedCodec.encode(error)));
    }

    @Test
    void commandsReadBackAsTheyWereWritten() throws Exception {
        List<FeedCommand> commands = List.of(
                new FeedCommand.Subscribe(1, "stocks", List.of("ACME", "BOLT"), 4),
                new FeedCommand.Subscribe(2147483647, "weather", List.of(), 0),
                new FeedCommand.Subscribe(3, "w\u2028\"", List.of("x".repeat(64)), 0.5),
                new FeedCommand.Unsubscribe(1),
                new FeedCommand.ListTopics(),
                new FeedCommand.Ack(0),
                new FeedCommand.Ack(1L << 53));
        for (FeedCommand command : commands) {
            assertEquals(command, JsonFeedCodec.decodeCommand(JsonFeedCodec.encode(command)));
        }
        assertEquals("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"stocks\",\"items\":[\"ACME\",\"BOLT\"],\"maxFrequency\":4}",
                JsonFeedCodec.encode(commands.get(0)));
        assertEquals("{\"type\":\"subscribe\",\"id\":2147483647,\"topic\":\"weather\"}", JsonFeedCodec.encode(commands.get(1)));
        assertEquals(new FeedCommand.Subscribe(2, "weather", List.of(), 0),
                JsonFeedCodec.decodeCommand("{\"type\":\"subscribe\",\"id\":2.0,\"topic\":\"weather\",\"items\":null,"
                        + "\"maxFrequency\":null,\"extra\":{\"a\":[1]}}"));
        assertEquals(new FeedCommand.Subscribe(5, "t", List.of(), 0),
                JsonFeedCodec.decodeCommand("{\"type\":\"subscribe\",\"id\":5e0,\"topic\":\"t\",\"items\":[],\"maxFrequency\":-0}"));
    }

    @Test
    void refusesEveryBadCommandWithItsCodeAndTheIdWhenItCouldBeRead() {
        assertRefused(FeedError.BAD_JSON, 0, "not json");
        assertRefused(FeedError.BAD_JSON, 0, "");
        assertRefused(FeedError.BAD_JSON, 0, "{\"type\":\"topics\"");
        assertRefused(FeedError.BAD_JSON, 0, "{\"type\":\"topics\"} x");
        assertRefused(FeedError.BAD_JSON, 0, "[1]");
        assertRefused(FeedError.BAD_JSON, 0, "\"topics\"");
        assertRefused(FeedError.BAD_JSON, 0, "[".repeat(33) + "]".repeat(33));
        assertRefused(FeedError.BAD_JSON, 0, "{\"type\":\"topics\",\"x\":" + "[".repeat(40_000) + "}");
        assertRefused(FeedError.BAD_COMMAND, 0, "{}");
        assertRefused(FeedError.BAD_COMMAND, 0, "{\"type\":1}");
        assertRefused(FeedError.BAD_COMMAND, 1, "{\"type\":\"publish\",\"id\":1}");
        assertRefused(FeedError.BAD_COMMAND, 0, "{\"type\":\"publish\",\"id\":0.5}");
        assertRefused(FeedError.BAD_COMMAND, 0, "{\"type\":\"unsubscribe\"}");
        for (String id : List.of("0", "-1", "2147483648", "1.5", "\"1\"", "null", "true", "1e999999999", "-1e999999999", "1e-999999999")) {
            assertRefused(FeedError.BAD_COMMAND, 0, "{\"type\":\"subscribe\",\"id\":" + id + ",\"topic\":\"t\"}");
            assertRefused(FeedError.BAD_COMMAND, 0, "{\"type\":\"unsubscribe\",\"id\":" + id + "}");
        }
        assertRefused(FeedError.BAD_COMMAND, 9, "{\"type\":\"subscribe\",\"id\":9}");
        assertRefused(FeedError.BAD_COMMAND, 9, "{\"type\":\"subscribe\",\"id\":9,\"topic\":[\"t\"]}");
        for (String items : List.of("\"ACME\"", "[1]", "[\"\"]", "[\"" + "x".repeat(65) + "\"]", "[\"a\",null]", "{}", "[[\"a\"]]")) {
            assertRefused(FeedError.BAD_COMMAND, 9, "{\"type\":\"subscribe\",\"id\":9,\"topic\":\"t\",\"items\":" + items + "}");
        }
        for (String messages : List.of("-1", "1.5", "9007199254740993", "\"3\"", "null", "1e999999999")) {
            assertRefused(FeedError.BAD_COMMAND, 0, "{\"type\":\"ack\",\"messages\":" + messages + "}");
        }
        assertRefused(FeedError.BAD_COMMAND, 0, "{\"type\":\"ack\"}");
        for (String frequency : List.of("-1", "-0.001", "\"NaN\"", "\"fast\"", "1e400", "-1e400", "true", "[4]")) {
            assertRefused(FeedError.BAD_FREQUENCY, 9, "{\"type\":\"subscribe\",\"id\":9,\"topic\":\"t\",\"maxFrequency\":" + frequency + "}");
        }
    }

    @Test
    void hugeNumbersAreRefusedWithoutExpandingThem() {
        // Parsson itself refuses numbers of more than 1100 characters (org.eclipse.parsson.maxBigDecimalLength)
        String tooLong = "1" + "0".repeat(5000);
        assertRefused(FeedError.BAD_JSON, 0, "{\"type\":\"unsubscribe\",\"id\":" + tooLong + "}");
        String longFraction = "0." + "0".repeat(1000) + "1";
        String longInteger = "1" + "0".repeat(1000);
        assertRefused(FeedError.BAD_COMMAND, 0, "{\"type\":\"unsubscribe\",\"id\":" + longInteger + "}");
        assertRefused(FeedError.BAD_COMMAND, 0, "{\"type\":\"unsubscribe\",\"id\":" + longFraction + "}");
        assertRefused(FeedError.BAD_FREQUENCY, 3, "{\"type\":\"subscribe\",\"id\":3,\"topic\":\"t\",\"maxFrequency\":" + longInteger + "}");
        assertRefused(FeedError.BAD_FREQUENCY, 3, "{\"type\":\"subscribe\",\"id\":3,\"topic\":\"t\",\"maxFrequency\":-" + longFraction + "}");
        assertRefused(FeedError.BAD_FREQUENCY, 3, "{\"type\":\"subscribe\",\"id\":3,\"topic\":\"t\",\"maxFrequency\":" + longFraction + "}");
    }

    @Test
    void anyTextIsACommandOrARefusalNeverAnotherException() {
        List<String> seeds = List.of("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"stocks\",\"items\":[\"ACME\",\"BOLT\"],\"maxFrequency\":4}",
                "{\"type\":\"unsubscribe\",\"id\":1}", "{\"type\":\"topics\"}");
        String alphabet = "{}[]\",:0123456789.eE-+ \\u\u0000\u2028tfnrlsx";
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 15_000; i++) {
            StringBuilder text = new StringBuilder(seeds.get(i % seeds.size()));
            for (int edits = 1 + random.nextInt(4); edits > 0 && text.length() > 0; edits--) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            try {
                JsonFeedCodec.decodeCommand(text.toString());
            } catch (BadFeedCommand expected) {
                assertTrue(expected.code() == FeedError.BAD_JSON || expected.code() == FeedError.BAD_COMMAND
                        || expected.code() == FeedError.BAD_FREQUENCY, text.toString());
            }
        }
    }

    @Test
    void clientSideDecodingRefusesWhatIsNotAMessage() {
        for (String json : List.of("nope", "[]", "{}", "{\"type\":\"gossip\"}", "{\"type\":\"unsubscribed\",\"id\":\"1\"}",
                "{\"type\":\"unsubscribed\",\"id\":1.5}", "{\"type\":\"error\",\"code\":\"teapot\",\"message\":\"x\",\"id\":0}",
                "{\"type\":\"updates\",\"updates\":[{\"id\":1,\"item\":\"A\",\"seq\":1,\"ts\":1,\"conflated\":0,\"fields\":{\"a\":true}}]}",
                "{\"type\":\"updates\",\"updates\":[{\"id\":1,\"item\":\"A\",\"seq\":1,\"ts\":1,\"conflated\":0,\"fields\":{\"a\":1e999}}]}",
                "{\"type\":\"updates\",\"updates\":[1]}", "[".repeat(40) + "]".repeat(40))) {
            assertThrows(FeedCodecException.class, () -> JsonFeedCodec.decodeMessage(json), json);
        }
    }

    private static void assertRefused(FeedError code, int subscription, String json) {
        BadFeedCommand refusal = assertThrows(BadFeedCommand.class, () -> JsonFeedCodec.decodeCommand(json),
                json.length() > 80 ? json.substring(0, 80) : json);
        assertEquals(code, refusal.code(), json.length() > 80 ? json.substring(0, 80) : json);
        assertEquals(subscription, refusal.subscription(), json);
        assertEquals(new FeedMessage.Error(code, refusal.getMessage(), subscription), refusal.toMessage());
        assertTrue(!refusal.getMessage().contains("line") && !refusal.getMessage().contains("column"), refusal.getMessage());
    }

    private static JsonObject parse(String json) {
        try (JsonReader reader = READERS.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    @Test
    void negativeZeroIsZeroAndBothBadFrequencyAnswersSayTheSame() throws Exception {
        assertEquals(FieldValue.of(0), FieldValue.of(-0.0));
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(((FieldValue.Num) FieldValue.of(-0.0)).value()));
        BadFeedCommand refused = assertThrows(BadFeedCommand.class,
                () -> JsonFeedCodec.decodeCommand("{\"type\":\"subscribe\",\"id\":2,\"topic\":\"t\",\"maxFrequency\":-1}"));
        assertEquals(JsonFeedCodec.BAD_FREQUENCY_TEXT, refused.getMessage());
    }

    @Test
    void aRepeatedMemberNameIsFoundInAnyObjectButNotAcrossObjects() {
        assertEquals("a", JsonDuplicates.find("{\"a\":1,\"b\":{\"a\":2},\"a\":3}"));
        assertEquals("x", JsonDuplicates.find("{\"u\":[{\"x\":1,\"x\":1}]}"));
        assertEquals(null, JsonDuplicates.find("{\"u\":[{\"x\":1},{\"x\":1}],\"x\":{\"x\":2}}"));
    }
}
