package dev.duplex.bench.feed;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the server's {@code feed.bin} binary messages (docs/FEED.md "Binary layout"): version byte,
 * base time, then FIELD, ITEM, SNAPSHOT and VALUE records. Field indices and item handles are bound
 * per connection, so there is one reader per connection; not thread-safe (the connection's event
 * loop uses it).
 */
final class BinaryFeedReader {

    static final int VERSION = 0x01;
    static final int FIELD = 0x01;
    static final int ITEM = 0x02;
    static final int SNAPSHOT = 0x03;
    static final int VALUE = 0x04;
    static final int FLOAT64 = 0x10;
    static final int TEXT = 0x11;

    private static final double[] POWERS = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
        1e13, 1e14, 1e15};

    private final List<String> fieldNames = new ArrayList<>();
    private final List<Handle> handles = new ArrayList<>();
    private final Fields fields = new Fields();

    private record Handle(int subscription, String item) {
    }

    /** Reads one binary message and reports its values; a malformed one is reported as unreadable. */
    void read(ByteBuf data, FeedSink sink) {
        try {
            decode(data, sink);
        } catch (IllegalStateException | IndexOutOfBoundsException e) {
            sink.unreadable("feed.bin: " + e.getMessage());
        }
    }

    private void decode(ByteBuf in, FeedSink sink) {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IllegalStateException("unknown version " + version);
        }
        long base = varint(in);
        int snapshotLeft = 0;
        int snapshotId = -1;
        while (in.isReadable()) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case FIELD -> {
                    int index = (int) varint(in);
                    String name = string(in);
                    if (index != fieldNames.size()) {
                        throw new IllegalStateException("field index " + index + " bound out of order");
                    }
                    fieldNames.add(name);
                }
                case ITEM -> {
                    int handle = (int) varint(in);
                    int subscription = (int) varint(in);
                    String item = string(in);
                    if (handle != handles.size()) {
                        throw new IllegalStateException("item handle " + handle + " bound out of order");
                    }
                    handles.add(new Handle(subscription, item));
                }
                case SNAPSHOT -> {
                    if (snapshotLeft > 0) {
                        throw new IllegalStateException("a snapshot inside a snapshot");
                    }
                    snapshotId = (int) varint(in);
                    snapshotLeft = (int) varint(in);
                    if (snapshotLeft == 0) {
                        sink.snapshotEnd(snapshotId);
                    }
                }
                case VALUE -> {
                    int handleIndex = (int) varint(in);
                    if (handleIndex < 0 || handleIndex >= handles.size()) {
                        throw new IllegalStateException("unbound item handle " + handleIndex);
                    }
                    Handle handle = handles.get(handleIndex);
                    long seq = varint(in);
                    long ts = base + zigzag(varint(in));
                    long conflated = varint(in);
                    int count = (int) varint(in);
                    fields.clear();
                    for (int i = 0; i < count; i++) {
                        int index = (int) varint(in);
                        if (index < 0 || index >= fieldNames.size()) {
                            throw new IllegalStateException("unbound field index " + index);
                        }
                        fields.add(fieldNames.get(index), fieldValue(in));
                    }
                    boolean inSnapshot = snapshotLeft > 0;
                    if (inSnapshot && handle.subscription() != snapshotId) {
                        throw new IllegalStateException("a snapshot value of another subscription");
                    }
                    sink.value(handle.subscription(), handle.item(), seq, ts, conflated, fields, inSnapshot);
                    if (inSnapshot && --snapshotLeft == 0) {
                        sink.snapshotEnd(snapshotId);
                    }
                }
                default -> throw new IllegalStateException("unknown record tag " + tag);
            }
        }
        if (snapshotLeft > 0) {
            throw new IllegalStateException("the message ended inside a snapshot");
        }
    }

    private static Object fieldValue(ByteBuf in) {
        int type = in.readUnsignedByte();
        if (type <= 0x0F) {
            long unscaled = zigzag(varint(in));
            // Exact when |unscaled| < 2^53: both operands are exact doubles and the division rounds
            // correctly, which is what parsing the decimal text would give.
            return type == 0 ? (double) unscaled : unscaled / POWERS[type];
        }
        if (type == FLOAT64) {
            return in.readDouble();
        }
        if (type == TEXT) {
            return string(in);
        }
        throw new IllegalStateException("unknown field type " + type);
    }

    static long varint(ByteBuf in) {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalStateException("varint longer than 10 bytes");
    }

    static long zigzag(long n) {
        return (n >>> 1) ^ -(n & 1);
    }

    private static String string(ByteBuf in) {
        int length = (int) varint(in);
        if (length < 0 || length > in.readableBytes()) {
            throw new IllegalStateException("string longer than the message");
        }
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
    }
}
