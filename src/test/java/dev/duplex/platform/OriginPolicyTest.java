package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy ownOnly = new OriginPolicy(List.of());

    @Test
    void pageFromTheServersOwnOriginIsAllowed() {
        assertTrue(ownOnly.permits("http://localhost:8080", "localhost:8080"));
        assertTrue(ownOnly.permits("https://Example.COM", "example.com"));
        assertTrue(ownOnly.permits("https://example.com:443", "example.com"));
        assertTrue(ownOnly.permits("http://example.com", "example.com:80"));
    }

    @Test
    void foreignPagesAreRefused() {
        assertFalse(ownOnly.permits("http://evil.example", "localhost:8080"));
        assertFalse(ownOnly.permits("http://localhost:9999", "localhost:8080"));
        assertFalse(ownOnly.permits("http://localhost.evil.example:8080", "localhost:8080"));
        assertFalse(ownOnly.permits("null", "localhost:8080"));
        assertFalse(ownOnly.permits("not a url", "localhost:8080"));
        assertFalse(ownOnly.permits("http://localhost:8080", null));
    }

    @Test
    void handshakesWithoutOriginComeFromProgramsAndAreAllowed() {
        assertTrue(ownOnly.permits(null, "localhost:8080"));
    }

    @Test
    void configuredOriginsAreAllowedInAnySpelling() {
        OriginPolicy policy = new OriginPolicy(List.of(" https://app.example.org ", "http://tools.example.org:8000", "null"));
        assertTrue(policy.permits("https://APP.example.org:443", "api.example.org"));
        assertTrue(policy.permits("http://tools.example.org:8000", "api.example.org"));
        assertTrue(policy.permits("null", "api.example.org"));
        assertFalse(policy.permits("http://app.example.org", "api.example.org"));
        assertFalse(policy.permits("http://tools.example.org", "api.example.org"));
    }

    @Test
    void wildcardAllowsEveryOrigin() {
        assertTrue(new OriginPolicy(List.of("*")).permits("http://anything.example", "localhost:8080"));
    }
}
