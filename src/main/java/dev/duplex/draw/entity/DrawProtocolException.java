package dev.duplex.draw.entity;

/** A {@code draw.bin} message that cannot be read: the error code the client gets, and why. */
public final class DrawProtocolException extends Exception {

    private final DrawError error;

    public DrawProtocolException(DrawError error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public DrawError error() {
        return error;
    }
}
