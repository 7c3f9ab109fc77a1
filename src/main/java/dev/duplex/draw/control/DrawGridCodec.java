package dev.duplex.draw.control;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages instances exchange about boards through their {@link DrawBus} inboxes (never seen by
 * a browser). Big-endian; {@code str} is a u16 length and UTF-8; {@code msg} is a u32 length and a
 * {@code draw.bin} message.
 *
 * <pre>
 * 1 FORWARD  board str, from str, key u64, msg   a member's message, to the board's owner
 * 2 GONE     board str, from str, key u64        the member's connection closed, to the owner
 * 3 DELIVER  key u64, msg                        a message for one member, to its instance
 * 4 CLOSE    key u64, code u16, reason str       close that member's connection, to its instance
 * 5 MIRROR   board str, except i32, msg          a broadcast: keep it, hand it to the members here but except
 * 6 RESET    board str, count u32, count x msg   the board's whole state, replacing the copy
 * </pre>
 */
final class DrawGridCodec {

    static final int FORWARD = 1, GONE = 2, DELIVER = 3, CLOSE = 4, MIRROR = 5, RESET = 6;

    /** One decoded message; the fields its kind does not have are null or 0. */
    record Envelope(int kind, String board, String from, long key, int number, String text, List<ByteBuffer> messages) {
        ByteBuffer message() {
            return messages.get(0);
        }
    }

    private DrawGridCodec() {
    }

    static byte[] forward(String board, String from, long key, ByteBuffer message) {
        return out(FORWARD, board, from, key, 0, null, List.of(message));
    }

    static byte[] gone(String board, String from, long key) {
        return out(GONE, board, from, key, 0, null, List.of());
    }

    static byte[] deliver(long key, ByteBuffer message) {
        return out(DELIVER, null, null, key, 0, null, List.of(message));
    }

    static byte[] close(long key, int code, String reason) {
        return out(CLOSE, null, null, key, code, reason, List.of());
    }

    static byte[] mirror(String board, int except, ByteBuffer message) {
        return out(MIRROR, board, null, 0, except, null, List.of(message));
    }

    static byte[] reset(String board, List<ByteBuffer> state) {
        return out(RESET, board, null, 0, 0, null, state);
    }

    private static byte[] out(int kind, String board, String from, long key, int number, String text, List<ByteBuffer> messages) {
        byte[] b = utf8(board);
        byte[] f = utf8(from);
        byte[] t = utf8(text);
        int size = 1 + 2 + b.length + 2 + f.length + 8 + 4 + 2 + t.length + 4;
        for (ByteBuffer message : messages) {
            size += 4 + message.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size).put((byte) kind);
        out.putShort((short) b.length).put(b).putShort((short) f.length).put(f).putLong(key).putInt(number)
                .putShort((short) t.length).put(t).putInt(messages.size());
        for (ByteBuffer message : messages) {
            out.putInt(message.remaining()).put(message.duplicate());
        }
        return out.array();
    }

    /** @throws IllegalArgumentException when {@code bytes} is not such a message */
    static Envelope decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int kind = in.get();
            if (kind < FORWARD || kind > RESET) {
                throw new IllegalArgumentException("Unknown draw grid message kind " + kind);
            }
            String board = string(in);
            String from = string(in);
            long key = in.getLong();
            int number = in.getInt();
            String text = string(in);
            int count = in.getInt();
            List<ByteBuffer> messages = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int length = in.getInt();
                ByteBuffer message = in.slice(in.position(), length);
                in.position(in.position() + length);
                messages.add(message);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after a draw grid message");
            }
            return new Envelope(kind, board, from, key, number, text, messages);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException("Malformed draw grid message: " + e, e);
        }
    }

    private static byte[] utf8(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[in.getShort() & 0xFFFF];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
