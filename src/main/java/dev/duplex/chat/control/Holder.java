package dev.duplex.chat.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Who holds a nickname in a room: which server instance, which session, the hash of the session's
 * rejoin token, and the nickname as typed. Stored in the cluster as one tab-separated string, so
 * that the data grid needs none of the application's classes.
 */
public record Holder(String instance, String session, String tokenHash, String nick) {

    public Holder {
        for (String part : new String[] {instance, session, tokenHash, nick}) {
            if (part == null || part.indexOf('\t') >= 0) {
                throw new IllegalArgumentException("holder parts must be non-null and tab-free");
            }
        }
    }

    /**
     * The key a nickname is unique by in its room: neither letter case nor look-alike characters
     * tell two nicknames apart ({@link NickKey}).
     */
    public static String key(String nick) {
        return NickKey.of(nick);
    }

    public String key() {
        return key(nick);
    }

    public String encode() {
        return instance + '\t' + session + '\t' + tokenHash + '\t' + nick;
    }

    public static Holder decode(String encoded) {
        String[] parts = encoded.split("\t", 4);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not a holder: " + encoded);
        }
        return new Holder(parts[0], parts[1], parts[2], parts[3]);
    }

    /** SHA-256 of a rejoin token, hex: the grid stores only this. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
