package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    @Test
    void withoutTrustedProxiesThePeerIsTheClient() {
        ClientAddress address = new ClientAddress(List.of());
        assertEquals("10.0.0.5", address.resolve("10.0.0.5", "1.2.3.4"));
    }

    @Test
    void behindATrustedProxyTheRightmostUntrustedHopIsTheClient() {
        ClientAddress address = new ClientAddress(List.of("10.0.0.2", " 10.0.0.3 "));
        assertEquals("203.0.113.9", address.resolve("10.0.0.2", "203.0.113.9"));
        assertEquals("203.0.113.9", address.resolve("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.3"),
                "what the client wrote itself, left of the real hop, is ignored");
        assertEquals("10.0.0.2", address.resolve("10.0.0.2", null));
        assertEquals("10.0.0.2", address.resolve("10.0.0.2", "10.0.0.3"), "only proxies: the peer");
    }

    @Test
    void anUntrustedPeerCannotClaimAnotherAddress() {
        ClientAddress address = new ClientAddress(List.of("10.0.0.2"));
        assertEquals("198.51.100.7", address.resolve("198.51.100.7", "203.0.113.9"));
    }
}
