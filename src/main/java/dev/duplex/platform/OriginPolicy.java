package dev.duplex.platform;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides which web pages may open a WebSocket to this server (defence against cross-site
 * WebSocket hijacking). Allowed are:
 * <ul>
 * <li>handshakes without an {@code Origin} header: browsers always send one, so these come from
 * programs (command-line clients, load tools, other servers), which the Origin cannot protect
 * against anyway;</li>
 * <li>pages from the server's own origin: the Origin's host and port equal the request's
 * {@code Host} header;</li>
 * <li>origins on the configured allow-list ({@code duplex.origins.allowed}), or every origin when
 * that list holds {@code *}.</li>
 * </ul>
 * Everything else, including the opaque origin {@code null} of sandboxed frames and
 * {@code file:} pages, is refused unless listed. Plain Java: no server needed to test it.
 */
public final class OriginPolicy {

    private final Set<String> allowed;
    private final boolean anyOrigin;

    public OriginPolicy(Collection<String> allowedOrigins) {
        this.anyOrigin = allowedOrigins.stream().anyMatch(o -> o.trim().equals("*"));
        this.allowed = allowedOrigins.stream()
                .map(String::trim)
                .filter(o -> !o.isEmpty() && !o.equals("*"))
                .map(o -> normalize(o).orElse(o.toLowerCase(Locale.ROOT)))
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param origin the {@code Origin} header, or {@code null} when absent
     * @param host   the {@code Host} header of the same request, or {@code null}
     * @return whether the handshake may proceed
     */
    public boolean permits(String origin, String host) {
        if (origin == null) {
            return true;
        }
        if (anyOrigin) {
            return true;
        }
        Optional<String> normalized = normalize(origin);
        if (normalized.isEmpty()) {
            return allowed.contains(origin.trim().toLowerCase(Locale.ROOT));
        }
        if (allowed.contains(normalized.get())) {
            return true;
        }
        return host != null && hostPort(normalized.get()).equals(normalizeHost(host, normalized.get()));
    }

    /** {@code scheme://host[:port]} in lower case, without the scheme's default port. */
    static Optional<String> normalize(String origin) {
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null) {
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

    /** The {@code host[:port]} part of a normalized origin. */
    private static String hostPort(String normalizedOrigin) {
        return normalizedOrigin.substring(normalizedOrigin.indexOf("://") + 3);
    }

    /** The Host header in the same form, dropping the port that is the default of the origin's scheme. */
    private static String normalizeHost(String host, String normalizedOrigin) {
        String scheme = normalizedOrigin.substring(0, normalizedOrigin.indexOf("://"));
        return normalize(scheme + "://" + host.trim()).map(OriginPolicy::hostPort).orElse("");
    }
}
