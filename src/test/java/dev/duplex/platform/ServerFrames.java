package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A minimal reader of unmasked, unfragmented server frames, as a client would read them. */
final class ServerFrames {

    private ServerFrames() {
    }

    /** The payloads of the frames back to back in {@code buffer}, each asserted to start with {@code first} (FIN and opcode). */
    static List<byte[]> payloads(ByteBuffer buffer, int first) {
        List<byte[]> payloads = new ArrayList<>();
        while (buffer.hasRemaining()) {
            assertEquals((byte) first, buffer.get(), "FIN and opcode");
            int length = buffer.get() & 0xFF;
            assertEquals(0, length & 0x80, "server frames are not masked");
            if (length == 126) {
                length = buffer.getShort() & 0xFFFF;
            } else if (length == 127) {
                length = (int) buffer.getLong();
            }
            byte[] payload = new byte[length];
            buffer.get(payload);
            payloads.add(payload);
        }
        return payloads;
    }
}
