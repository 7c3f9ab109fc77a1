package dev.duplex.feed.entity;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link FeedMessage.Snapshot}s and {@link FeedMessage.Updates} as {@code feed.bin} binary
 * messages (layout: {@code docs/FEED.md}). One encoder per connection, used by one thread at a time:
 * it remembers which field indices and item handles it has already bound on the connection, and
 * emits a FIELD or ITEM record the first time one is needed. Every message it returns must be sent,
 * in order, or the client cannot read the later ones.
 *
 * <p>Numbers go out as exact decimals (zigzag unscaled value, scale 0–15) when one with
 * |unscaled| &lt; 2<sup>53</sup> reads back to the same double, else as float64 (so do {@code -0.0},
 * 10<sup>300</sup> and 0.1 + 0.2). The 2<sup>53</sup> bound lets any decoder, JavaScript's
 * included, compute the value exactly as {@code unscaled / 10^scale} in double arithmetic.
 *
 * <p>Each message's base time is the smallest publication time in it (0 when it holds no item).
 * Validation comes before any state changes: a message this encoder refuses
 * ({@link IllegalArgumentException}) leaves its bindings as they were.
 */
public final class BinaryFeedEncoder {

    /** The format version, the first byte of every message. */
    public static final int VERSION = 0x01;
    static final int FIELD = 0x01;
    static final int ITEM = 0x02;
    static final int SNAPSHOT = 0x03;
    static final int VALUE = 0x04;
    static final int FLOAT64 = 0x10;
    static final int STRING = 0x11;
    /** The longest field or item name, in characters (UTF-16 code units, as JavaScript counts). */
    public static final int MAX_NAME_CHARS = 64;
    /** The longest text value, in UTF-8 bytes. */
    public static final int MAX_TEXT_BYTES = FieldValue.MAX_TEXT_BYTES;
    static final int MAX_SCALE = 15;
    /** 2^53: every long below it in magnitude is exact as a double. */
    static final double EXACT_LIMIT = 9007199254740992.0;
    private static final double NEIGHBOURS_FROM = 2251799813685248.0; // 2^51
    private static final long[] NEIGHBOUR_DELTAS = {-1, 1, -2, 2};
    static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

    private final Map<String, Integer> fieldIndices = new HashMap<>();
    private final Map<Integer, Map<String, Integer>> handles = new HashMap<>();
    private int nextHandle;
    private byte[] buffer = new byte[512];
    private int position;
    /** The unscaled value {@link #scaleOf} found (a field, so that no object is made per number). */
    private long unscaled;

    /**
     * One binary message with the given snapshots and updates, in order.
     *
     * @throws IllegalArgumentException for any other message kind, a name longer than
     *                                  {@link #MAX_NAME_CHARS}, a text longer than {@link #MAX_TEXT_BYTES}
     *                                  or a subscription id below 1
     */
    public ByteBuffer encode(List<FeedMessage> messages) {
        long base = validateAndFindBase(messages);
        position = 0;
        writeByte(VERSION);
        writeVarint(base);
        for (int m = 0; m < messages.size(); m++) {
            FeedMessage message = messages.get(m);
            if (message instanceof FeedMessage.Snapshot snapshot) {
                List<ItemState> items = snapshot.items();
                for (int i = 0; i < items.size(); i++) {
                    bindFields(items.get(i).fields());
                    handle(snapshot.subscription(), items.get(i).item());
                }
                writeByte(SNAPSHOT);
                writeVarint(snapshot.subscription());
                writeVarint(items.size());
                for (int i = 0; i < items.size(); i++) {
                    ItemState item = items.get(i);
                    writeValue(handle(snapshot.subscription(), item.item()), item.seq(), item.publishedMicros() - base, 0,
                            item.fields());
                }
            } else {
                List<Update> updates = ((FeedMessage.Updates) message).updates();
                for (int i = 0; i < updates.size(); i++) {
                    Update update = updates.get(i);
                    bindFields(update.fields());
                    writeValue(handle(update.subscription(), update.item()), update.seq(), update.publishedMicros() - base,
                            update.conflated(), update.fields());
                }
            }
        }
        return ByteBuffer.wrap(Arrays.copyOf(buffer, position));
    }

    /**
     * Drops the handles of an ended subscription's items from this connection's table. Handles are
     * never reused: if the client subscribes again under the same id, its items get new handles.
     */
    public void forget(int subscription) {
        handles.remove(subscription);
    }

    private long validateAndFindBase(List<FeedMessage> messages) {
        long base = Long.MAX_VALUE;
        for (FeedMessage message : messages) {
            if (message instanceof FeedMessage.Snapshot snapshot) {
                checkSubscription(snapshot.subscription());
                for (ItemState item : snapshot.items()) {
                    checkItem(item.item(), item.seq(), 0, item.fields());
                    base = Math.min(base, item.publishedMicros());
                }
            } else if (message instanceof FeedMessage.Updates updates) {
                for (Update update : updates.updates()) {
                    checkSubscription(update.subscription());
                    checkItem(update.item(), update.seq(), update.conflated(), update.fields());
                    base = Math.min(base, update.publishedMicros());
                }
            } else {
                throw new IllegalArgumentException("feed.bin carries snapshots and updates only, not "
                        + (message == null ? "null" : message.getClass().getSimpleName()));
            }
        }
        return base == Long.MAX_VALUE ? 0 : base;
    }

    private static void checkSubscription(int subscription) {
        if (subscription < 1) {
            throw new IllegalArgumentException("A subscription id is 1 or more, not " + subscription);
        }
    }

    private static void checkItem(String item, long seq, int conflated, Map<String, FieldValue> fields) {
        checkName(item);
        if (seq < 0 || conflated < 0) {
            throw new IllegalArgumentException("seq and conflated are never negative");
        }
        for (Map.Entry<String, FieldValue> field : fields.entrySet()) {
            checkName(field.getKey());
            if (field.getValue() instanceof FieldValue.Text text && utf8Length(text.value()) > MAX_TEXT_BYTES) {
                throw new IllegalArgumentException("A text value is longer than " + MAX_TEXT_BYTES + " UTF-8 bytes");
            }
        }
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_CHARS) {
            throw new IllegalArgumentException("A name has 1 to " + MAX_NAME_CHARS + " characters");
        }
    }

    private void bindFields(Map<String, FieldValue> fields) {
        for (String name : fields.keySet()) {
            if (!fieldIndices.containsKey(name)) {
                int index = fieldIndices.size();
                fieldIndices.put(name, index);
                writeByte(FIELD);
                writeVarint(index);
                writeString(name);
            }
        }
    }

    private int handle(int subscription, String item) {
        Map<String, Integer> items = handles.computeIfAbsent(subscription, s -> new HashMap<>());
        Integer handle = items.get(item);
        if (handle != null) {
            return handle;
        }
        int bound = nextHandle++;
        items.put(item, bound);
        writeByte(ITEM);
        writeVarint(bound);
        writeVarint(subscription);
        writeString(item);
        return bound;
    }

    private void writeValue(int handle, long seq, long tsDelta, int conflated, Map<String, FieldValue> fields) {
        writeByte(VALUE);
        writeVarint(handle);
        writeVarint(seq);
        writeVarint(zigzag(tsDelta));
        writeVarint(conflated);
        writeVarint(fields.size());
        for (Map.Entry<String, FieldValue> field : fields.entrySet()) {
            writeVarint(fieldIndices.get(field.getKey()));
            FieldValue value = field.getValue();
            if (value instanceof FieldValue.Num num) {
                double d = num.value();
                int scale = scaleOf(d);
                if (scale >= 0) {
                    writeByte(scale);
                    writeVarint(zigzag(unscaled));
                } else {
                    writeByte(FLOAT64);
                    writeLong(Double.doubleToRawLongBits(d));
                }
            } else {
                writeByte(STRING);
                writeString(((FieldValue.Text) value).value());
            }
        }
    }

    /**
     * The smallest scale 0–15 at which {@code d} is an exact decimal with |unscaled| &lt; 2^53 (left
     * in {@link #unscaled}), or -1 when it goes as a float64.
     */
    int scaleOf(double d) {
        if (d == 0) {
            unscaled = 0;
            return Double.doubleToRawLongBits(d) == 0 ? 0 : -1; // -0.0 keeps its sign as a float64
        }
        for (int scale = 0; scale <= MAX_SCALE; scale++) {
            double scaled = d * POW10[scale];
            if (!(Math.abs(scaled) < EXACT_LIMIT)) {
                return -1; // larger scales only grow it (also NaN-safe)
            }
            long candidate = Math.round(scaled);
            if (candidate / POW10[scale] == d) {
                unscaled = candidate;
                return scale;
            }
            if (Math.abs(scaled) >= NEIGHBOURS_FROM && matchesNeighbour(d, candidate, scale)) {
                return scale;
            }
        }
        return -1;
    }

    /**
     * From 2^51 on, d × 10^scale, rounded twice (d itself and the product), may miss the unscaled
     * value by up to 2: the nearest integers around it are tried as well.
     */
    private boolean matchesNeighbour(double d, long candidate, int scale) {
        for (long delta : NEIGHBOUR_DELTAS) {
            long neighbour = candidate + delta;
            if (Math.abs((double) neighbour) < EXACT_LIMIT && neighbour / POW10[scale] == d) {
                unscaled = neighbour;
                return true;
            }
        }
        return false;
    }

    /** The unscaled value of the last {@link #scaleOf} that found a decimal. */
    long unscaled() {
        return unscaled;
    }

    static long zigzag(long n) {
        return (n << 1) ^ (n >> 63);
    }

    /** UTF-8 length as {@link String#getBytes} would encode (an unpaired surrogate is one byte, '?'). */
    static int utf8Length(String s) {
        int length = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length++;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                length++;
            } else {
                length += 3;
            }
        }
        return length;
    }

    private void ensure(int more) {
        if (position + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + more));
        }
    }

    private void writeByte(int b) {
        ensure(1);
        buffer[position++] = (byte) b;
    }

    private void writeVarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buffer[position++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buffer[position++] = (byte) v;
    }

    private void writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[position++] = (byte) (v >>> shift);
        }
    }

    private void writeString(String s) {
        int n = s.length();
        int length = utf8Length(s);
        writeVarint(length);
        ensure(length);
        byte[] b = buffer;
        int p = position;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | c >> 6);
                b[p++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | cp >> 18);
                b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                b[p++] = '?';
            } else {
                b[p++] = (byte) (0xE0 | c >> 12);
                b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | c & 0x3F);
            }
        }
        position = p;
    }
}
