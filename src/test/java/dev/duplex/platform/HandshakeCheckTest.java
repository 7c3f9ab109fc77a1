package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class HandshakeCheckTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    @Test
    void aWellFormedHandshakePasses() {
        assertNull(HandshakeCheck.of("GET", "Upgrade", KEY, "13"));
        assertNull(HandshakeCheck.of("GET", "keep-alive, Upgrade", KEY, " 13 "), "Firefox sends a token list");
    }

    @Test
    void onlyGetMayUpgrade() {
        for (String method : new String[] {"POST", "PUT", "HEAD", "DELETE", "get"}) {
            assertEquals(new HandshakeCheck(405, "Method Not Allowed"), HandshakeCheck.of(method, "Upgrade", KEY, "13"), method);
        }
    }

    @Test
    void aHandshakeWithoutConnectionUpgradeOrAValidKeyIsMalformed() {
        HandshakeCheck malformed = new HandshakeCheck(400, "Malformed handshake");
        assertEquals(malformed, HandshakeCheck.of("GET", null, KEY, "13"));
        assertEquals(malformed, HandshakeCheck.of("GET", "keep-alive", KEY, "13"));
        assertEquals(malformed, HandshakeCheck.of("GET", "upgraded", KEY, "13"));
        assertEquals(malformed, HandshakeCheck.of("GET", "Upgrade", null, "13"));
        assertEquals(malformed, HandshakeCheck.of("GET", "Upgrade", "x" + KEY, "13"));
        assertEquals(malformed, HandshakeCheck.of("GET", "Upgrade", "c2hvcnQ=", "13"), "5 bytes, not 16");
        assertEquals(malformed, HandshakeCheck.of("GET", "Upgrade", "!!!!!!!!!!!!!!!!!!!!!!==", "13"));
    }

    @Test
    void anotherVersionIsAskedToUpgradeTo13() {
        assertEquals(new HandshakeCheck(426, "Upgrade Required"), HandshakeCheck.of("GET", "Upgrade", KEY, "8"));
        assertEquals(new HandshakeCheck(426, "Upgrade Required"), HandshakeCheck.of("GET", "Upgrade", KEY, null));
    }
}
