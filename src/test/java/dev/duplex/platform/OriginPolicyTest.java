package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy loopbackOnly = new OriginPolicy(List.of(), List.of());

    @Test
    void pagesFromLoopbackNamesOnTheListenersOwnSchemeAndPortAreAllowed() {
        assertTrue(loopbackOnly.permits("http://localhost:8080", "http", 8080));
        assertTrue(loopbackOnly.permits("http://LOCALHOST:8080", "http", 8080));
        assertTrue(loopbackOnly.permits("http://127.0.0.1:8080", "http", 8080));
        assertTrue(loopbackOnly.permits("http://[::1]:8080", "http", 8080));
        assertTrue(loopbackOnly.permits("https://localhost:8181", "https", 8181));
        assertTrue(loopbackOnly.permits("http://localhost", "http", 80));
        assertTrue(loopbackOnly.permits("https://localhost:443", "https", 443));
    }

    @Test
    void loopbackPagesOnAnotherPortOrSchemeAreRefused() {
        assertFalse(loopbackOnly.permits("http://localhost:9999", "http", 8080));
        assertFalse(loopbackOnly.permits("http://localhost:8181", "https", 8181), "an http: page to the https listener");
        assertFalse(loopbackOnly.permits("http://localhost:8080", "https", 8181));
        assertFalse(loopbackOnly.permits("https://localhost:8080", "http", 8080));
        assertFalse(loopbackOnly.permits("http://localhost:8080", null, 8080));
    }

    @Test
    void dnsRebindingIsRefusedWhateverTheHostHeaderSays() {
        // A page at http://evil.example:8080 whose name resolves to this server: the Host header would
        // say evil.example:8080 too; the policy does not look at it.
        assertFalse(loopbackOnly.permits("http://evil.example:8080", "http", 8080));
        assertFalse(loopbackOnly.permits("http://localhost.evil.example:8080", "http", 8080));
        assertFalse(loopbackOnly.permits("http://127.0.0.1.evil.example:8080", "http", 8080));
    }

    @Test
    void foreignAndOpaqueOriginsAreRefused() {
        assertFalse(loopbackOnly.permits("http://evil.example", "http", 8080));
        assertFalse(loopbackOnly.permits("null", "http", 8080));
        assertFalse(loopbackOnly.permits("not a url", "http", 8080));
        assertFalse(loopbackOnly.permits("http://user@localhost:8080", "http", 8080));
        assertFalse(loopbackOnly.permits("http://localhost:8080/path", "http", 8080));
    }

    @Test
    void handshakesWithoutOriginComeFromProgramsAndAreAllowed() {
        assertTrue(loopbackOnly.permits(null, "http", 8080));
    }

    @Test
    void publicOriginsAreAllowedWithTheirSchemeWhicheverListenerTheyReach() {
        OriginPolicy policy = new OriginPolicy(List.of("https://chat.example.com", " https://www.example.com:8443/ "), List.of());
        assertTrue(policy.permits("https://chat.example.com", "http", 8080), "TLS ended in a proxy in front of the http listener");
        assertTrue(policy.permits("https://CHAT.example.com:443", "https", 8181));
        assertTrue(policy.permits("https://www.example.com:8443", "https", 8181));
        assertFalse(policy.permits("http://chat.example.com", "http", 8080), "scheme compared");
        assertFalse(policy.permits("https://chat.example.com:8443", "https", 8181), "port compared");
        assertTrue(policy.permits("http://localhost:8080", "http", 8080), "loopback pages stay allowed");
    }

    @Test
    void extraOriginsAreAllowedInAnySpelling() {
        OriginPolicy policy = new OriginPolicy(List.of(), List.of(" https://app.example.org ", "http://tools.example.org:8000", "null"));
        assertTrue(policy.permits("https://APP.example.org:443", "http", 8080));
        assertTrue(policy.permits("http://tools.example.org:8000", "http", 8080));
        assertTrue(policy.permits("null", "http", 8080));
        assertFalse(policy.permits("http://app.example.org", "http", 8080));
        assertFalse(policy.permits("http://tools.example.org", "http", 8080));
    }

    @Test
    void wildcardAllowsEveryOrigin() {
        assertTrue(new OriginPolicy(List.of(), List.of("*")).permits("http://anything.example", "http", 8080));
    }
}
