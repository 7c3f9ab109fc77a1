package dev.duplex.platform;

import java.util.List;
import java.util.Set;

/**
 * The address of the client behind a handshake. Without trusted proxies it is the TCP peer. When
 * the peer is a trusted proxy (a load balancer in front of the server), the client is the
 * right-most address in {@code X-Forwarded-For} that is not itself a trusted proxy; everything
 * left of it could have been written by the client and is ignored.
 */
public final class ClientAddress {

    private final Set<String> trustedProxies;

    public ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = Set.copyOf(trustedProxies.stream().map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    public String resolve(String peer, String forwardedFor) {
        if (!trustedProxies.contains(peer) || forwardedFor == null || forwardedFor.isBlank()) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }
}
