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
        int length = payload.length;
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = (byte) 0x81; // FIN, opcode 1 (text)
        if (header == 2) {
            frame[1] = (byte) length;
        } else if (header == 4) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            long longLength = length;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) (longLength >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, length);
        return frame;
    }
}
