package dev.duplex.platform;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Guards the operational figures, {@code /api/status} and Payara's MicroProfile Metrics endpoint
 * {@code /metrics} (which Payara Micro serves inside the application deployed at context root
 * {@code /}, so this filter sees it), with the optional {@code duplex.status.token}: when it is
 * set, a request without {@code Authorization: Bearer <token>} gets 401 with
 * {@code WWW-Authenticate: Bearer realm="duplex-status"} and a fixed text. Empty (the default)
 * leaves both open. {@code /health} and {@code /chat-status} stay open for load balancers.
 * Mapped in {@code web.xml}.
 */
public class StatusTokenFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(StatusTokenFilter.class.getName());

    @Inject
    transient Connections connections;

    private transient BearerToken token;

    @Override
    public void init() {
        token = new BearerToken(ConfigProvider.getConfig().getOptionalValue("duplex.status.token", String.class).orElse(""));
        LOG.log(Level.INFO, token.required() ? "/api/status and /metrics require the bearer token duplex.status.token"
                : "/api/status and /metrics are open to every client (set duplex.status.token to require a token)");
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (token.permits(request.getHeader("Authorization"))) {
            chain.doFilter(request, response);
            return;
        }
        connections.refused("status token");
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", BearerToken.CHALLENGE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write("401 Unauthorized: send Authorization: Bearer <duplex.status.token>\n");
    }
}
