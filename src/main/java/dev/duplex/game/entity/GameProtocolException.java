package dev.duplex.game.entity;

/** A message that breaks {@code game.bin}: the session is closed with {@link #code()} and the message as reason. */
public final class GameProtocolException extends Exception {

    /** Close code for a malformed or truncated message (invalid payload data). */
    public static final int MALFORMED = 1007;
    /** Close code for an unknown message type or a text message (unsupported data). */
    public static final int UNSUPPORTED = 1003;

    private final int code;

    public GameProtocolException(int code, String reason) {
        super(reason);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
