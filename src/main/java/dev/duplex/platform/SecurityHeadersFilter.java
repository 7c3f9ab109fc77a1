package dev.duplex.platform;

import jakarta.servlet.DispatcherType;
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
 * {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer},
 * {@code X-Frame-Options: DENY}, {@code Cross-Origin-Opener-Policy: same-origin}, and on https
 * {@code Strict-Transport-Security: max-age=31536000}.
 *
 * <p>Mapped in {@code web.xml} for the REQUEST, FORWARD, INCLUDE, ASYNC and ERROR dispatches, and
 * {@code web.xml} sends every container error (404 for {@code /WEB-INF/...}, 405, 500...) to the
 * {@link ErrorPage} servlet, so error responses carry the same headers. Responses the engine
 * writes before any web application code runs (Grizzly's 400 for an unparsable request line or
 * oversized headers) cannot be reached from here; Payara's own HTTP codec adds
 * {@code X-Frame-Options: SAMEORIGIN} to those (its {@code xframe-options} setting, which fills the
 * header only when a response has none) and its HSTS filter adds HSTS on https when the pre-boot
 * commands enable it.
 */
public class SecurityHeadersFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    /** One year; no includeSubDomains, which would bind every other site under the same name. */
    static final String HSTS = "max-age=31536000";
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        // A handshake's 101 needs none of them; a handshake the engine refuses is answered
        // through the ERROR dispatch (its sendError), and that answer gets them.
        if (!HandshakeFilter.isWebSocketHandshake(request) || request.getDispatcherType() == DispatcherType.ERROR) {
            apply(request, response);
        }
        chain.doFilter(request, response);
    }

    /** Sets the security headers on {@code response}; also for answers written before this filter runs ({@link HandshakeFilter}). */
    static void apply(HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", policy(request.getHeader("Host"), request.getRequestURI()));
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        if (request.isSecure()) {
            response.setHeader("Strict-Transport-Security", HSTS);
        }
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
