package dev.duplex.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

/**
 * Where the load goes: a {@code ws://}, {@code wss://} or {@code tcp://} URL (raw TCP echo, for a
 * baseline). Only loopback hosts are accepted unless the caller allows remote ones explicitly, so
 * a mistyped URL never loads somebody else's machine.
 */
public record Target(URI uri, String scheme, String host, int port, String pathAndQuery) {

    /** Parses and checks a target URL. */
    public static Target parse(String url, boolean allowRemote) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new UsageException("not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        int defaultPort = switch (scheme) {
            case "ws" -> 80;
            case "wss" -> 443;
            case "tcp" -> -1;
            default -> throw new UsageException("the URL must start with ws://, wss:// or tcp://, not " + url);
        };
        String host = uri.getHost();
        if (host == null) {
            throw new UsageException("the URL has no host: " + url);
        }
        int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
        if (port <= 0) {
            throw new UsageException("the URL needs a port: " + url);
        }
        if (!allowRemote && !isLoopback(host)) {
            throw new UsageException(host + " is not a loopback address; this tool only loads 127.0.0.1/::1/localhost"
                    + " unless you pass --allow-remote for a machine you own");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new Target(uri, scheme, host, port, pathAndQuery);
    }

    /** Whether every address the host name resolves to is a loopback address. */
    static boolean isLoopback(String host) {
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return addresses.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public boolean raw() {
        return "tcp".equals(scheme);
    }

    public boolean tls() {
        return "wss".equals(scheme);
    }

    /** The same target with a query appended (or replacing the URL's own). */
    public Target withQuery(String query) {
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        String base = scheme + "://" + uri.getRawAuthority() + path;
        return parse(query == null || query.isEmpty() ? base : base + "?" + query, true);
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
