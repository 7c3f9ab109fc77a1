package dev.duplex.chat.entity;

import jakarta.websocket.DecodeException;

/** A client message that is not a valid chat command; {@link #code()} says why. */
public final class BadCommandException extends DecodeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public BadCommandException(String json, ErrorCode code, String message) {
        super(json, message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
