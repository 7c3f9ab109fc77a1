package dev.duplex.game.entity;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code game.bin} messages other than snapshots ({@link SnapshotCodec}), byte by byte as
 * docs/PLAY.md specifies: big-endian integers, strings as a length byte and UTF-8. The server
 * decodes client messages and encodes its own; the opposite directions are here for tests and the
 * bench. {@code src/test/resources/game/vectors.json} holds the shared test vectors.
 */
public final class GameCodec {

    public static final int JOIN = 0x01;
    public static final int INPUT = 0x02;
    public static final int ACK = 0x03;
    public static final int PING = 0x04;
    public static final int WELCOME = 0x81;
    public static final int SNAPSHOT = 0x82;
    public static final int SCORES = 0x83;
    public static final int PONG = 0x84;
    public static final int ERROR = 0x8F;

    /** Longest player name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 16;
    /** Longest room name, in bytes ({@code [a-z0-9-]}). */
    public static final int MAX_ROOM_BYTES = 24;
    /** Length of a rejoin token. */
    public static final int TOKEN_BYTES = 16;

    /** Welcome flag: the player got its ship back with a token. */
    public static final int REJOINED = 1;
    /** Welcome flag: the client watches (no ship). */
    public static final int SPECTATOR = 2;

    /** Score flags. */
    public static final int SCORE_BOT = 1;
    public static final int SCORE_AWAY = 2;

    /** The errors of an {@code 0x8F} message (the session stays open). */
    public static final int ERROR_NOT_JOINED = 1;
    public static final int ERROR_ALREADY_JOINED = 2;
    public static final int ERROR_OUT_OF_RANGE = 3;
    public static final int ERROR_NO_ROOM = 4;

    private GameCodec() {
    }

    /** Welcome data as the server sends it. */
    public record Welcome(int you, int tickHz, int arena, int view, int flags, byte[] token, String room) {
    }

    /** One scoreboard line. */
    public record Score(int id, int score, int flags, String name) {
    }

    /** A server error message. */
    public record Error(int code, String message) {
    }

    /** A pong: the client's time echoed and the server's tick. */
    public record Pong(long time, long tick) {
    }

    // ---- client messages -------------------------------------------------------------------

    /** Reads one client message; the whole buffer must be the message. */
    public static ClientMessage decodeClient(ByteBuffer bytes) throws GameProtocolException {
        ByteBuffer in = bytes.slice();
        if (!in.hasRemaining()) {
            throw new GameProtocolException(GameProtocolException.MALFORMED, "Empty message");
        }
        int type = in.get() & 0xFF;
        String what = switch (type) {
            case JOIN -> "join";
            case INPUT -> "input";
            case ACK -> "ack";
            case PING -> "ping";
            default -> throw new GameProtocolException(GameProtocolException.UNSUPPORTED,
                    String.format("Unknown message type 0x%02x", type));
        };
        try {
            ClientMessage message = switch (type) {
                case JOIN -> {
                    int mode = in.get() & 0xFF;
                    if (mode > 1) {
                        throw new GameProtocolException(GameProtocolException.MALFORMED, "Malformed join: mode " + mode);
                    }
                    String name = string(in, MAX_NAME_BYTES, "name");
                    if (name.isBlank() && mode == 0) {
                        throw new GameProtocolException(GameProtocolException.MALFORMED, "Malformed join: empty name");
                    }
                    if (name.chars().anyMatch(Character::isISOControl)) {
                        throw new GameProtocolException(GameProtocolException.MALFORMED, "Malformed join: control character in name");
                    }
                    String room = string(in, MAX_ROOM_BYTES, "room");
                    if (!room.matches("[a-z0-9-]*")) {
                        throw new GameProtocolException(GameProtocolException.MALFORMED, "Malformed join: room not [a-z0-9-]");
                    }
                    int tokenLength = in.get() & 0xFF;
                    if (tokenLength != 0 && tokenLength != TOKEN_BYTES) {
                        throw new GameProtocolException(GameProtocolException.MALFORMED, "Malformed join: token of " + tokenLength + " bytes");
                    }
                    byte[] token = new byte[tokenLength];
                    in.get(token);
                    yield new ClientMessage.Join(mode == 1, name.strip(), room, token);
                }
                case INPUT -> {
                    long seq = in.getInt() & 0xFFFFFFFFL;
                    long ack = in.getInt() & 0xFFFFFFFFL;
                    int dx = in.get();
                    int dy = in.get();
                    int buttons = in.get() & 0xFF;
                    yield new ClientMessage.Play(new Input(seq, dx, dy, buttons), ack);
                }
                case ACK -> new ClientMessage.Ack(in.getInt() & 0xFFFFFFFFL);
                default -> new ClientMessage.Ping(in.getInt() & 0xFFFFFFFFL);
            };
            if (in.hasRemaining()) {
                throw new GameProtocolException(GameProtocolException.MALFORMED,
                        "Malformed " + what + ": " + in.remaining() + " bytes too many");
            }
            return message;
        } catch (BufferUnderflowException e) {
            throw new GameProtocolException(GameProtocolException.MALFORMED, "Malformed " + what + ": truncated");
        }
    }

    private static String string(ByteBuffer in, int max, String field) throws GameProtocolException {
        int length = in.get() & 0xFF;
        if (length > max) {
            throw new GameProtocolException(GameProtocolException.MALFORMED,
                    "Malformed join: " + field + " over " + max + " bytes");
        }
        byte[] raw = new byte[length];
        in.get(raw);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new GameProtocolException(GameProtocolException.MALFORMED, "Malformed join: " + field + " is not UTF-8");
        }
    }

    public static ByteBuffer join(boolean spectate, String name, String room, byte[] token) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] r = room.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(5 + n.length + r.length + token.length);
        out.put((byte) JOIN).put((byte) (spectate ? 1 : 0)).put((byte) n.length).put(n).put((byte) r.length).put(r)
                .put((byte) token.length).put(token);
        return out.flip();
    }

    public static ByteBuffer input(Input input, long ack) {
        return ByteBuffer.allocate(12).put((byte) INPUT).putInt((int) input.seq()).putInt((int) ack)
                .put((byte) input.dx()).put((byte) input.dy()).put((byte) input.buttons()).flip();
    }

    public static ByteBuffer ack(long ack) {
        return ByteBuffer.allocate(5).put((byte) ACK).putInt((int) ack).flip();
    }

    public static ByteBuffer ping(long time) {
        return ByteBuffer.allocate(5).put((byte) PING).putInt((int) time).flip();
    }

    // ---- server messages -------------------------------------------------------------------

    public static ByteBuffer welcome(Welcome w) {
        byte[] r = w.room().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(9 + TOKEN_BYTES + 1 + r.length);
        out.put((byte) WELCOME).putShort((short) w.you()).put((byte) w.tickHz()).putShort((short) w.arena())
                .putShort((short) w.view()).put((byte) w.flags()).put(w.token()).put((byte) r.length).put(r);
        return out.flip();
    }

    public static ByteBuffer scores(List<Score> scores) {
        int size = 2;
        List<byte[]> names = new ArrayList<>(scores.size());
        for (Score s : scores) {
            byte[] n = s.name().getBytes(StandardCharsets.UTF_8);
            names.add(n);
            size += 6 + n.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).put((byte) SCORES).put((byte) scores.size());
        for (int i = 0; i < scores.size(); i++) {
            Score s = scores.get(i);
            out.putShort((short) s.id()).putShort((short) s.score()).put((byte) s.flags()).put((byte) names.get(i).length)
                    .put(names.get(i));
        }
        return out.flip();
    }

    public static ByteBuffer pong(long time, long tick) {
        return ByteBuffer.allocate(9).put((byte) PONG).putInt((int) time).putInt((int) tick).flip();
    }

    public static ByteBuffer error(int code, String message) {
        byte[] m = message.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(3 + m.length).put((byte) ERROR).put((byte) code).put((byte) m.length).put(m).flip();
    }

    /** Reads a server message other than a snapshot (for tests and the bench; the relay reads a welcome's room with it). */
    public static Object decodeServer(ByteBuffer bytes) {
        ByteBuffer in = bytes.slice();
        int type = in.get() & 0xFF;
        switch (type) {
            case WELCOME -> {
                int you = in.getShort() & 0xFFFF;
                int hz = in.get() & 0xFF;
                int arena = in.getShort() & 0xFFFF;
                int view = in.getShort() & 0xFFFF;
                int flags = in.get() & 0xFF;
                byte[] token = new byte[TOKEN_BYTES];
                in.get(token);
                byte[] r = new byte[in.get() & 0xFF];
                in.get(r);
                return new Welcome(you, hz, arena, view, flags, token, new String(r, StandardCharsets.UTF_8));
            }
            case SCORES -> {
                int count = in.get() & 0xFF;
                List<Score> scores = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    int id = in.getShort() & 0xFFFF;
                    int score = in.getShort() & 0xFFFF;
                    int flags = in.get() & 0xFF;
                    byte[] n = new byte[in.get() & 0xFF];
                    in.get(n);
                    scores.add(new Score(id, score, flags, new String(n, StandardCharsets.UTF_8)));
                }
                return scores;
            }
            case PONG -> {
                return new Pong(in.getInt() & 0xFFFFFFFFL, in.getInt() & 0xFFFFFFFFL);
            }
            case ERROR -> {
                int code = in.get() & 0xFF;
                byte[] m = new byte[in.get() & 0xFF];
                in.get(m);
                return new Error(code, new String(m, StandardCharsets.UTF_8));
            }
            default -> throw new IllegalArgumentException(String.format("not a server message: 0x%02x", type));
        }
    }
}
