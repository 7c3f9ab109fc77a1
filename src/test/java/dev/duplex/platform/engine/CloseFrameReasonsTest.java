package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CloseFrameReasonsTest {

    /** An unmasked server close frame. */
    private static ByteBuffer close(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(4 + text.length);
        frame.put((byte) 0x88).put((byte) (2 + text.length)).put((byte) (code >> 8)).put((byte) code).put(text).flip();
        return frame;
    }

    private static String reason(ByteBuffer frame) {
        byte[] text = new byte[frame.remaining() - 4];
        frame.duplicate().position(frame.position() + 4).get(text);
        assertEquals(2 + text.length, frame.get(frame.position() + 1), "length byte");
        return new String(text, StandardCharsets.UTF_8);
    }

    @Test
    void aCloseFramesReasonIsReplaced() {
        ByteBuffer out = CloseFrameReasons.rewrite(close(1002, "Unknown wrappedFrame type: B"), (code, reason) -> "Protocol error");
        assertEquals((byte) 0x88, out.get(0));
        assertEquals(1002, (out.get(2) & 0xFF) << 8 | out.get(3) & 0xFF);
        assertEquals("Protocol error", reason(out));
        assertEquals("", reason(CloseFrameReasons.rewrite(close(1000, "bye"), (code, reason) -> "")));
    }

    @Test
    void aLongReasonIsCutToWholeCharactersWithin123Bytes() {
        ByteBuffer out = CloseFrameReasons.rewrite(close(1008, "x"), (code, reason) -> "é".repeat(100));
        assertEquals("é".repeat(61), reason(out));
    }

    @Test
    void otherFramesAndUnchangedReasonsPassAsTheyAre() {
        ByteBuffer same = close(1008, "Slow consumer");
        assertSame(same, CloseFrameReasons.rewrite(same, (code, reason) -> reason));
        ByteBuffer text = ByteBuffer.wrap(new byte[] {(byte) 0x81, 4, 'a', 'b', 'c', 'd'});
        assertSame(text, CloseFrameReasons.rewrite(text, (code, reason) -> "no"));
        ByteBuffer twoFrames = ByteBuffer.allocate(16).put(close(1000, "a")).put(close(1000, "b")).flip();
        assertSame(twoFrames, CloseFrameReasons.rewrite(twoFrames, (code, reason) -> "no"), "only one whole frame is rewritten");
    }
}
