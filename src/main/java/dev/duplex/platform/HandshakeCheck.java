package dev.duplex.platform;

import java.util.Base64;
import java.util.Locale;

/**
 * Checks a WebSocket opening handshake (RFC 6455 §4.2.1) before the engine sees it, so that every
 * handshake the engine would refuse gets Duplex's own answer instead of the engine's (Tyrus
 * answered a missing {@code Connection: Upgrade} with 500, and a POST or PUT handshake with 101):
 * <ul>
 * <li>a method other than GET: 405 {@code Method Not Allowed} (with {@code Allow: GET});</li>
 * <li>no {@code upgrade} token in {@code Connection}, or a {@code Sec-WebSocket-Key} that is missing
 * or not the base64 form of 16 bytes: 400 {@code Malformed handshake};</li>
 * <li>a {@code Sec-WebSocket-Version} other than 13: 426 {@code Upgrade Required} (with
 * {@code Sec-WebSocket-Version: 13}).</li>
 * </ul>
 * Plain Java: tested without a server.
 */
record HandshakeCheck(int status, String reason) {

    static final String MALFORMED = "Malformed handshake";

    /**
     * @return {@code null} when the handshake may go on to the engine, else the answer
     */
    static HandshakeCheck of(String method, String connection, String key, String version) {
        if (!"GET".equals(method)) {
            return new HandshakeCheck(405, "Method Not Allowed");
        }
        if (!hasUpgradeToken(connection) || !validKey(key)) {
            return new HandshakeCheck(400, MALFORMED);
        }
        if (!"13".equals(version == null ? null : version.trim())) {
            return new HandshakeCheck(426, "Upgrade Required");
        }
        return null;
    }

    private static boolean hasUpgradeToken(String connection) {
        if (connection == null) {
            return false;
        }
        for (String token : connection.split(",")) {
            if (token.trim().toLowerCase(Locale.ROOT).equals("upgrade")) {
                return true;
            }
        }
        return false;
    }

    private static boolean validKey(String key) {
        if (key == null) {
            return false;
        }
        String trimmed = key.trim();
        if (trimmed.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(trimmed).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
