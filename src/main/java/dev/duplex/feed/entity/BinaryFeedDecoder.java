package dev.duplex.feed.entity;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Reads {@code feed.bin} binary messages (layout: {@code docs/FEED.md}) on the client's side: tests,
 * the bench tool. One decoder per connection, fed every binary message in order, by one thread at a
 * time: it keeps the field indices and item handles the server bound.
 *
 * <p>A message comes back as {@link FeedMessage.Snapshot}s (one per SNAPSHOT record) and
 * {@link FeedMessage.Updates} (one per run of VALUE records outside snapshots), in wire order. The
 * wire does not carry a snapshot's topic (the client named it when subscribing): the
 * {@code topicOfSubscription} function given to the constructor supplies it, or it is null.
 *
 * <p>Anything that breaks the layout is a {@link FeedCodecException} that says what and at which
 * byte; the decoder's bindings are then undefined, and the client should close the connection.
 */
public final class BinaryFeedDecoder {

    private record Item(int subscription, String name) {
    }

    private final IntFunction<String> topicOfSubscription;
    private final Map<Integer, String> fields = new HashMap<>();
    private final Map<Integer, Item> items = new HashMap<>();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private ByteBuffer in;
    private int start;

    /** A decoder whose snapshots have a null topic. */
    public BinaryFeedDecoder() {
        this(subscription -> null);
    }

    /** A decoder that names each snapshot's topic by its subscription id (the topic the client subscribed to). */
    public BinaryFeedDecoder(IntFunction<String> topicOfSubscription) {
        this.topicOfSubscription = topicOfSubscription;
    }

    /**
     * The snapshots and updates of one binary message. The buffer's position is left as it was.
     *
     * @throws FeedCodecException if the message does not follow the layout
     */
    public List<FeedMessage> decode(ByteBuffer message) throws FeedCodecException {
        in = message.duplicate();
        start = in.position();
        try {
            return decodeRecords();
        } finally {
            in = null;
        }
    }

    private List<FeedMessage> decodeRecords() throws FeedCodecException {
        if (!in.hasRemaining()) {
            throw new FeedCodecException("Empty feed.bin message");
        }
        int version = in.get() & 0xFF;
        if (version != BinaryFeedEncoder.VERSION) {
            throw new FeedCodecException(String.format("Unsupported feed.bin version 0x%02x (this decoder reads 0x01)", version));
        }
        long base = varint("base time");
        List<FeedMessage> out = new ArrayList<>();
        List<Update> updates = null;
        int snapshotSubscription = 0;
        long snapshotMissing = 0;
        List<ItemState> snapshotItems = null;
        while (in.hasRemaining()) {
            int at = offset();
            int tag = in.get() & 0xFF;
            switch (tag) {
                case BinaryFeedEncoder.FIELD -> {
                    int index = nonNegativeInt("field index");
                    String name = name("field name");
                    if (fields.putIfAbsent(index, name) != null) {
                        throw new FeedCodecException("FIELD at byte " + at + " rebinds field index " + index);
                    }
                }
                case BinaryFeedEncoder.ITEM -> {
                    int handle = nonNegativeInt("handle");
                    int subscription = subscription();
                    String name = name("item name");
                    if (items.putIfAbsent(handle, new Item(subscription, name)) != null) {
                        throw new FeedCodecException("ITEM at byte " + at + " rebinds handle " + handle);
                    }
                }
                case BinaryFeedEncoder.SNAPSHOT -> {
                    if (snapshotMissing > 0) {
                        throw snapshotShort(snapshotSubscription, snapshotMissing);
                    }
                    if (updates != null) {
                        out.add(new FeedMessage.Updates(updates));
                        updates = null;
                    }
                    snapshotSubscription = subscription();
                    snapshotMissing = varint("snapshot count");
                    if (snapshotMissing < 0 || snapshotMissing > in.remaining() / 6) {
                        throw snapshotShort(snapshotSubscription, snapshotMissing); // a VALUE takes >= 6 bytes
                    }
                    snapshotItems = new ArrayList<>((int) snapshotMissing);
                    if (snapshotMissing == 0) {
                        out.add(snapshot(snapshotSubscription, snapshotItems));
                    }
                }
                case BinaryFeedEncoder.VALUE -> {
                    int handle = nonNegativeInt("handle");
                    Item item = items.get(handle);
                    if (item == null) {
                        throw new FeedCodecException("VALUE at byte " + at + " uses unknown handle " + handle);
                    }
                    long seq = varint("seq");
                    if (seq < 0) {
                        throw new FeedCodecException("VALUE at byte " + at + ": seq beyond 2^63-1");
                    }
                    long ts = base + unzigzag(varint("time"));
                    int conflated = nonNegativeInt("conflated");
                    Map<String, FieldValue> values = fieldValues();
                    if (snapshotMissing > 0) {
                        if (item.subscription() != snapshotSubscription) {
                            throw new FeedCodecException("VALUE at byte " + at + " in the snapshot of subscription "
                                    + snapshotSubscription + " is about subscription " + item.subscription());
                        }
                        snapshotItems.add(new ItemState(item.name(), seq, ts, values));
                        if (--snapshotMissing == 0) {
                            out.add(snapshot(snapshotSubscription, snapshotItems));
                        }
                    } else {
                        if (updates == null) {
                            updates = new ArrayList<>();
                        }
                        updates.add(new Update(item.subscription(), item.name(), seq, ts, conflated, values));
                    }
                }
                default -> throw new FeedCodecException(String.format("Unknown record tag 0x%02x at byte %d", tag, at));
            }
        }
        if (snapshotMissing > 0) {
            throw snapshotShort(snapshotSubscription, snapshotMissing);
        }
        if (updates != null) {
            out.add(new FeedMessage.Updates(updates));
        }
        return out;
    }

    private FeedMessage.Snapshot snapshot(int subscription, List<ItemState> items) {
        return new FeedMessage.Snapshot(subscription, topicOfSubscription.apply(subscription), items);
    }

    private static FeedCodecException snapshotShort(int subscription, long missing) {
        return new FeedCodecException("The snapshot of subscription " + subscription + " counts "
                + Long.toUnsignedString(missing) + " more VALUE record(s) than follow it");
    }

    private Map<String, FieldValue> fieldValues() throws FeedCodecException {
        long count = varint("field count");
        if (count > in.remaining() / 2) { // a field takes at least 2 bytes
            throw new FeedCodecException("Truncated VALUE: " + count + " fields announced, " + in.remaining() + " bytes left");
        }
        Map<String, FieldValue> values = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            int at = offset();
            int index = nonNegativeInt("field index");
            String name = fields.get(index);
            if (name == null) {
                throw new FeedCodecException("Unknown field index " + index + " at byte " + at);
            }
            if (!in.hasRemaining()) {
                throw new FeedCodecException("Truncated field: no type byte at byte " + offset());
            }
            int type = in.get() & 0xFF;
            FieldValue value;
            if (type <= BinaryFeedEncoder.MAX_SCALE) {
                value = FieldValue.of(decimal(unzigzag(varint("decimal")), type));
            } else if (type == BinaryFeedEncoder.FLOAT64) {
                if (in.remaining() < 8) {
                    throw new FeedCodecException("Truncated float64 at byte " + offset());
                }
                double d = Double.longBitsToDouble(in.getLong());
                if (!Double.isFinite(d)) {
                    throw new FeedCodecException("Field \"" + name + "\" at byte " + at + " is not a finite number");
                }
                value = FieldValue.of(d);
            } else if (type == BinaryFeedEncoder.STRING) {
                value = FieldValue.of(string("text value", BinaryFeedEncoder.MAX_TEXT_BYTES, Integer.MAX_VALUE));
            } else {
                throw new FeedCodecException(String.format("Unknown type byte 0x%02x at byte %d", type, offset() - 1));
            }
            if (values.put(name, value) != null) {
                throw new FeedCodecException("Field index " + index + " repeated in one VALUE at byte " + at);
            }
        }
        return values;
    }

    /** unscaled × 10^-scale, correctly rounded (a single exact division below 2^53, as any decoder may do). */
    static double decimal(long unscaled, int scale) {
        if (Math.abs((double) unscaled) < BinaryFeedEncoder.EXACT_LIMIT) {
            return unscaled / BinaryFeedEncoder.POW10[scale];
        }
        return BigDecimal.valueOf(unscaled, scale).doubleValue();
    }

    private String name(String what) throws FeedCodecException {
        return string(what, BinaryFeedEncoder.MAX_NAME_CHARS * 3, BinaryFeedEncoder.MAX_NAME_CHARS);
    }

    private String string(String what, int maxBytes, int maxChars) throws FeedCodecException {
        int at = offset();
        long length = varint(what + " length");
        if (length > maxBytes) {
            throw new FeedCodecException(tooLong(what, maxBytes, maxChars) + " at byte " + at);
        }
        if (length > in.remaining()) {
            throw new FeedCodecException("Truncated string (" + what + ") at byte " + at + ": " + length
                    + " bytes announced, " + in.remaining() + " left");
        }
        int n = (int) length;
        ByteBuffer bytes = in.slice();
        bytes.limit(n);
        in.position(in.position() + n);
        String s;
        try {
            s = ascii(bytes) ? StandardCharsets.US_ASCII.decode(bytes).toString() : utf8.reset().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new FeedCodecException("Bad UTF-8 in " + what + " at byte " + at);
        }
        if (s.length() > maxChars || s.isEmpty() && maxChars == BinaryFeedEncoder.MAX_NAME_CHARS) {
            throw new FeedCodecException((s.isEmpty() ? "Empty " + what : tooLong(what, maxBytes, maxChars)) + " at byte " + at);
        }
        return s;
    }

    private static String tooLong(String what, int maxBytes, int maxChars) {
        return maxChars == Integer.MAX_VALUE ? what + " longer than " + maxBytes + " bytes"
                : what + " longer than " + maxChars + " characters";
    }

    private static boolean ascii(ByteBuffer bytes) {
        for (int i = bytes.position(), n = bytes.limit(); i < n; i++) {
            if (bytes.get(i) < 0) {
                return false;
            }
        }
        return true;
    }

    private int subscription() throws FeedCodecException {
        int at = offset();
        long id = varint("subscription id");
        if (id < 1 || id > Integer.MAX_VALUE) {
            throw new FeedCodecException("Subscription id " + Long.toUnsignedString(id) + " out of range at byte " + at);
        }
        return (int) id;
    }

    private int nonNegativeInt(String what) throws FeedCodecException {
        int at = offset();
        long value = varint(what);
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new FeedCodecException(what + " " + Long.toUnsignedString(value) + " beyond 2^31-1 at byte " + at);
        }
        return (int) value;
    }

    /** An unsigned LEB128 varint of at most 10 bytes (64 bits). */
    private long varint(String what) throws FeedCodecException {
        int at = offset();
        long result = 0;
        for (int i = 0; i < 10; i++) {
            if (!in.hasRemaining()) {
                throw new FeedCodecException("Truncated varint (" + what + ") at byte " + at);
            }
            int b = in.get();
            if (i == 9 && (b & 0x80) == 0 && (b & 0x7E) != 0) {
                throw new FeedCodecException("Varint (" + what + ") over 64 bits at byte " + at);
            }
            result |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new FeedCodecException("Varint (" + what + ") longer than 10 bytes at byte " + at);
    }

    static long unzigzag(long n) {
        return (n >>> 1) ^ -(n & 1);
    }

    private int offset() {
        return in.position() - start;
    }
}
