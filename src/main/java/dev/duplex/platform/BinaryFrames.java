package dev.duplex.platform;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Server-to-client WebSocket binary frames (RFC 6455 §5.2: FIN set, opcode 2, no mask, no extension
 * bits), for an endpoint that writes what waited for one client in one go through a
 * {@link dev.duplex.platform.engine.RawFrameWriter} (the shared canvas's fan-out). Plain Java.
 */
public final class BinaryFrames {

    private BinaryFrames() {
    }

    private static final int BINARY = 0x82; // FIN, opcode 2 (binary)

    /** One unmasked, final binary frame carrying the bytes {@code payload} has left (its position does not move). */
    public static byte[] encode(ByteBuffer payload) {
        byte[] frame = TextFrames.withHeader(BINARY, payload.remaining());
        payload.duplicate().get(frame, frame.length - payload.remaining(), payload.remaining());
        return frame;
    }

    /** The frames of {@code messages} (each a {@link ByteBuffer}), back to back in one buffer, ready to be written in one go. */
    public static TextFrames.Batch frames(List<?> messages) {
        int total = 0;
        long payload = 0;
        for (Object message : messages) {
            int length = ((ByteBuffer) message).remaining();
            total += TextFrames.frameHeaderLength(length) + length;
            payload += length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(total);
        for (Object message : messages) {
            ByteBuffer bytes = (ByteBuffer) message;
            TextFrames.putHeader(buffer, BINARY, bytes.remaining());
            buffer.put(bytes.duplicate());
        }
        return new TextFrames.Batch(buffer.flip(), messages.size(), payload);
    }
}
