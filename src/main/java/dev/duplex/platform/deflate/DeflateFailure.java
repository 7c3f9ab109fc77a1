package dev.duplex.platform.deflate;

/**
 * Why a compressed message is refused, as the close frame the client gets: a status code and a
 * short fixed reason (never exception text). Thrown by {@link Inflation}; the Tyrus adapter turns it
 * into a close.
 */
public final class DeflateFailure extends Exception {

    /** RFC 6455 7.4.1: the message is too big to process. */
    public static final int TOO_BIG = 1009;
    /** RFC 6455 7.4.1: the payload is not what the message type says (here: not valid DEFLATE data). */
    public static final int INVALID_DATA = 1007;
    /** RFC 6455 7.4.1: a protocol error (RSV1 where RFC 7692 forbids it). */
    public static final int PROTOCOL_ERROR = 1002;
    /** RFC 6455 7.4.1: policy violation (here: more inflated bytes per second than allowed). */
    public static final int POLICY = 1008;
    /** RFC 6455 7.4.1 / IANA: try again later (the server's memory budget is spent). */
    public static final int TRY_AGAIN_LATER = 1013;

    private static final long serialVersionUID = 1L;

    private final int code;

    DeflateFailure(int code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    /** The close code the client gets. */
    public int code() {
        return code;
    }

    /** The close reason the client gets (ASCII, at most 123 bytes). */
    public String reason() {
        return getMessage();
    }
}
