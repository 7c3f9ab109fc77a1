package dev.duplex.bench.feed;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the server's {@code feed.json} messages (docs/FEED.md) without building a JSON tree: a
 * small pull parser over the message's bytes that reports every item value of a {@code snapshot}
 * or {@code updates} message to a {@link FeedSink}. Members may come in any order; unknown members
 * are skipped. Not thread-safe: one per event loop (or per connection).
 */
final class JsonFeedReader {

    private byte[] buf = new byte[16 * 1024];
    private int pos;
    private int end;
    private final List<Value> values = new ArrayList<>();

    /** One item value, kept until the whole message is read (its {@code id} may come last). */
    private static final class Value {
        int id = -1;
        String item;
        long seq;
        long ts;
        long conflated;
        final Fields fields = new Fields();
    }

    /** Reads one text message and reports what it says. */
    void read(ByteBuf data, FeedSink sink) {
        int length = data.readableBytes();
        if (buf.length < length) {
            buf = new byte[Math.max(length, buf.length * 2)];
        }
        data.getBytes(data.readerIndex(), buf, 0, length);
        read(buf, length, sink);
    }

    /** Reads one message from the first {@code length} bytes of {@code bytes}. */
    void read(byte[] bytes, int length, FeedSink sink) {
        buf = bytes;
        pos = 0;
        end = length;
        values.clear();
        String type = null;
        String protocol = null;
        String code = null;
        int id = -1;
        try {
            expect('{');
            if (!peekIs('}')) {
                do {
                    String key = key();
                    expect(':');
                    switch (key) {
                        case "type" -> type = string();
                        case "protocol" -> protocol = string();
                        case "code" -> code = string();
                        case "id" -> id = (int) integer();
                        case "items" -> valueArray(false);
                        case "updates" -> valueArray(true);
                        default -> skipValue();
                    }
                } while (comma('}'));
            } else {
                pos++;
            }
        } catch (IllegalStateException e) {
            sink.unreadable(e.getMessage());
            return;
        }
        if (type == null) {
            sink.unreadable("a message without a type");
            return;
        }
        switch (type) {
            case "hello" -> sink.hello(protocol);
            case "snapshot" -> {
                for (Value v : values) {
                    sink.value(id, v.item, v.seq, v.ts, 0, v.fields, true);
                }
                sink.snapshotEnd(id);
            }
            case "updates" -> {
                for (Value v : values) {
                    sink.value(v.id, v.item, v.seq, v.ts, v.conflated, v.fields, false);
                }
            }
            case "error" -> sink.error(code == null ? "?" : code, Math.max(id, 0));
            default -> sink.other(type);
        }
    }

    private void valueArray(boolean updates) {
        expect('[');
        if (peekIs(']')) {
            pos++;
            return;
        }
        do {
            Value v = new Value();
            expect('{');
            if (peekIs('}')) {
                pos++;
            } else {
                do {
                    String key = key();
                    expect(':');
                    switch (key) {
                        case "id" -> v.id = (int) integer();
                        case "item" -> v.item = cachedString();
                        case "seq" -> v.seq = integer();
                        case "ts" -> v.ts = integer();
                        case "conflated" -> v.conflated = integer();
                        case "fields" -> fieldsObject(v.fields);
                        default -> skipValue();
                    }
                } while (comma('}'));
            }
            if (v.item == null) {
                throw new IllegalStateException("an item value without an item name");
            }
            values.add(v);
        } while (comma(']'));
    }

    private void fieldsObject(Fields into) {
        expect('{');
        if (peekIs('}')) {
            pos++;
            return;
        }
        do {
            String name = cachedString();
            expect(':');
            skipSpace();
            if (pos < end && buf[pos] == '"') {
                into.add(name, string());
            } else {
                into.add(name, number());
            }
        } while (comma('}'));
    }

    // --- the pull parser ---

    private static final String[] KEYS = {"type", "protocol", "code", "id", "items", "updates", "item", "seq", "ts",
        "conflated", "fields"};
    private static final byte[][] KEY_BYTES = new byte[KEYS.length][];

    static {
        for (int i = 0; i < KEYS.length; i++) {
            KEY_BYTES[i] = KEYS[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** A member name: one of the known ones without allocating, or any other as a new string. */
    private String key() {
        expect('"');
        int start = pos;
        while (pos < end && buf[pos] != '"' && buf[pos] != '\\') {
            pos++;
        }
        if (pos < end && buf[pos] == '"') {
            int length = pos - start;
            for (int k = 0; k < KEYS.length; k++) {
                byte[] known = KEY_BYTES[k];
                if (known.length == length && java.util.Arrays.equals(buf, start, pos, known, 0, length)) {
                    pos++;
                    return KEYS[k];
                }
            }
        }
        pos = start - 1;
        return string();
    }

    /**
     * A string that recurs (item and field names): the same String instance for the same bytes,
     * from a small cache, so that names cost no allocation and hash once.
     */
    private String cachedString() {
        expect('"');
        int start = pos;
        int hash = 0;
        while (pos < end && buf[pos] != '"' && buf[pos] != '\\') {
            hash = hash * 31 + buf[pos];
            pos++;
        }
        if (pos >= end || buf[pos] != '"' || pos - start > 64) {
            pos = start - 1;
            return string();
        }
        int length = pos - start;
        int slot = (hash ^ (hash >>> 16)) & (CACHE - 1);
        byte[] cached = cacheBytes[slot];
        if (cached != null && cached.length == length && java.util.Arrays.equals(buf, start, pos, cached, 0, length)) {
            pos++;
            return cacheStrings[slot];
        }
        String value = new String(buf, start, length, StandardCharsets.UTF_8);
        cacheBytes[slot] = java.util.Arrays.copyOfRange(buf, start, pos);
        cacheStrings[slot] = value;
        pos++;
        return value;
    }

    private static final int CACHE = 4096;
    private final byte[][] cacheBytes = new byte[CACHE][];
    private final String[] cacheStrings = new String[CACHE];

    private void skipSpace() {
        while (pos < end) {
            byte b = buf[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    private boolean peekIs(char c) {
        skipSpace();
        return pos < end && buf[pos] == c;
    }

    private void expect(char c) {
        skipSpace();
        if (pos >= end || buf[pos] != c) {
            throw new IllegalStateException("expected '" + c + "' at byte " + pos);
        }
        pos++;
    }

    /** After a member or element: true on a comma (more follow), false on {@code close}. */
    private boolean comma(char close) {
        skipSpace();
        if (pos < end) {
            byte b = buf[pos++];
            if (b == ',') {
                return true;
            }
            if (b == close) {
                return false;
            }
        }
        throw new IllegalStateException("expected ',' or '" + close + "' at byte " + (pos - 1));
    }

    private String string() {
        expect('"');
        int start = pos;
        while (pos < end) {
            byte b = buf[pos];
            if (b == '"') {
                String s = new String(buf, start, pos - start, StandardCharsets.UTF_8);
                pos++;
                return s;
            }
            if (b == '\\') {
                return escapedString(start);
            }
            pos++;
        }
        throw new IllegalStateException("unterminated string");
    }

    private String escapedString(int start) {
        StringBuilder out = new StringBuilder(new String(buf, start, pos - start, StandardCharsets.UTF_8));
        int runStart = pos;
        while (pos < end) {
            byte b = buf[pos];
            if (b == '"') {
                out.append(new String(buf, runStart, pos - runStart, StandardCharsets.UTF_8));
                pos++;
                return out.toString();
            }
            if (b != '\\') {
                pos++;
                continue;
            }
            out.append(new String(buf, runStart, pos - runStart, StandardCharsets.UTF_8));
            if (pos + 1 >= end) {
                break;
            }
            byte e = buf[pos + 1];
            pos += 2;
            switch (e) {
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case '/' -> out.append('/');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > end) {
                        throw new IllegalStateException("short \\u escape");
                    }
                    out.append((char) Integer.parseInt(new String(buf, pos, 4, StandardCharsets.US_ASCII), 16));
                    pos += 4;
                }
                default -> throw new IllegalStateException("bad escape at byte " + (pos - 1));
            }
            runStart = pos;
        }
        throw new IllegalStateException("unterminated string");
    }

    /** An integer member (ids, seq, ts, conflated). */
    private long integer() {
        skipSpace();
        boolean negative = pos < end && buf[pos] == '-';
        if (negative) {
            pos++;
        }
        int start = pos;
        long value = 0;
        while (pos < end && buf[pos] >= '0' && buf[pos] <= '9') {
            value = value * 10 + (buf[pos] - '0');
            pos++;
        }
        if (pos == start || pos < end && (buf[pos] == '.' || buf[pos] == 'e' || buf[pos] == 'E')) {
            throw new IllegalStateException("expected an integer at byte " + start);
        }
        return negative ? -value : value;
    }

    private Double number() {
        skipSpace();
        int start = pos;
        boolean plain = true;
        while (pos < end) {
            byte b = buf[pos];
            if (b >= '0' && b <= '9' || b == '-') {
                pos++;
            } else if (b == '.' || b == 'e' || b == 'E' || b == '+') {
                plain = false;
                pos++;
            } else {
                break;
            }
        }
        if (pos == start) {
            throw new IllegalStateException("expected a number at byte " + start);
        }
        if (pos - start < 17) {
            Double fast = shortDecimal(start, plain);
            if (fast != null) {
                return fast;
            }
        }
        try {
            return Double.parseDouble(new String(buf, start, pos - start, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("bad number at byte " + start);
        }
    }

    private static final double[] POWERS = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
        1e13, 1e14, 1e15, 1e16};

    /**
     * A number of at most 16 characters without exponent, as digits / 10^decimals: both exact
     * doubles (fewer than 16 digits), so the division rounds once, correctly, and gives what
     * {@link Double#parseDouble} gives. Null for any other form.
     */
    private Double shortDecimal(int start, boolean plain) {
        int i = start;
        boolean negative = buf[i] == '-';
        if (negative) {
            i++;
        }
        long digits = 0;
        int decimals = -1;
        int count = 0;
        for (; i < pos; i++) {
            byte b = buf[i];
            if (b >= '0' && b <= '9') {
                digits = digits * 10 + (b - '0');
                count++;
                if (decimals >= 0) {
                    decimals++;
                }
            } else if (b == '.' && decimals < 0 && !plain) {
                decimals = 0;
            } else {
                return null;
            }
        }
        if (count == 0 || count > 15 || decimals == 0) {
            return null;
        }
        double value = decimals > 0 ? digits / POWERS[decimals] : (double) digits;
        return negative ? -value : value;
    }

    private void skipValue() {
        skipSpace();
        if (pos >= end) {
            throw new IllegalStateException("value expected at the end");
        }
        byte b = buf[pos];
        switch (b) {
            case '"' -> string();
            case '{' -> {
                pos++;
                if (peekIs('}')) {
                    pos++;
                    return;
                }
                do {
                    string();
                    expect(':');
                    skipValue();
                } while (comma('}'));
            }
            case '[' -> {
                pos++;
                if (peekIs(']')) {
                    pos++;
                    return;
                }
                do {
                    skipValue();
                } while (comma(']'));
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private void literal(String word) {
        if (pos + word.length() > end) {
            throw new IllegalStateException("expected " + word);
        }
        for (int i = 0; i < word.length(); i++) {
            if (buf[pos + i] != word.charAt(i)) {
                throw new IllegalStateException("expected " + word + " at byte " + pos);
            }
        }
        pos += word.length();
    }
}
