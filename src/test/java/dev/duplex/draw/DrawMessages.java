package dev.duplex.draw;

import dev.duplex.draw.entity.DrawCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** draw.bin messages for tests: client messages built, server messages as short readable lines ("begin 1 by 2"). */
public final class DrawMessages {

    private DrawMessages() {
    }

    public static byte[] join(String name, String board) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] b = board.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(3 + n.length + b.length).put((byte) 1).put((byte) n.length).put(n).put((byte) b.length).put(b).array();
    }

    public static byte[] begin(int rgb, int width) {
        return new byte[] {2, (byte) (rgb >> 16), (byte) (rgb >> 8), (byte) rgb, (byte) width};
    }

    /** Samples at the given x, y pairs (eighths of a pixel), pressure 0. */
    public static byte[] points(int... xy) {
        ByteBuffer out = ByteBuffer.allocate(2 + xy.length / 2 * 5).put((byte) 3).put((byte) (xy.length / 2));
        for (int i = 0; i < xy.length; i += 2) {
            out.putShort((short) xy[i]).putShort((short) xy[i + 1]).put((byte) 0);
        }
        return out.array();
    }

    public static byte[] one(int type) {
        return new byte[] {(byte) type};
    }

    public static String describe(byte[] message) {
        return describe(ByteBuffer.wrap(message));
    }

    public static String describe(ByteBuffer in) {
        int type = in.get() & 0xFF;
        return switch (type) {
            case DrawCodec.S_WELCOME -> "welcome " + (in.getShort() & 0xFFFF);
            case DrawCodec.S_MEMBER -> {
                int id = in.getShort() & 0xFFFF;
                byte[] name = new byte[in.get() & 0xFF];
                in.get(name);
                yield "member " + id + " " + new String(name, StandardCharsets.UTF_8);
            }
            case DrawCodec.S_LEFT -> "left " + (in.getShort() & 0xFFFF);
            case DrawCodec.S_BEGIN -> "begin " + in.getInt() + " by " + (in.getShort() & 0xFFFF);
            case DrawCodec.S_POINTS -> {
                StringBuilder line = new StringBuilder("points " + in.getInt() + ":");
                int count = in.get() & 0xFF;
                for (int i = 0; i < count; i++) {
                    line.append(' ').append(in.getShort() & 0xFFFF).append(',').append(in.getShort() & 0xFFFF);
                    in.get();
                }
                yield line.toString();
            }
            case DrawCodec.S_END -> "end " + in.getInt();
            case DrawCodec.S_CURSOR -> "cursor " + (in.getShort() & 0xFFFF) + " " + (in.getShort() & 0xFFFF) + "," + (in.getShort() & 0xFFFF);
            case DrawCodec.S_REMOVE -> "remove " + in.getInt();
            case DrawCodec.S_CLEAR -> "clear by " + (in.getShort() & 0xFFFF);
            case DrawCodec.S_SNAPSHOT -> "snapshot up to " + in.getInt() + " (" + in.remaining() + " bytes)";
            case DrawCodec.S_SNAPSHOT_REQUEST -> "snapshot-request " + in.getInt() + " up to " + in.getInt();
            case DrawCodec.S_COMPACTED -> "compacted " + in.getInt();
            case DrawCodec.S_ERROR -> "error " + in.get();
            default -> "unknown " + type;
        };
    }
}
