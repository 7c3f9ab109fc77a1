package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryFramesTest {

    @Test
    void encodesTheRfcExampleOfAnUnmaskedBinaryFrameOf256Bytes() {
        // RFC 6455 §5.7: "256 bytes binary message in a single unmasked frame: 0x82 0x7E 0x0100 [256 bytes]"
        byte[] payload = new byte[256];
        new Random(1).nextBytes(payload);
        byte[] frame = BinaryFrames.encode(ByteBuffer.wrap(payload));
        assertEquals(4 + 256, frame.length);
        assertArrayEquals(new byte[] {(byte) 0x82, 0x7E, 0x01, 0x00}, java.util.Arrays.copyOf(frame, 4));
        assertArrayEquals(payload, java.util.Arrays.copyOfRange(frame, 4, frame.length));
    }

    @Test
    void usesTheShortestLengthEncodingAtEachBoundaryAndLeavesThePayloadsPositionAlone() {
        for (int length : new int[] {0, 125, 126, 65_535, 65_536}) {
            ByteBuffer payload = ByteBuffer.allocate(length + 3);
            payload.position(3);
            List<byte[]> parsed = parse(BinaryFrames.frames(List.of(payload.asReadOnlyBuffer())).buffer());
            assertEquals(1, parsed.size());
            assertEquals(length, parsed.get(0).length, "length " + length);
            assertEquals(3, payload.position(), "the caller's buffer is not consumed");
        }
    }

    @Test
    void aBatchIsTheFramesBackToBackInOrderAndCountsTheirPayload() {
        List<ByteBuffer> messages = List.of(ByteBuffer.wrap(new byte[] {(byte) 0x85, 1, 2}), ByteBuffer.wrap(new byte[300]),
                ByteBuffer.wrap(new byte[] {(byte) 0x86}));
        TextFrames.Batch batch = BinaryFrames.frames(messages);
        assertEquals(3, batch.messages());
        assertEquals(3 + 300 + 1, batch.payloadBytes());
        List<byte[]> parsed = parse(batch.buffer());
        assertEquals(3, parsed.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(messages.get(i).array(), parsed.get(i), "message " + i);
        }
    }

    private static List<byte[]> parse(ByteBuffer buffer) {
        return ServerFrames.payloads(buffer, 0x82);
    }
}
