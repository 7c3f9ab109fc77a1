package dev.duplex.draw.control;

import dev.duplex.draw.entity.DrawCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A board member's peer that keeps what it is sent, as short readable lines ("begin 1 by 2"). */
final class RecordingPeer implements DrawPeer {

    final String id;
    final List<String> received = new ArrayList<>();
    final List<ByteBuffer> raw = new ArrayList<>();
    int closeCode;
    String closeReason;

    RecordingPeer(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void send(ByteBuffer message) {
        raw.add(message.duplicate());
        received.add(describe(message.duplicate()));
    }

    @Override
    public void close(int code, String reason) {
        closeCode = code;
        closeReason = reason;
    }

    /** What was received of the given kind ("begin", "points" ...), in order. */
    List<String> of(String kind) {
        return received.stream().filter(line -> line.startsWith(kind + " ")).toList();
    }

    List<String> take() {
        List<String> copy = List.copyOf(received);
        received.clear();
        return copy;
    }

    static String describe(ByteBuffer in) {
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
