package dev.duplex.feed.control;

import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.ItemState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the feed travels through the data grid: as {@code byte[]}s of its own compact layout, so that
 * Hazelcast never needs the application's classes (Payara's Hazelcast does not see the WAR's class
 * loader) and a batch of 50 changes stays around 2 KB.
 *
 * <pre>
 * text:        varint byte length, UTF-8 bytes
 * field:       text name, byte tag (0 number: 8-byte IEEE double | 1 text: text)
 * log item:    byte version (1), text topic, varint count, count × (text item, long publishedMicros,
 *              varint field count, fields)                       one item per FeedBus.publish call
 * checkpoint:  byte version (1), long ring sequence included, varint count,
 *              count × (text item, varint seq, long publishedMicros, varint field count, fields)
 * </pre>
 * Longs are 8 bytes big-endian. A malformed item throws {@link IllegalArgumentException}.
 */
final class FeedGridCodec {

    private static final byte VERSION = 1;
    private static final byte NUMBER = 0;
    private static final byte TEXT = 1;

    private FeedGridCodec() {
    }

    /** A published batch: its topic and its changes, in order. */
    record Batch(String topic, List<ItemChange> changes) {
    }

    /** One topic's captured state and the last log sequence it includes. */
    record Checkpoint(long sequence, List<ItemState> items) {
    }

    static byte[] logItem(String topic, List<ItemChange> changes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 48 * changes.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeText(out, topic);
            writeVarint(out, changes.size());
            for (ItemChange change : changes) {
                writeText(out, change.item());
                out.writeLong(change.publishedMicros());
                writeFields(out, change.fields());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Batch batch(byte[] item) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(item))) {
            version(in);
            String topic = readText(in);
            int count = readCount(in);
            List<ItemChange> changes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String name = readText(in);
                long published = in.readLong();
                changes.add(new ItemChange(name, readFields(in), published));
            }
            return new Batch(topic, changes);
        } catch (IOException e) {
            throw new IllegalArgumentException("A malformed feed log item: " + e, e);
        }
    }

    static byte[] checkpoint(long sequence, List<ItemState> items) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 64 * items.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(sequence);
            writeVarint(out, items.size());
            for (ItemState item : items) {
                writeText(out, item.item());
                writeVarint(out, item.seq());
                out.writeLong(item.publishedMicros());
                writeFields(out, item.fields());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Checkpoint checkpoint(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            version(in);
            long sequence = in.readLong();
            int count = readCount(in);
            List<ItemState> items = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String name = readText(in);
                long seq = readVarint(in);
                long published = in.readLong();
                items.add(new ItemState(name, seq, published, readFields(in)));
            }
            return new Checkpoint(sequence, items);
        } catch (IOException e) {
            throw new IllegalArgumentException("A malformed feed checkpoint: " + e, e);
        }
    }

    private static void version(DataInputStream in) throws IOException {
        byte version = in.readByte();
        if (version != VERSION) {
            throw new IOException("unknown version " + version);
        }
    }

    private static void writeFields(DataOutputStream out, Map<String, FieldValue> fields) throws IOException {
        writeVarint(out, fields.size());
        for (Map.Entry<String, FieldValue> field : fields.entrySet()) {
            writeText(out, field.getKey());
            if (field.getValue() instanceof FieldValue.Num number) {
                out.writeByte(NUMBER);
                out.writeDouble(number.value());
            } else {
                out.writeByte(TEXT);
                writeText(out, ((FieldValue.Text) field.getValue()).value());
            }
        }
    }

    private static Map<String, FieldValue> readFields(DataInputStream in) throws IOException {
        int count = readCount(in);
        Map<String, FieldValue> fields = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = readText(in);
            byte tag = in.readByte();
            fields.put(name, switch (tag) {
                case NUMBER -> new FieldValue.Num(in.readDouble());
                case TEXT -> new FieldValue.Text(readText(in));
                default -> throw new IOException("unknown field tag " + tag);
            });
        }
        return fields;
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        writeVarint(out, utf8.length);
        out.write(utf8);
    }

    private static String readText(DataInputStream in) throws IOException {
        int length = readCount(in);
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static void writeVarint(DataOutputStream out, long value) throws IOException {
        if (value < 0) {
            throw new IllegalArgumentException("negative count " + value);
        }
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    private static long readVarint(DataInputStream in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("varint too long");
    }

    /** A count or length: at most what the remaining bytes can hold, so a bad item cannot allocate much. */
    private static int readCount(DataInputStream in) throws IOException {
        long count = readVarint(in);
        if (count > in.available()) {
            throw new IOException("count " + count + " exceeds the item");
        }
        return (int) count;
    }
}
