package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecurityHeadersFilterTest {

    @Test
    void pagesMayConnectToThisServerOnly() {
        String policy = SecurityHeadersFilter.policy("example.org:8443", "/index.html");
        assertTrue(policy.contains("script-src 'self';"), policy);
        assertTrue(policy.contains("connect-src 'self' ws://example.org:8443 wss://example.org:8443;"), policy);
        assertFalse(policy.contains("unsafe-inline"), policy);
        assertTrue(policy.contains("frame-ancestors 'none'"), policy);
    }

    @Test
    void theWorkbenchMayConnectToAnyWebSocket() {
        assertTrue(SecurityHeadersFilter.policy("localhost:8080", "/workbench.html").contains(" ws: wss:;"));
    }

    @Test
    void aHostHeaderThatCouldInjectIntoThePolicyIsLeftOut() {
        String policy = SecurityHeadersFilter.policy("evil.example; script-src *", "/index.html");
        assertTrue(policy.contains("connect-src 'self';"), policy);
        assertTrue(SecurityHeadersFilter.policy("[::1]:8080", "/").contains("ws://[::1]:8080"));
    }
}
