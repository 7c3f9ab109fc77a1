package dev.duplex.platform;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;

/** A message grew past its endpoint's size limit; the session is closed with 1009. */
public final class MessageTooBigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final long limit;

    public MessageTooBigException(long limit) {
        super("Message too big: the limit is " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    /** Close code 1009 with a reason that names the limit (well under the 123-byte cap). */
    public CloseReason closeReason() {
        return new CloseReason(CloseCodes.TOO_BIG, getMessage());
    }
}
