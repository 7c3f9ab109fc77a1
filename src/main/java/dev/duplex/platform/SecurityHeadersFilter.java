package dev.duplex.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Security headers on every page and resource: a Content-Security-Policy that allows scripts and
 * styles from this server only (no inline script, no inline handlers), images from here and from
 * Blobs, and connections to this server's own http(s)/ws(s) origins; the workbench, whose purpose
 * is to open any ws/wss URL the user types, may also connect to any ws: or wss: URL. Plus
 * {@code X-Content-Type-Options}, {@code Referrer-Policy} and framing protection.
 */
public class SecurityHeadersFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!HandshakeFilter.isWebSocketHandshake(request)) {
            response.setHeader("Content-Security-Policy", policy(request.getHeader("Host"), request.getRequestURI()));
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Referrer-Policy", "no-referrer");
            response.setHeader("X-Frame-Options", "DENY");
            response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        }
        chain.doFilter(request, response);
    }

    /** The policy for one response; plain so that it is tested without a server. */
    static String policy(String host, String path) {
        StringBuilder connect = new StringBuilder("'self'");
        if (host != null && SAFE_HOST.matcher(host).matches()) {
            connect.append(" ws://").append(host).append(" wss://").append(host);
        }
        if (path != null && path.endsWith("/workbench.html")) {
            connect.append(" ws: wss:");
        }
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src " + connect
                + "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }
}
