package dev.duplex.platform;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks a handshake's request target (path and query, as sent, before any decoding) the way the
 * WebSocket engine will read it, so that a target the engine cannot parse is refused with HTTP 400
 * before the upgrade. Without this, Tyrus answers 101 to {@code /echo?%zz}, then fails to decode
 * the query in onConnect and leaves an upgraded connection without a session. Accepted is a target
 * that
 * <ul>
 * <li>is at most {@link #MAX_LENGTH} characters long (path and query together);</li>
 * <li>holds only characters that RFC 3986 allows in a path or query (printable ASCII except
 * space, {@code " < > \ ^ ` { | }});</li>
 * <li>has two hexadecimal digits after every {@code %};</li>
 * <li>decodes (percent-escapes, and {@code +} in the query) to well-formed UTF-8.</li>
 * </ul>
 * Plain Java: tested without a server.
 */
final class RequestTarget {

    /** Longest path plus query accepted, in characters. */
    static final int MAX_LENGTH = 4096;

    private RequestTarget() {
    }

    /**
     * @param path  the request URI's path as sent ({@code HttpServletRequest.getRequestURI()})
     * @param query the query as sent, without {@code ?}, or {@code null}
     * @return {@code null} when the target is fine, else a short fixed reason for the 400 response
     */
    static String problem(String path, String query) {
        int length = (path == null ? 0 : path.length()) + (query == null ? 0 : query.length() + 1);
        if (length > MAX_LENGTH) {
            return "URI too long";
        }
        if (path == null || path.isEmpty() || path.charAt(0) != '/' || !wellFormed(path)) {
            return "Malformed URI";
        }
        if (query != null) {
            for (String pair : query.split("&", -1)) {
                if (!wellFormed(pair)) {
                    return "Malformed URI";
                }
            }
        }
        return null;
    }

    /** Allowed characters, valid escapes, and UTF-8 once decoded. */
    private static boolean wellFormed(String part) {
        ByteBuffer bytes = ByteBuffer.allocate(part.length());
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '%') {
                if (i + 2 >= part.length()) {
                    return false;
                }
                int high = Character.digit(part.charAt(i + 1), 16);
                int low = Character.digit(part.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    return false;
                }
                bytes.put((byte) (high << 4 | low));
                i += 2;
            } else if (allowed(c)) {
                bytes.put((byte) c);
            } else {
                return false;
            }
        }
        bytes.flip();
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** RFC 3986 unreserved, sub-delims, ':', '@', '/', '?' (pchar plus the query's extras). */
    private static boolean allowed(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
    }
}
