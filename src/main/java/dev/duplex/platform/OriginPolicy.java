package dev.duplex.platform;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decides which web pages may open a WebSocket to this server (defence against cross-site
 * WebSocket hijacking and DNS rebinding). Allowed are:
 * <ul>
 * <li>handshakes without an {@code Origin} header: browsers always send one, so these come from
 * programs (command-line clients, load tools, other servers), which the Origin cannot protect
 * against anyway;</li>
 * <li>pages served by this server under a loopback name ({@code localhost}, {@code 127.0.0.1},
 * {@code [::1]}) with the scheme and port of the listener the handshake arrived on: a page from
 * {@code http://localhost:8080} may open {@code ws://localhost:8080/echo}, but not
 * {@code wss://localhost:8181/echo};</li>
 * <li>the configured public origins ({@code duplex.origins.public}): the addresses under which
 * users reach the server, e.g. {@code https://chat.example.com};</li>
 * <li>extra origins on the allow-list ({@code duplex.origins.allowed}), or every origin when that
 * list holds {@code *}.</li>
 * </ul>
 * The client-sent {@code Host} header plays no part: after DNS rebinding, a page at
 * {@code http://evil.example:8080} whose name resolves to this server sends
 * {@code Host: evil.example:8080} and a matching Origin, and is refused. Origins are compared as
 * {@code scheme://host[:port]} in lower case without the scheme's default port. Everything else,
 * including the opaque origin {@code null} of sandboxed frames and {@code file:} pages, is refused
 * unless listed. Plain Java: no server needed to test it.
 */
public final class OriginPolicy {

    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private final Set<String> allowed;
    private final boolean anyOrigin;

    /**
     * @param publicOrigins  the origins under which users reach this server ({@code duplex.origins.public})
     * @param allowedOrigins further origins whose pages may connect, or {@code *} ({@code duplex.origins.allowed})
     */
    public OriginPolicy(Collection<String> publicOrigins, Collection<String> allowedOrigins) {
        this.anyOrigin = allowedOrigins.stream().anyMatch(o -> o.trim().equals("*"));
        this.allowed = Stream.concat(publicOrigins.stream(), allowedOrigins.stream())
                .map(String::trim)
                .filter(o -> !o.isEmpty() && !o.equals("*"))
                .map(o -> normalize(o).orElse(o.toLowerCase(Locale.ROOT)))
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param origin         the {@code Origin} header, or {@code null} when absent
     * @param listenerScheme {@code http} or {@code https}: the scheme of the listener the handshake arrived on
     * @param listenerPort   the local port the handshake arrived on
     * @return whether the handshake may proceed
     */
    public boolean permits(String origin, String listenerScheme, int listenerPort) {
        if (origin == null || anyOrigin) {
            return true;
        }
        Optional<String> normalized = normalize(origin);
        if (normalized.isEmpty()) {
            return allowed.contains(origin.trim().toLowerCase(Locale.ROOT));
        }
        return allowed.contains(normalized.get()) || isLoopbackPageOfThisListener(normalized.get(), listenerScheme, listenerPort);
    }

    private static boolean isLoopbackPageOfThisListener(String normalizedOrigin, String listenerScheme, int listenerPort) {
        if (listenerScheme == null) {
            return false;
        }
        String scheme = listenerScheme.toLowerCase(Locale.ROOT);
        return LOOPBACK_HOSTS.stream()
                .map(host -> normalize(scheme + "://" + host + ":" + listenerPort).orElseThrow())
                .anyMatch(normalizedOrigin::equals);
    }

    /** {@code scheme://host[:port]} in lower case, without the scheme's default port. */
    static Optional<String> normalize(String origin) {
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null || uri.getRawUserInfo() != null) {
                return Optional.empty();
            }
            String path = uri.getRawPath();
            if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return Optional.empty();
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || port == defaultPort(scheme);
            return Optional.of(scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }
}
