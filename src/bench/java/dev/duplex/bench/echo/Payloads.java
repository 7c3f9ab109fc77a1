package dev.duplex.bench.echo;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of echo message {@code seq} on connection {@code conn}: printable ASCII (valid UTF-8, so
 * the same bytes serve as text or binary), different for every (connection, sequence) pair, and
 * computed again to check an echo byte for byte without keeping a copy of what was sent.
 */
public final class Payloads {

    private static final byte[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            .getBytes(StandardCharsets.US_ASCII);

    private Payloads() {
    }

    static long seed(int conn, long seq) {
        long s = (conn + 1L) * 0x9E3779B97F4A7C15L ^ (seq + 1L) * 0xC2B2AE3D27D4EB4FL;
        return s ^ (s >>> 29);
    }

    static byte at(long seed, int index) {
        return ALPHABET[(int) ((seed >>> ((index & 7) << 3)) + index) & 63];
    }

    /** Appends message {@code seq} of connection {@code conn}, {@code size} bytes long. */
    public static void write(ByteBuf out, int conn, long seq, int size) {
        long seed = seed(conn, seq);
        out.ensureWritable(size);
        for (int i = 0; i < size; i++) {
            out.writeByte(at(seed, i));
        }
    }

    /** The payload as an array (for tests and small messages). */
    public static byte[] bytes(int conn, long seq, int size) {
        long seed = seed(conn, seq);
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = at(seed, i);
        }
        return bytes;
    }

    /** Whether the readable bytes of {@code in} are exactly message {@code seq} of {@code conn}. */
    public static boolean matches(ByteBuf in, int conn, long seq, int size) {
        if (in.readableBytes() != size) {
            return false;
        }
        long seed = seed(conn, seq);
        int base = in.readerIndex();
        for (int i = 0; i < size; i++) {
            if (in.getByte(base + i) != at(seed, i)) {
                return false;
            }
        }
        return true;
    }
}
