package dev.duplex.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * The optional token that guards the status figures ({@code duplex.status.token}). Empty means
 * open to anyone (the default, for development); when set, a request must carry
 * {@code Authorization: Bearer <token>}. The comparison takes the same time wherever the first
 * difference lies (a SHA-256 of each side, compared with {@link MessageDigest#isEqual}), so the
 * token cannot be guessed byte by byte from response times. Plain Java: tested without a server.
 */
public final class BearerToken {

    /** The {@code WWW-Authenticate} value sent with a 401. */
    static final String CHALLENGE = "Bearer realm=\"duplex-status\"";

    private final byte[] expected;

    public BearerToken(String token) {
        String trimmed = token == null ? "" : token.trim();
        this.expected = trimmed.isEmpty() ? null : sha256(trimmed);
    }

    /** Whether a token is required at all. */
    public boolean required() {
        return expected != null;
    }

    /** @param authorization the request's {@code Authorization} header, or {@code null} */
    public boolean permits(String authorization) {
        if (expected == null) {
            return true;
        }
        if (authorization == null || authorization.length() < 7
                || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(expected, sha256(authorization.substring(7).trim()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
