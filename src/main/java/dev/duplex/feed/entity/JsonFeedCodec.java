package dev.duplex.feed.entity;

import dev.duplex.platform.JsonDepth;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code /feed} ({@code docs/FEED.md}): the server's messages and the client's commands.
 *
 * <pre>
 * {"type":"hello","protocol":"feed.json","instance":"…","maxSubscriptions":32,"maxItemsPerSubscription":1000,"maxFrequency":100,"topics":["stocks"]}
 * {"type":"snapshot","id":1,"topic":"stocks","items":[{"item":"ACME","seq":17,"ts":1796112000123456,"fields":{"last":101.23}}]}
 * {"type":"updates","updates":[{"id":1,"item":"ACME","seq":18,"ts":1796112000124001,"conflated":0,"fields":{"last":101.25}}]}
 * {"type":"unsubscribed","id":1}
 * {"type":"topics","topics":[{"name":"stocks","items":200,"fields":["last","bid"]}]}
 * {"type":"error","code":"unknown-topic","message":"No such topic","id":1}
 *
 * {"type":"subscribe","id":1,"topic":"stocks","items":["ACME","BOLT"],"maxFrequency":4}
 * {"type":"unsubscribe","id":1}
 * {"type":"topics"}
 * </pre>
 *
 * <p>The server's messages are written by hand into a {@link StringBuilder} (this runs for every
 * delivery): strings escape {@code "}, {@code \}, every control character and U+2028/U+2029 (and
 * unpaired surrogates, which UTF-8 cannot carry); numbers are written in the shortest form that reads
 * back to the same {@code double} ({@code 17}, {@code 101.25}, {@code 1e-7}, {@code -0}), always valid
 * JSON. The fan-out encodes an update once with {@link #update} (or, shared by subscriptions with
 * different ids, {@link #updateTail}) and assembles messages from such fragments with {@link #updates}.
 *
 * <p>Commands are read with JSON-P after a {@link JsonDepth} check; anything unacceptable is a
 * {@link BadFeedCommand} with a fixed client-safe message. Unknown members are ignored; {@code null}
 * for an optional member ({@code items}, {@code maxFrequency}) means absent.
 */
public final class JsonFeedCodec {

    /** The longest item name a subscribe may list, in characters (UTF-16 code units, as JavaScript counts). */
    public static final int MAX_ITEM_NAME_CHARS = 64;

    private static final BigDecimal MAX_ID = BigDecimal.valueOf(Integer.MAX_VALUE);
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final long[] LONG_POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L,
        100_000_000_000_000L, 1_000_000_000_000_000L};

    private JsonFeedCodec() {
    }

    /**
     * Looked up once (each Json.createXxx call looks the JSON provider up with a ServiceLoader), and
     * only when something is parsed: encoding needs no JSON provider.
     */
    private static final class Parsers {
        static final JsonParserFactory FACTORY = Json.createParserFactory(Map.of());
    }

    // ---------------------------------------------------------------- server → client

    /** The message as the JSON text of {@code docs/FEED.md}. */
    public static String encode(FeedMessage m) {
        StringBuilder sb = new StringBuilder(128);
        if (m instanceof FeedMessage.Updates u) {
            sb.append("{\"type\":\"updates\",\"updates\":[");
            List<Update> updates = u.updates();
            for (int i = 0; i < updates.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendUpdate(sb, updates.get(i));
            }
            return sb.append("]}").toString();
        }
        if (m instanceof FeedMessage.Snapshot s) {
            sb.append("{\"type\":\"snapshot\",\"id\":").append(s.subscription()).append(",\"topic\":");
            appendString(sb, s.topic());
            sb.append(",\"items\":[");
            List<ItemState> items = s.items();
            for (int i = 0; i < items.size(); i++) {
                ItemState item = items.get(i);
                if (i > 0) {
                    sb.append(',');
                }
                sb.append("{\"item\":");
                appendString(sb, item.item());
                sb.append(",\"seq\":").append(item.seq()).append(",\"ts\":").append(item.publishedMicros());
                appendFields(sb, item.fields());
                sb.append('}');
            }
            return sb.append("]}").toString();
        }
        if (m instanceof FeedMessage.Hello h) {
            sb.append("{\"type\":\"hello\",\"protocol\":");
            appendString(sb, h.protocol());
            sb.append(",\"instance\":");
            appendString(sb, h.instance());
            sb.append(",\"maxSubscriptions\":").append(h.maxSubscriptions())
                    .append(",\"maxItemsPerSubscription\":").append(h.maxItemsPerSubscription())
                    .append(",\"maxFrequency\":");
            appendNumber(sb, h.maxFrequency());
            sb.append(",\"topics\":");
            appendStrings(sb, h.topics());
            return sb.append('}').toString();
        }
        if (m instanceof FeedMessage.Unsubscribed u) {
            return sb.append("{\"type\":\"unsubscribed\",\"id\":").append(u.subscription()).append('}').toString();
        }
        if (m instanceof FeedMessage.Topics t) {
            sb.append("{\"type\":\"topics\",\"topics\":[");
            List<FeedMessage.TopicInfo> topics = t.topics();
            for (int i = 0; i < topics.size(); i++) {
                FeedMessage.TopicInfo topic = topics.get(i);
                if (i > 0) {
                    sb.append(',');
                }
                sb.append("{\"name\":");
                appendString(sb, topic.name());
                sb.append(",\"items\":").append(topic.items()).append(",\"fields\":");
                appendStrings(sb, topic.fields());
                sb.append('}');
            }
            return sb.append("]}").toString();
        }
        FeedMessage.Error e = (FeedMessage.Error) m;
        sb.append("{\"type\":\"error\",\"code\":\"").append(e.code().code()).append("\",\"message\":");
        appendString(sb, e.message());
        return sb.append(",\"id\":").append(e.subscription()).append('}').toString();
    }

    /**
     * Appends one update object, {@code {"id":1,"item":"ACME","seq":18,"ts":…,"conflated":0,"fields":{…}}},
     * as it appears in an {@code updates} message.
     */
    public static void appendUpdate(StringBuilder sb, Update u) {
        sb.append("{\"id\":").append(u.subscription());
        appendUpdateTail(sb, u);
    }

    /**
     * Everything of an update object after its id's value, {@code ,"item":"ACME",…,"fields":{…}}}: the
     * same for every subscriber that gets this change with the same seq and conflated count, so it
     * can be encoded once and completed per subscription by {@link #appendUpdate(StringBuilder, int, CharSequence)}.
     */
    public static String updateTail(Update u) {
        StringBuilder sb = new StringBuilder(96);
        appendUpdateTail(sb, u);
        return sb.toString();
    }

    /** Appends the update object of subscription {@code subscription} made of a {@link #updateTail}. */
    public static void appendUpdate(StringBuilder sb, int subscription, CharSequence tail) {
        sb.append("{\"id\":").append(subscription).append(tail);
    }

    private static void appendUpdateTail(StringBuilder sb, Update u) {
        sb.append(",\"item\":");
        appendString(sb, u.item());
        sb.append(",\"seq\":").append(u.seq()).append(",\"ts\":").append(u.publishedMicros())
                .append(",\"conflated\":").append(u.conflated());
        appendFields(sb, u.fields());
        sb.append('}');
    }

    /** One update object as a string (see {@link #appendUpdate}), to be reused for many subscribers. */
    public static String update(Update u) {
        StringBuilder sb = new StringBuilder(96);
        appendUpdate(sb, u);
        return sb.toString();
    }

    /**
     * An {@code updates} message made of update objects already encoded by {@link #appendUpdate} or
     * {@link #update} (at least one, each a complete object).
     */
    public static String updates(List<? extends CharSequence> updateFragments) {
        int length = 32;
        for (int i = 0; i < updateFragments.size(); i++) {
            length += updateFragments.get(i).length() + 1;
        }
        StringBuilder sb = new StringBuilder(length).append("{\"type\":\"updates\",\"updates\":[");
        for (int i = 0; i < updateFragments.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(updateFragments.get(i));
        }
        return sb.append("]}").toString();
    }

    private static void appendFields(StringBuilder sb, Map<String, FieldValue> fields) {
        sb.append(",\"fields\":{");
        boolean first = true;
        for (Map.Entry<String, FieldValue> field : fields.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            appendString(sb, field.getKey());
            sb.append(':');
            appendValue(sb, field.getValue());
        }
        sb.append('}');
    }

    private static void appendValue(StringBuilder sb, FieldValue value) {
        if (value instanceof FieldValue.Num n) {
            appendNumber(sb, n.value());
        } else {
            appendString(sb, ((FieldValue.Text) value).value());
        }
    }

    private static void appendStrings(StringBuilder sb, List<String> values) {
        sb.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            appendString(sb, values.get(i));
        }
        sb.append(']');
    }

    /** Appends {@code s} as a JSON string literal. */
    static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        int start = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0xd800) {
                if (c != '"' && c != '\\' && c != 0x2028 && c != 0x2029) {
                    continue; // the common case: nothing to escape
                }
            } else if (c >= 0xe000) {
                continue;
            } else if (c >= 0xd800) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++; // a well-formed pair stays as it is
                    continue;
                }
            }
            sb.append(s, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                        .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
        }
        sb.append(s, start, n).append('"');
    }

    /**
     * Appends a finite number in the shortest JSON form that reads back to the same double:
     * integral values below 10^15 as integers ({@code 17}, {@code -0}), others from
     * {@link Double#toString} with {@code ".0"} dropped before the exponent and a lower-case
     * {@code e} ({@code 1e-7}, {@code 1.5e300}).
     */
    static void appendNumber(StringBuilder sb, double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no " + d);
        }
        if (d == 0) {
            sb.append(Double.doubleToRawLongBits(d) < 0 ? "-0" : "0");
            return;
        }
        double magnitude = Math.abs(d);
        if (magnitude < 1e15 && d == Math.rint(d)) {
            sb.append((long) d);
            return;
        }
        if (magnitude >= 1e-3 && magnitude < 1e15 && appendShortDecimal(sb, d)) {
            return;
        }
        String s = shortest(d);
        int e = s.indexOf('E');
        if (e < 0) {
            sb.append(s);
            return;
        }
        int mantissaEnd = s.startsWith(".0", e - 2) ? e - 2 : e;
        sb.append(s, 0, mantissaEnd).append('e').append(s, e + 1, s.length());
    }

    /**
     * The fast path for prices and other short decimals, no {@link Double#toString}: the fewest
     * fraction digits (1 to 15, unscaled value below 2^53) whose value reads back to {@code d},
     * written plain ({@code 101.25}, {@code 12345678.5}). Parsing that text and dividing the unscaled
     * value by 10^scale in double arithmetic both round the same exact decimal once, so they agree.
     */
    private static boolean appendShortDecimal(StringBuilder sb, double d) {
        for (int scale = 1; scale <= BinaryFeedEncoder.MAX_SCALE; scale++) {
            double scaled = d * BinaryFeedEncoder.POW10[scale];
            if (!(Math.abs(scaled) < BinaryFeedEncoder.EXACT_LIMIT)) {
                return false;
            }
            long unscaled = Math.round(scaled);
            if (unscaled / BinaryFeedEncoder.POW10[scale] == d) {
                if (unscaled < 0) {
                    sb.append('-');
                    unscaled = -unscaled;
                }
                long unit = LONG_POW10[scale];
                sb.append(unscaled / unit).append('.');
                long fraction = unscaled % unit;
                for (long digit = unit / 10; digit > fraction && digit > 1; digit /= 10) {
                    sb.append('0'); // leading zeros of the fraction
                }
                sb.append(fraction);
                return true;
            }
        }
        return false;
    }

    /**
     * {@link Double#toString}, which before JDK 19 now and then writes more digits than needed
     * (JDK-4511638: {@code 2e23} comes out as {@code 1.9999999999999998E23}). Every double whose
     * shortest form has at most 15 significant digits is written with at most 15 by a correct
     * algorithm, so when {@code toString} writes 16 or more, its digits rounded to 15, 16… are tried
     * (parsed back, no BigDecimal), and the first that reads back to {@code d} is laid out as
     * toString would. Market prices have few digits and never get here.
     */
    private static String shortest(double d) {
        String s = Double.toString(d);
        int length = s.length();
        int e = s.indexOf('E');
        int mantissaEnd = e < 0 ? length : e;
        char[] digits = new char[mantissaEnd];
        int n = 0;
        int point = -1;
        int firstNonZero = -1;
        for (int i = 0; i < mantissaEnd; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                point = n;
            } else if (c >= '0' && c <= '9') {
                if (firstNonZero < 0 && c != '0') {
                    firstNonZero = n;
                }
                digits[n++] = c;
            }
        }
        while (n > 0 && digits[n - 1] == '0') {
            n--;
        }
        int significant = n - firstNonZero;
        if (significant < 16) {
            return s;
        }
        // value = 0.d[firstNonZero..n) x 10^exponent
        int exponent = point - firstNonZero + (e < 0 ? 0 : Integer.parseInt(s, e + 1, length, 10));
        boolean negative = d < 0;
        char[] rounded = new char[significant + 1];
        for (int precision = 15; precision < significant; precision++) {
            int roundedExponent = exponent;
            System.arraycopy(digits, firstNonZero, rounded, 0, precision);
            int kept = precision;
            if (digits[firstNonZero + precision] >= '5') {
                int i = precision - 1;
                while (i >= 0 && rounded[i] == '9') {
                    rounded[i--] = '0';
                }
                if (i < 0) {
                    rounded[0] = '1'; // 999… became 1000…
                    kept = 1;
                    roundedExponent++;
                } else {
                    rounded[i]++;
                }
            }
            while (kept > 1 && rounded[kept - 1] == '0') {
                kept--;
            }
            String candidate = layout(negative, rounded, kept, roundedExponent);
            if (Double.parseDouble(candidate) == d) {
                return candidate;
            }
        }
        return s;
    }

    /**
     * 0.digits[0..n) x 10^exponent (with digits[0] != '0') laid out as {@link Double#toString} would:
     * plain from 10^-3 to 10^7, else d.dddEn.
     */
    private static String layout(boolean negative, char[] digits, int n, int exponent) {
        StringBuilder sb = new StringBuilder(n + 10);
        if (negative) {
            sb.append('-');
        }
        int scientific = exponent - 1; // the value is d.ddd x 10^scientific
        if (scientific >= -3 && scientific < 7) {
            if (exponent <= 0) {
                sb.append("0.");
                for (int i = exponent; i < 0; i++) {
                    sb.append('0');
                }
                sb.append(digits, 0, n);
            } else {
                for (int i = 0; i < exponent; i++) {
                    sb.append(i < n ? digits[i] : '0');
                }
                sb.append('.');
                if (n > exponent) {
                    sb.append(digits, exponent, n - exponent);
                } else {
                    sb.append('0');
                }
            }
            return sb.toString();
        }
        sb.append(digits[0]).append('.');
        if (n > 1) {
            sb.append(digits, 1, n - 1);
        } else {
            sb.append('0');
        }
        return sb.append('E').append(scientific).toString();
    }

    // ---------------------------------------------------------------- client → server

    /** The command as the client sends it; {@code items} and {@code maxFrequency} only when set. */
    public static String encode(FeedCommand c) {
        StringBuilder sb = new StringBuilder(64);
        if (c instanceof FeedCommand.Subscribe s) {
            sb.append("{\"type\":\"subscribe\",\"id\":").append(s.id()).append(",\"topic\":");
            appendString(sb, s.topic());
            if (!s.items().isEmpty()) {
                sb.append(",\"items\":");
                appendStrings(sb, s.items());
            }
            if (s.maxFrequency() != 0) {
                sb.append(",\"maxFrequency\":");
                appendNumber(sb, s.maxFrequency());
            }
            return sb.append('}').toString();
        }
        if (c instanceof FeedCommand.Unsubscribe u) {
            return sb.append("{\"type\":\"unsubscribe\",\"id\":").append(u.id()).append('}').toString();
        }
        if (c instanceof FeedCommand.Ack a) {
            return sb.append("{\"type\":\"ack\",\"messages\":").append(a.messages()).append('}').toString();
        }
        return "{\"type\":\"topics\"}";
    }

    /**
     * Reads a client's command. Refusals: {@code bad-json} (not JSON, not a JSON object, or nested
     * deeper than {@link JsonDepth#MAX_DEPTH}); {@code bad-command} (missing or unknown {@code type},
     * {@code id} not an integer from 1 to 2147483647, {@code topic} not a string, {@code items} not an
     * array of strings of 1 to 64 characters); {@code bad-frequency} ({@code maxFrequency} not a
     * number, negative, beyond the range of a double, or positive but too small for one). Whether
     * the topic, the items and the frequency are acceptable to this server is the caller's to check.
     */
    public static FeedCommand decodeCommand(String json) throws BadFeedCommand {
        JsonObject object = parseCommand(json);
        if (!(object.get("type") instanceof JsonString type)) {
            throw new BadFeedCommand(FeedError.BAD_COMMAND, 0,
                    "A command needs a \"type\": subscribe, unsubscribe, topics or ack");
        }
        switch (type.getString()) {
            case "subscribe" -> {
                int id = id(object);
                if (!(object.get("topic") instanceof JsonString topic)) {
                    throw new BadFeedCommand(FeedError.BAD_COMMAND, id, "\"topic\" must be a string");
                }
                return new FeedCommand.Subscribe(id, topic.getString(), items(object, id), maxFrequency(object, id));
            }
            case "unsubscribe" -> {
                return new FeedCommand.Unsubscribe(id(object));
            }
            case "topics" -> {
                return new FeedCommand.ListTopics();
            }
            case "ack" -> {
                return new FeedCommand.Ack(ackCount(object));
            }
            default -> throw new BadFeedCommand(FeedError.BAD_COMMAND, idOrZero(object),
                    "Unknown type: use subscribe, unsubscribe, topics or ack");
        }
    }

    private static JsonObject parseCommand(String json) throws BadFeedCommand {
        if (JsonDepth.tooDeep(json)) {
            throw new BadFeedCommand(FeedError.BAD_JSON, 0, "JSON nested deeper than " + JsonDepth.MAX_DEPTH + " levels");
        }
        JsonValue value;
        try {
            value = parseOne(json);
        } catch (RuntimeException e) {
            // JsonParsingException, JsonException, and the plain RuntimeExceptions Parsson throws for
            // some limits: the parser's text stays on the server.
            throw new BadFeedCommand(FeedError.BAD_JSON, 0, "Not JSON");
        }
        if (value == null) {
            throw new BadFeedCommand(FeedError.BAD_JSON, 0, "Not JSON");
        }
        if (value instanceof JsonObject object) {
            return object;
        }
        throw new BadFeedCommand(FeedError.BAD_JSON, 0, "A command must be a JSON object");
    }

    /**
     * Exactly one JSON value, or null when the text is empty or has more after the value (JSON-P's
     * reader would accept {@code {} x}); the parser's exceptions pass.
     */
    private static JsonValue parseOne(String json) {
        try (JsonParser parser = Parsers.FACTORY.createParser(new StringReader(json))) {
            if (!parser.hasNext()) {
                return null;
            }
            parser.next();
            JsonValue value = parser.getValue();
            return parser.hasNext() ? null : value;
        }
    }

    /** The one text of every {@code bad-frequency} error, from the codec or the hub. */
    public static final String BAD_FREQUENCY_TEXT = "maxFrequency must be a number from 0 to the hello's maxFrequency";

    /** The largest acknowledged message count: 2^53, exact in every client's numbers. */
    private static final BigDecimal MAX_ACK = BigDecimal.valueOf(1L << 53);

    private static long ackCount(JsonObject object) throws BadFeedCommand {
        if (object.get("messages") instanceof JsonNumber number) {
            BigDecimal value = number.bigDecimalValue();
            if (value.signum() >= 0 && value.compareTo(MAX_ACK) <= 0 && value.stripTrailingZeros().scale() <= 0) {
                return value.longValueExact();
            }
        }
        throw new BadFeedCommand(FeedError.BAD_COMMAND, 0, "\"messages\" must be an integer from 0 to 2^53");
    }

    /** The command's id when it has a valid one, for an answer about it; 0 otherwise. */
    private static int idOrZero(JsonObject object) {
        try {
            return object.containsKey("id") ? id(object) : 0;
        } catch (BadFeedCommand e) {
            return 0;
        }
    }

    private static int id(JsonObject object) throws BadFeedCommand {
        if (object.get("id") instanceof JsonNumber number) {
            BigDecimal value = number.bigDecimalValue();
            // compareTo first: a huge exponent (1e999999) is never expanded
            if (value.compareTo(BigDecimal.ONE) >= 0 && value.compareTo(MAX_ID) <= 0
                    && value.stripTrailingZeros().scale() <= 0) {
                return value.intValueExact();
            }
        }
        throw new BadFeedCommand(FeedError.BAD_COMMAND, 0, "\"id\" must be an integer from 1 to 2147483647");
    }

    private static List<String> items(JsonObject object, int id) throws BadFeedCommand {
        JsonValue value = object.get("items");
        if (value == null || value == JsonValue.NULL) {
            return List.of();
        }
        if (value instanceof JsonArray array) {
            List<String> items = new ArrayList<>(array.size());
            for (JsonValue element : array) {
                if (!(element instanceof JsonString name) || name.getString().isEmpty()
                        || name.getString().length() > MAX_ITEM_NAME_CHARS) {
                    items = null;
                    break;
                }
                items.add(name.getString());
            }
            if (items != null) {
                return items;
            }
        }
        throw new BadFeedCommand(FeedError.BAD_COMMAND, id,
                "\"items\" must be an array of item names (strings of 1 to " + MAX_ITEM_NAME_CHARS + " characters)");
    }

    private static double maxFrequency(JsonObject object, int id) throws BadFeedCommand {
        JsonValue value = object.get("maxFrequency");
        if (value == null || value == JsonValue.NULL) {
            return 0;
        }
        if (value instanceof JsonNumber number) {
            int sign = number.bigDecimalValue().signum();
            double frequency = number.doubleValue();
            // negative (even -1e-999, whose double is -0), beyond a double, or positive but below one
            if (sign == 0 || sign > 0 && Double.isFinite(frequency) && frequency > 0) {
                return sign == 0 ? 0 : frequency;
            }
        }
        throw new BadFeedCommand(FeedError.BAD_FREQUENCY, id, BAD_FREQUENCY_TEXT);
    }

    // ---------------------------------------------------------------- the client's side

    /**
     * Reads a server message (for clients: tests, the bench tool). Unknown members are ignored.
     *
     * @throws FeedCodecException if the text is not one of the messages of {@code docs/FEED.md}
     */
    public static FeedMessage decodeMessage(String json) throws FeedCodecException {
        if (JsonDepth.tooDeep(json)) {
            throw new FeedCodecException("JSON nested deeper than " + JsonDepth.MAX_DEPTH + " levels");
        }
        JsonValue value;
        try {
            value = parseOne(json);
        } catch (RuntimeException e) {
            throw new FeedCodecException("Not JSON: " + e.getMessage(), e);
        }
        if (value == null) {
            throw new FeedCodecException("Not one JSON value");
        }
        if (!(value instanceof JsonObject o)) {
            throw new FeedCodecException("A feed message must be a JSON object");
        }
        try {
            String type = str(o, "type");
            return switch (type) {
                case "hello" -> new FeedMessage.Hello(str(o, "protocol"), str(o, "instance"), integer(o, "maxSubscriptions"),
                        integer(o, "maxItemsPerSubscription"), num(o, "maxFrequency"), strings(array(o, "topics"), "topics"));
                case "snapshot" -> {
                    List<ItemState> items = new ArrayList<>();
                    for (JsonObject item : objects(array(o, "items"), "items")) {
                        items.add(new ItemState(str(item, "item"), lng(item, "seq"), lng(item, "ts"), fields(item)));
                    }
                    yield new FeedMessage.Snapshot(integer(o, "id"), str(o, "topic"), items);
                }
                case "updates" -> {
                    List<Update> updates = new ArrayList<>();
                    for (JsonObject u : objects(array(o, "updates"), "updates")) {
                        updates.add(new Update(integer(u, "id"), str(u, "item"), lng(u, "seq"), lng(u, "ts"),
                                integer(u, "conflated"), fields(u)));
                    }
                    yield new FeedMessage.Updates(updates);
                }
                case "unsubscribed" -> new FeedMessage.Unsubscribed(integer(o, "id"));
                case "topics" -> {
                    List<FeedMessage.TopicInfo> topics = new ArrayList<>();
                    for (JsonObject t : objects(array(o, "topics"), "topics")) {
                        topics.add(new FeedMessage.TopicInfo(str(t, "name"), integer(t, "items"),
                                strings(array(t, "fields"), "fields")));
                    }
                    yield new FeedMessage.Topics(topics);
                }
                case "error" -> new FeedMessage.Error(errorCode(str(o, "code")), str(o, "message"),
                        o.containsKey("id") ? integer(o, "id") : 0);
                default -> throw new FeedCodecException("Unknown message type \"" + type + "\"");
            };
        } catch (IllegalArgumentException e) {
            throw new FeedCodecException("Bad feed message: " + e.getMessage(), e);
        }
    }

    private static FeedError errorCode(String code) throws FeedCodecException {
        for (FeedError error : FeedError.values()) {
            if (error.code().equals(code)) {
                return error;
            }
        }
        throw new FeedCodecException("Unknown error code \"" + code + "\"");
    }

    private static Map<String, FieldValue> fields(JsonObject o) throws FeedCodecException {
        if (!(o.get("fields") instanceof JsonObject fields)) {
            throw new FeedCodecException("\"fields\" must be an object");
        }
        Map<String, FieldValue> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> field : fields.entrySet()) {
            JsonValue v = field.getValue();
            if (v instanceof JsonNumber number) {
                values.put(field.getKey(), FieldValue.of(exactDouble(number, field.getKey())));
            } else if (v instanceof JsonString text) {
                values.put(field.getKey(), FieldValue.of(text.getString()));
            } else {
                throw new FeedCodecException("Field \"" + field.getKey() + "\" must be a number or a string");
            }
        }
        return values;
    }

    /** The number as Java reads its text ({@code -0} stays negative zero, unlike BigDecimal). */
    private static double exactDouble(JsonNumber number, String member) throws FeedCodecException {
        double d = Double.parseDouble(number.toString());
        if (!Double.isFinite(d)) {
            throw new FeedCodecException("\"" + member + "\" is beyond the range of a double");
        }
        return d;
    }

    private static JsonValue member(JsonObject o, String name) throws FeedCodecException {
        JsonValue v = o.get(name);
        if (v == null) {
            throw new FeedCodecException("Missing \"" + name + "\"");
        }
        return v;
    }

    private static String str(JsonObject o, String name) throws FeedCodecException {
        if (member(o, name) instanceof JsonString s) {
            return s.getString();
        }
        throw new FeedCodecException("\"" + name + "\" must be a string");
    }

    private static double num(JsonObject o, String name) throws FeedCodecException {
        if (member(o, name) instanceof JsonNumber n) {
            return exactDouble(n, name);
        }
        throw new FeedCodecException("\"" + name + "\" must be a number");
    }

    private static long lng(JsonObject o, String name) throws FeedCodecException {
        if (member(o, name) instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                // falls through to the error below
            }
        }
        throw new FeedCodecException("\"" + name + "\" must be a 64-bit integer");
    }

    private static int integer(JsonObject o, String name) throws FeedCodecException {
        if (member(o, name) instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.intValueExact();
            } catch (ArithmeticException e) {
                // falls through to the error below
            }
        }
        throw new FeedCodecException("\"" + name + "\" must be a 32-bit integer");
    }

    private static JsonArray array(JsonObject o, String name) throws FeedCodecException {
        if (member(o, name) instanceof JsonArray a) {
            return a;
        }
        throw new FeedCodecException("\"" + name + "\" must be an array");
    }

    private static List<String> strings(JsonArray array, String name) throws FeedCodecException {
        List<String> values = new ArrayList<>(array.size());
        for (JsonValue v : array) {
            if (!(v instanceof JsonString s)) {
                throw new FeedCodecException("\"" + name + "\" must hold strings only");
            }
            values.add(s.getString());
        }
        return values;
    }

    private static List<JsonObject> objects(JsonArray array, String name) throws FeedCodecException {
        List<JsonObject> values = new ArrayList<>(array.size());
        for (JsonValue v : array) {
            if (!(v instanceof JsonObject object)) {
                throw new FeedCodecException("\"" + name + "\" must hold objects only");
            }
            values.add(object);
        }
        return values;
    }
}
