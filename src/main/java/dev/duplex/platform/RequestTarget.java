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
public final class RequestTarget {

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

    /**
     * What Payara cannot serve in any request's path (WebSocket handshake or not), checked by the
     * engine adapter before Payara decodes it: a {@code %} without two hexadecimal digits (Payara
     * answered those with an empty 200 and logged a stack trace), escapes that do not decode to
     * UTF-8, decoded control characters, and {@code ..} segments that climb above the root (Payara
     * answered those with a bare 400 "Invalid URI"). Characters outside RFC 3986 are left to the
     * handshake check, as browsers send some of them ({@code |}, {@code ^}) unescaped in page paths.
     *
     * @param path the request URI's path as sent, without the query
     * @return {@code null} when Payara can serve it, else {@code "Malformed URI"}
     */
    public static String unparsable(String path) {
        if (path == null) {
            return null;
        }
        ByteBuffer bytes = ByteBuffer.allocate(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                int high = i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
                int low = i + 2 < path.length() ? Character.digit(path.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    return "Malformed URI";
                }
                bytes.put((byte) (high << 4 | low));
                i += 2;
            } else {
                bytes.put((byte) c);
            }
        }
        bytes.flip();
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return "Malformed URI";
        }
        int depth = 0;
        for (String segment : decoded.split("[/\\\\]", -1)) {
            for (int k = 0; k < segment.length(); k++) {
                char c = segment.charAt(k);
                if (c < 0x20 || c == 0x7F) {
                    return "Malformed URI";
                }
            }
            if (segment.equals("..")) {
                depth--;
                if (depth < 0) {
                    return "Malformed URI";
                }
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                depth++;
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
