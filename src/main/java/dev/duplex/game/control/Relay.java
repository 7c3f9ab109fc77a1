package dev.duplex.game.control;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A message between two instances about a relayed client: a client connected to one instance (the
 * proxy side) plays in a room another instance owns. Bytes, big-endian:
 * {@code u8 kind | u8 length | sender member id UTF-8 | u64 client | payload}, where the payload is,
 * by kind: {@link #JOIN} and {@link #CLIENT} a {@code game.bin} client message, {@link #TO_CLIENT}
 * and {@link #REFUSED} a {@code game.bin} server message, {@link #CLOSE} {@code u16 code | reason
 * UTF-8}, {@link #LEFT} nothing. {@code client} numbers the relayed clients of the proxy side.
 *
 * @param kind    one of the constants below
 * @param from    the sending instance's member id
 * @param client  the relayed client's number on the proxy side
 * @param payload the rest
 */
record Relay(int kind, String from, long client, byte[] payload) {

    /** Proxy → owner: a client joins the owner's room. */
    static final int JOIN = 1;
    /** Proxy → owner: an input, acknowledgement or ping of a joined client. */
    static final int CLIENT = 2;
    /** Proxy → owner: the client's connection is gone. */
    static final int LEFT = 3;
    /** Owner → proxy: a message for the client. */
    static final int TO_CLIENT = 4;
    /** Owner → proxy: close the client's connection with this code and reason. */
    static final int CLOSE = 5;
    /** Owner → proxy: the join found no place; the payload is the error message for the client. */
    static final int REFUSED = 6;

    byte[] encode() {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 1 + f.length + 8 + payload.length).put((byte) kind).put((byte) f.length).put(f)
                .putLong(client).put(payload).array();
    }

    static Relay decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int kind = in.get() & 0xFF;
            if (kind < JOIN || kind > REFUSED) {
                throw new IllegalArgumentException("unknown relay kind " + kind);
            }
            byte[] f = new byte[in.get() & 0xFF];
            in.get(f);
            long client = in.getLong();
            byte[] payload = new byte[in.remaining()];
            in.get(payload);
            return new Relay(kind, new String(f, StandardCharsets.UTF_8), client, payload);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated relay message", e);
        }
    }

    static Relay of(int kind, String from, long client, ByteBuffer message) {
        ByteBuffer copy = message.duplicate();
        byte[] payload = new byte[copy.remaining()];
        copy.get(payload);
        return new Relay(kind, from, client, payload);
    }

    static Relay close(String from, long client, int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        return new Relay(CLOSE, from, client, ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r).array());
    }

    int closeCode() {
        return ByteBuffer.wrap(payload).getShort() & 0xFFFF;
    }

    String closeReason() {
        return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }
}
