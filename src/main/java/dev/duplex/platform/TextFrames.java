package dev.duplex.platform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Server-to-client WebSocket text frames (RFC 6455 §5.2: FIN set, opcode 1, no mask, no extension
 * bits), encoded once per message and shared by every recipient of a broadcast.
 *
 * <p>A chat event goes to every member of a room with the same {@link String} instance, so the
 * frames of recently encoded strings are kept in a small table keyed by identity: the thousand
 * sends of one message encode it once instead of a thousand times. The table is a fixed array of
 * immutable entries, read and written without locks; a miss (or two strings on one slot) only
 * costs an encoding. Thread-safe.
 */
public final class TextFrames {

    private static final int SLOTS = 256;
    private static final int MAX_CACHED_BYTES = 64 * 1024;

    private record Entry(String text, byte[] frame) {
    }

    private final AtomicReferenceArray<Entry> recent = new AtomicReferenceArray<>(SLOTS);

    /** The complete frame (header and UTF-8 payload) of {@code text}, from the table when it was just encoded. */
    public byte[] frame(String text) {
        int slot = System.identityHashCode(text) & (SLOTS - 1);
        Entry entry = recent.get(slot);
        if (entry != null && entry.text() == text) {
            return entry.frame();
        }
        byte[] frame = encode(text);
        if (frame.length <= MAX_CACHED_BYTES) {
            recent.set(slot, new Entry(text, frame));
        }
        return frame;
    }

    /** Frames back to back in one buffer, with how many messages and payload bytes they carry. */
    public record Batch(ByteBuffer buffer, int messages, long payloadBytes) {
    }

    /** The frames of {@code texts}, back to back in one buffer, ready to be written in one go. */
    public Batch frames(List<String> texts) {
        byte[][] frames = new byte[texts.size()][];
        int total = 0;
        long payload = 0;
        for (int i = 0; i < frames.length; i++) {
            frames[i] = frame(texts.get(i));
            total += frames[i].length;
            payload += frames[i].length - headerLength(frames[i]);
        }
        ByteBuffer buffer = ByteBuffer.allocate(total);
        for (byte[] frame : frames) {
            buffer.put(frame);
        }
        return new Batch(buffer.flip(), frames.length, payload);
    }

    /** The header length of a frame made by {@link #encode}. */
    static int headerLength(byte[] frame) {
        int length = frame[1] & 0x7F;
        return length <= 125 ? 2 : length == 126 ? 4 : 10;
    }

    /** One unmasked, final text frame carrying {@code text}. */
    public static byte[] encode(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = withHeader(0x81, payload.length); // FIN, opcode 1 (text)
        System.arraycopy(payload, 0, frame, frame.length - payload.length, payload.length);
        return frame;
    }

    /** A frame of {@code length} payload bytes with its header written ({@link #putHeader}); the payload is left to the caller. */
    static byte[] withHeader(int first, int length) {
        byte[] frame = new byte[frameHeaderLength(length) + length];
        putHeader(ByteBuffer.wrap(frame), first, length);
        return frame;
    }

    /** The header length of an unmasked frame of {@code length} payload bytes: 2, 4 or 10. */
    static int frameHeaderLength(int length) {
        return length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
    }

    /**
     * Writes the header of an unmasked frame: {@code first} is the first byte (FIN and opcode), the
     * payload length is encoded in 7, 16 or 64 bits.
     */
    static void putHeader(ByteBuffer out, int first, int length) {
        out.put((byte) first);
        if (length <= 125) {
            out.put((byte) length);
        } else if (length <= 0xFFFF) {
            out.put((byte) 126).putShort((short) length);
        } else {
            out.put((byte) 127).putLong(length);
        }
    }
}
