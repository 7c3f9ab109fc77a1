package dev.duplex.draw.control;

import dev.duplex.draw.DrawMessages;
import java.nio.ByteBuffer;
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
        received.add(DrawMessages.describe(message.duplicate()));
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
}
