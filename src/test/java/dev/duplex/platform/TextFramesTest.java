package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextFramesTest {

    @Test
    void encodesTheRfcExampleOfAnUnmaskedTextFrame() {
        // RFC 6455 §5.7: "A single-frame unmasked text message" containing "Hello"
        assertArrayEquals(new byte[] {(byte) 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f}, TextFrames.encode("Hello"));
    }

    @Test
    void usesTheShortestLengthEncodingAtEachBoundary() {
        assertHeader(TextFrames.encode("x".repeat(125)), 0x81, 125);
        byte[] sixteenBit = TextFrames.encode("x".repeat(126));
        assertHeader(sixteenBit, 0x81, 126, 0x00, 126);
        assertHeader(TextFrames.encode("x".repeat(65_535)), 0x81, 126, 0xFF, 0xFF);
        assertHeader(TextFrames.encode("x".repeat(65_536)), 0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0);
        assertEquals(4 + 126, sixteenBit.length);
    }

    @Test
    void theLengthIsInUtf8BytesNotCharacters() {
        String text = "héllo € 😀";
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = TextFrames.encode(text);
        assertEquals(utf8.length, frame[1]);
        assertArrayEquals(utf8, Arrays.copyOfRange(frame, 2, frame.length));
    }

    @Test
    void aStringJustEncodedIsNotEncodedAgain() {
        TextFrames frames = new TextFrames();
        String broadcast = "{\"type\":\"message\",\"text\":\"to everyone\"}";
        byte[] first = frames.frame(broadcast);
        assertSame(first, frames.frame(broadcast), "the same instance is framed once");
        String equalCopy = new String(broadcast.toCharArray());
        byte[] copy = frames.frame(equalCopy);
        assertArrayEquals(first, copy);
        assertNotSame(first, copy, "identity, not equality: a cache hit can never be a different text");
    }

    @Test
    void aBatchIsTheFramesBackToBackAndCountsTheirPayload() {
        TextFrames frames = new TextFrames();
        List<String> texts = List.of("one", "två", "x".repeat(300));
        TextFrames.Batch batch = frames.frames(texts);
        assertEquals(3, batch.messages());
        assertEquals(3 + 4 + 300, batch.payloadBytes());
        assertEquals(texts, parse(batch.buffer()));
    }

    private static void assertHeader(byte[] frame, int... expected) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals((byte) expected[i], frame[i], "header byte " + i);
        }
    }

    /** The texts of the frames back to back in {@code buffer}. */
    private static List<String> parse(ByteBuffer buffer) {
        return ServerFrames.payloads(buffer, 0x81).stream().map(payload -> new String(payload, StandardCharsets.UTF_8)).toList();
    }
}
