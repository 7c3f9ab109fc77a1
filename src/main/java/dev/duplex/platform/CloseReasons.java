package dev.duplex.platform;

import java.util.Set;

/**
 * The reason every close frame the server sends carries: Duplex's own fixed, documented text,
 * never the engine's. The engine closes sessions by itself on protocol errors, with its exception
 * text as the reason (Tyrus: {@code Unknown wrappedFrame type: B}, {@code Closing wrappedFrame
 * payload, if present, must be a minimum of 2 bytes in length}, {@code Illegal UTF-8 Sequence.}),
 * and echoes whatever reason a client's close frame had. The engine adapter passes each outgoing
 * close frame through {@link #forClient}, which keeps
 * <ul>
 * <li>the reason Duplex closed the session with ({@link Connections#close}, e.g.
 * {@code Message rate over 500/s}, {@code Slow consumer});</li>
 * <li>the fixed reasons of Duplex's permessage-deflate ({@code Invalid compressed data}, …);</li>
 * </ul>
 * and replaces any other with the fixed text of its code: 1002 {@code Protocol error}, 1003
 * {@code Unsupported data}, 1007 {@code Invalid UTF-8}, 1008 {@code Policy violation}, 1009
 * {@code Message too big}, 1011 {@code Internal error}, 1013 {@code Try again later}; none for
 * the others (a client's own close is answered with its code and no reason). Plain Java.
 */
public final class CloseReasons {

    /** Reasons Duplex's permessage-deflate gives the engine to close with (see {@code deflate.DeflateFailure}). */
    private static final Set<String> FIXED = Set.of("Invalid compressed data", "Message too big",
            "Compression ratio too high", "Try again later", "RSV1 set on a control frame", "RSV1 set on a continuation frame",
            dev.duplex.platform.deflate.Inflation.RATE, "Expected a continuation frame");

    private CloseReasons() {
    }

    /**
     * @param code      the close frame's code
     * @param reason    the reason the engine is about to send ({@code null}: none)
     * @param ownReason the reason Duplex closed the session with, or {@code null}
     * @return the reason to send instead (never {@code null}; empty for none)
     */
    public static String forClient(int code, String reason, String ownReason) {
        if (reason == null || reason.isEmpty()) {
            return "";
        }
        if (reason.equals(ownReason) || FIXED.contains(reason)) {
            return reason;
        }
        return fixed(code);
    }

    /** The fixed reason of a close code the engine sent by itself. */
    static String fixed(int code) {
        return switch (code) {
            case 1002 -> "Protocol error";
            case 1003 -> "Unsupported data";
            case 1007 -> "Invalid UTF-8";
            case 1008 -> "Policy violation";
            case 1009 -> "Message too big";
            case 1011 -> "Internal error";
            case 1013 -> "Try again later";
            default -> "";
        };
    }
}
