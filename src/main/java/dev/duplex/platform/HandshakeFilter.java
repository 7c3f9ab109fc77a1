package dev.duplex.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Checks every WebSocket handshake before the WebSocket engine sees it. A handshake from a page
 * whose Origin the {@link OriginPolicy} refuses gets HTTP 403 and a log line naming the remote
 * address. It is declared in {@code web.xml} so that it runs before the engine's own filter.
 */
public class HandshakeFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(HandshakeFilter.class.getName());

    private transient OriginPolicy originPolicy;

    /**
     * Reads the allow-list from MicroProfile Config directly: Payara 6.2025.10 cannot inject an
     * {@code Optional<List<String>>} config property (ClassCastException in its ConfigProducer).
     */
    @Override
    public void init() {
        List<String> allowed = ConfigProvider.getConfig()
                .getOptionalValues("duplex.origins.allowed", String.class)
                .orElse(List.of());
        originPolicy = new OriginPolicy(allowed);
        LOG.log(Level.INFO, "WebSocket handshakes accepted from the server''s own origin{0}",
                allowed.isEmpty() ? "" : " and " + allowed);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!isWebSocketHandshake(request)) {
            chain.doFilter(request, response);
            return;
        }
        String origin = request.getHeader("Origin");
        if (!originPolicy.permits(origin, request.getHeader("Host"))) {
            LOG.log(Level.WARNING, "Refused WebSocket handshake for {0} from {1}: Origin {2} is not allowed",
                    request.getRequestURI(), request.getRemoteAddr(), origin);
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "Origin not allowed");
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean isWebSocketHandshake(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }

    private static void refuse(HttpServletResponse response, int status, String reason) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getOutputStream().write((reason + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
