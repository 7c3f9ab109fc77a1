package dev.duplex.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.ItemState;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeedGridCodecTest {

    private static Map<String, FieldValue> fields(Object... pairs) {
        Map<String, FieldValue> fields = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            fields.put((String) pairs[i], pairs[i + 1] instanceof Double d ? FieldValue.of(d) : FieldValue.of((String) pairs[i + 1]));
        }
        return fields;
    }

    @Test
    void aBatchComesBackEqualFieldsInOrderAndIsCompact() {
        List<ItemChange> changes = List.of(
                new ItemChange("ACME", fields("last", 101.23, "bid", -0.0, "ask", Double.MAX_VALUE), 1_796_112_000_123_456L),
                new ItemChange("zürich", fields("conditions", "light snow ❄", "temperature", -3.5), 0));
        FeedGridCodec.Batch batch = FeedGridCodec.batch(FeedGridCodec.logItem("stocks", changes));
        assertEquals("stocks", batch.topic());
        assertEquals(changes, batch.changes());
        assertEquals(List.of("last", "bid", "ask"), List.copyOf(batch.changes().get(0).fields().keySet()), "field order kept");

        List<ItemChange> market = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> new ItemChange("SYM" + i, fields("last", 100.0 + i, "bid", 99.5, "ask", 100.5), 1_796_112_000_000_000L + i))
                .toList();
        int size = FeedGridCodec.logItem("stocks", market).length;
        assertTrue(size < 50 * 60, "a market batch of 50 takes " + size + " bytes");
    }

    @Test
    void aCheckpointComesBackEqual() {
        List<ItemState> items = List.of(new ItemState("ACME", 17, 5, fields("last", 1.5)),
                new ItemState("berlin", 1L << 40, -1, fields("conditions", "")));
        FeedGridCodec.Checkpoint checkpoint = FeedGridCodec.checkpoint(FeedGridCodec.checkpoint(4711, items));
        assertEquals(4711, checkpoint.sequence());
        assertEquals(items, checkpoint.items());
        assertEquals(List.of(), FeedGridCodec.checkpoint(FeedGridCodec.checkpoint(-1, List.of())).items());
        assertEquals(-1, FeedGridCodec.checkpoint(FeedGridCodec.checkpoint(-1, List.of())).sequence());
    }

    @Test
    void malformedBytesAreRefusedWithoutHugeAllocations() {
        byte[] good = FeedGridCodec.logItem("t", List.of(new ItemChange("i", fields("f", 1.0), 1)));
        assertThrows(IllegalArgumentException.class, () -> FeedGridCodec.batch(Arrays.copyOf(good, good.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> FeedGridCodec.batch(new byte[] {2}), "unknown version");
        // A count of 2^31 in a few bytes.
        assertThrows(IllegalArgumentException.class, () -> FeedGridCodec.batch(new byte[] {1, 1, 't', (byte) 0x80, (byte) 0x80,
                (byte) 0x80, (byte) 0x80, 0x08}));
        assertThrows(IllegalArgumentException.class, () -> FeedGridCodec.checkpoint(new byte[] {1, 0, 0}));
    }
}
