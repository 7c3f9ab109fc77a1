package dev.duplex.bench.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BinaryFeedReaderTest {

    private static final long BASE = 1796112000124001L;

    private static ByteBuf header() {
        ByteBuf out = Unpooled.buffer();
        out.writeByte(0x01);
        FeedStubServer.varint(out, BASE);
        return out;
    }

    @Test
    void readsTheExampleOfFeedMd() {
        ByteBuf msg = header();
        msg.writeBytes(new byte[] {0x01, 0x00, 0x04, 'l', 'a', 's', 't'});
        msg.writeBytes(new byte[] {0x02, 0x00, 0x01, 0x04, 'A', 'C', 'M', 'E'});
        msg.writeBytes(new byte[] {0x04, 0x00, 0x12, 0x06, 0x00, 0x01});
        msg.writeBytes(new byte[] {0x00, 0x02, (byte) 0x9a, (byte) 0x9e, 0x01});
        RecordingSink sink = new RecordingSink();
        new BinaryFeedReader().read(msg, sink);
        assertEquals(List.of("update ACME"), sink.events);
        assertEquals(new RecordingSink.Value(1, "ACME", 18, BASE + 3, 0, Map.of("last", 101.25), false),
                sink.values.get(0));
    }

    @Test
    void snapshotsBindingsAcrossMessagesFloatsAndTexts() {
        BinaryFeedReader reader = new BinaryFeedReader();
        RecordingSink sink = new RecordingSink();
        ByteBuf first = header();
        first.writeByte(0x01);
        FeedStubServer.varint(first, 0);
        FeedStubServer.string(first, "temperature");
        first.writeByte(0x01);
        FeedStubServer.varint(first, 1);
        FeedStubServer.string(first, "conditions");
        first.writeByte(0x02);
        FeedStubServer.varint(first, 0);
        FeedStubServer.varint(first, 5);
        FeedStubServer.string(first, "berlin");
        first.writeByte(0x03);
        FeedStubServer.varint(first, 5);
        FeedStubServer.varint(first, 1);
        first.writeByte(0x04);
        FeedStubServer.varint(first, 0);
        FeedStubServer.varint(first, 9);
        FeedStubServer.varint(first, 3); // zigzag(-2)
        FeedStubServer.varint(first, 0);
        FeedStubServer.varint(first, 2);
        FeedStubServer.varint(first, 0);
        first.writeByte(0x10);
        first.writeDouble(Math.PI);
        FeedStubServer.varint(first, 1);
        first.writeByte(0x11);
        FeedStubServer.string(first, "rain");
        reader.read(first, sink);

        ByteBuf second = header();
        second.writeByte(0x04);
        FeedStubServer.varint(second, 0);
        FeedStubServer.varint(second, 12);
        FeedStubServer.varint(second, 0);
        FeedStubServer.varint(second, 2);
        FeedStubServer.varint(second, 1);
        FeedStubServer.varint(second, 0);
        second.writeByte(0x01);
        FeedStubServer.varint(second, 29); // zigzag(-15) at scale 1 = -1.5
        reader.read(second, sink);

        assertEquals(List.of("snapshot-value berlin", "snapshot-end 5", "update berlin"), sink.events);
        assertEquals(new RecordingSink.Value(5, "berlin", 9, BASE - 2, 0,
                Map.of("temperature", Math.PI, "conditions", "rain"), true), sink.values.get(0));
        assertEquals(new RecordingSink.Value(5, "berlin", 12, BASE, 2, Map.of("temperature", -1.5), false),
                sink.values.get(1));
    }

    @Test
    void decimalsEqualWhatParsingTheirTextGives() {
        BinaryFeedReader reader = new BinaryFeedReader();
        RecordingSink sink = new RecordingSink();
        ByteBuf msg = header();
        msg.writeByte(0x01);
        FeedStubServer.varint(msg, 0);
        FeedStubServer.string(msg, "last");
        msg.writeByte(0x02);
        FeedStubServer.varint(msg, 0);
        FeedStubServer.varint(msg, 1);
        FeedStubServer.string(msg, "A");
        long[][] cases = {{10123, 2}, {-3, 1}, {999999999999L, 4}, {1, 15}, {7, 0}};
        for (long[] c : cases) {
            msg.writeByte(0x04);
            FeedStubServer.varint(msg, 0);
            FeedStubServer.varint(msg, 1);
            FeedStubServer.varint(msg, 0);
            FeedStubServer.varint(msg, 0);
            FeedStubServer.varint(msg, 1);
            FeedStubServer.varint(msg, 0);
            msg.writeByte((int) c[1]);
            FeedStubServer.varint(msg, (c[0] << 1) ^ (c[0] >> 63));
        }
        reader.read(msg, sink);
        for (int i = 0; i < cases.length; i++) {
            double expected = new java.math.BigDecimal(java.math.BigInteger.valueOf(cases[i][0]), (int) cases[i][1])
                    .doubleValue();
            assertEquals(expected, sink.values.get(i).fields().get("last"), "case " + i);
        }
    }

    @Test
    void unboundHandlesUnknownTagsAndTruncationAreUnreadable() {
        ByteBuf unbound = header();
        unbound.writeBytes(new byte[] {0x04, 0x05, 0x01, 0x00, 0x00, 0x00});
        ByteBuf tag = header();
        tag.writeByte(0x09);
        ByteBuf truncated = header();
        truncated.writeBytes(new byte[] {0x01, 0x00, 0x09, 'l'});
        ByteBuf version = Unpooled.wrappedBuffer(new byte[] {0x02, 0x00});
        for (ByteBuf bad : List.of(unbound, tag, truncated, version)) {
            RecordingSink sink = new RecordingSink();
            new BinaryFeedReader().read(bad, sink);
            assertEquals(1, sink.events.size());
            assertTrue(sink.events.get(0).startsWith("unreadable feed.bin"), sink.events.get(0));
        }
    }
}
