package dev.duplex.platform;

import dev.duplex.platform.engine.Engine;
import dev.duplex.platform.engine.PendingUpgrades;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Checks every WebSocket handshake before the WebSocket engine sees it. A handshake whose request
 * target the engine could not parse (see {@link RequestTarget}: bad escapes, illegal characters,
 * longer than 4096 characters) gets HTTP 400 and never reaches the engine; one that is not a
 * well-formed RFC 6455 handshake ({@link HandshakeCheck}) gets 400, 405 or 426. A handshake from a page
 * whose Origin the {@link OriginPolicy} refuses gets HTTP 403 and a log line naming the remote
 * address. A handshake the server has no room for (see {@link HandshakeAdmission}: sessions and
 * upgrades in progress, in all and per address) gets HTTP 503 with {@code Retry-After}, before the
 * engine spends anything on it. The client's address (see {@link ClientAddress}) travels on to the session in a request
 * header that the client cannot forge, because this filter always overwrites it. Declared in
 * {@code web.xml} so that it runs before the engine's own filter. Every refusal is
 * {@code "<status> <reason>"} as plain text with the security headers of every page. It also
 * answers the requests the engine adapter marked as unparsable (a bad {@code %} escape in the
 * path, which Payara answered with an empty 200; see {@link Engine#REFUSED_REQUEST_HEADER}), and with
 * 503 and {@code Retry-After} the handshakes it marked as having waited too long for a worker thread
 * ({@code duplex.limits.max-handshake-wait-millis}).
 */
public class HandshakeFilter extends HttpFilter {

    /** Carries the resolved client address from here to {@link DuplexConfigurator#modifyHandshake}. */
    static final String CLIENT_ADDRESS_HEADER = "X-Duplex-Client-Address";

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(HandshakeFilter.class.getName());

    @Inject
    transient Connections connections;

    /** Malformed handshakes come in floods: at most one log line a minute says that they do. */
    private static final RateLimitedLog MALFORMED = new RateLimitedLog(LOG, Level.WARNING, TimeUnit.MINUTES.toNanos(1), System::nanoTime);
    /** So do handshakes refused because the server or the client's address is full. */
    private static final RateLimitedLog BUSY = new RateLimitedLog(LOG, Level.WARNING, TimeUnit.MINUTES.toNanos(1), System::nanoTime);

    private transient OriginPolicy originPolicy;
    private transient ClientAddress clientAddress;
    private transient boolean checkRequestTarget = true;

    /**
     * Reads list settings from MicroProfile Config directly: Payara 6.2025.10 cannot inject an
     * {@code Optional<List<String>>} config property (ClassCastException in its ConfigProducer).
     */
    @Override
    public void init() {
        var config = ConfigProvider.getConfig();
        List<String> publicOrigins = config.getOptionalValues("duplex.origins.public", String.class).orElse(List.of());
        List<String> allowed = config.getOptionalValues("duplex.origins.allowed", String.class).orElse(List.of());
        List<String> proxies = config.getOptionalValues("duplex.proxies.trusted", String.class).orElse(List.of());
        checkRequestTarget = config.getOptionalValue("duplex.handshake.check-request-target", Boolean.class).orElse(true);
        if (!checkRequestTarget) {
            LOG.log(Level.WARNING, "Malformed WebSocket handshake targets are passed to the engine"
                    + " (duplex.handshake.check-request-target=false): only the engine's upgrade reaper closes what it fails on");
        }
        originPolicy = new OriginPolicy(publicOrigins, allowed);
        clientAddress = new ClientAddress(proxies);
        LOG.log(Level.INFO, "WebSocket handshakes accepted from pages on localhost/127.0.0.1/[::1] of the listener''s own port{0}{1}{2}",
                publicOrigins.isEmpty() ? " (no public origins set: duplex.origins.public)" : ", from " + publicOrigins,
                allowed.isEmpty() ? "" : " and " + allowed,
                proxies.isEmpty() ? "" : "; client addresses taken from X-Forwarded-For of " + proxies);
        for (String origin : publicOrigins) {
            if (!origin.isBlank() && OriginPolicy.normalize(origin).isEmpty()) {
                LOG.log(Level.WARNING, "duplex.origins.public: {0} is not a scheme://host[:port] origin and matches nothing", origin);
            }
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String engineRefusal = request.getHeader(Engine.REFUSED_REQUEST_HEADER);
        if (engineRefusal != null) {
            // a request the engine could not have served (set by the engine adapter, never by a client)
            refuseForEngine(request, response, engineRefusal);
            return;
        }
        if (!isWebSocketHandshake(request)) {
            chain.doFilter(request, response);
            return;
        }
        String client = clientAddress.resolve(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
        String target = checkRequestTarget ? RequestTarget.problem(request.getRequestURI(), request.getQueryString()) : null;
        if (target != null) {
            MALFORMED.log("Refused WebSocket handshakes with HTTP 400 (/api/status counts them under refusals)",
                    "from " + client + ": " + target);
            connections.refused("malformed URI");
            refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, target);
            return;
        }
        HandshakeCheck handshake = HandshakeCheck.of(request.getMethod(), request.getHeader("Connection"),
                request.getHeader("Sec-WebSocket-Key"), request.getHeader("Sec-WebSocket-Version"));
        if (handshake != null) {
            MALFORMED.log("Refused WebSocket handshakes with HTTP 400/405/426 (/api/status counts them under refusals)",
                    "from " + client + ": " + handshake.status() + " " + handshake.reason());
            connections.refused("malformed handshake");
            if (handshake.status() == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
                response.setHeader("Allow", "GET");
            } else if (handshake.status() == 426) {
                response.setHeader("Sec-WebSocket-Version", "13");
            }
            refuse(request, response, handshake.status(), handshake.reason());
            return;
        }
        String origin = request.getHeader("Origin");
        if (!originPolicy.permits(origin, request.isSecure() ? "https" : "http", request.getLocalPort())) {
            LOG.log(Level.WARNING, "Refused WebSocket handshake for {0} from {1}: Origin {2} is not allowed",
                    request.getRequestURI(), client, origin);
            connections.refused("origin");
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "Origin not allowed");
            return;
        }
        PendingUpgrades upgrades = Engine.upgrades();
        Connections.Busy busy = connections.admitHandshake(client, upgrades.size(), upgrades.pending(client));
        if (busy != null) {
            BUSY.log("Refused WebSocket handshakes with HTTP 503 before the upgrade (/api/status counts them under refusals)",
                    "from " + client + ": " + busy.message());
            response.setHeader("Retry-After", String.valueOf(HandshakeAdmission.RETRY_AFTER_SECONDS));
            refuse(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, busy.message());
            return;
        }
        Engine.upgrading(request, client); // its connection becomes a counted session or is closed (PendingUpgrades)
        int status = HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        try {
            chain.doFilter(new WithClientAddress(request, client), response);
            status = response.getStatus();
        } finally {
            Engine.upgradeAnswered(status);
        }
    }

    /** Answers a request the engine marked as one it cannot serve ({@code "<status> <reason>"}, see {@link Engine#REFUSED_REQUEST_HEADER}). */
    private void refuseForEngine(HttpServletRequest request, HttpServletResponse response, String refusal) throws IOException {
        int space = refusal.indexOf(' ');
        if (space == 3 && refusal.startsWith("503")) {
            // a handshake that waited too long for a worker thread (HandshakeWait): shed, cheaply, before the upgrade
            String client = clientAddress.resolve(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
            String reason = refusal.substring(4);
            BUSY.log("Refused WebSocket handshakes with HTTP 503 before the upgrade (/api/status counts them under refusals)",
                    "from " + client + ": " + reason);
            connections.refused("handshake wait (503)");
            response.setHeader("Retry-After", String.valueOf(HandshakeAdmission.RETRY_AFTER_SECONDS));
            refuse(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, reason);
            return;
        }
        int status = HttpServletResponse.SC_BAD_REQUEST;
        String reason = "Malformed URI";
        if (space == 3 && refusal.startsWith("405")) {
            status = HttpServletResponse.SC_METHOD_NOT_ALLOWED;
            reason = "Method Not Allowed";
            response.setHeader("Allow", "GET, HEAD, POST");
        }
        String client = clientAddress.resolve(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
        MALFORMED.log("Refused requests the server cannot parse with HTTP 400/405 (/api/status counts them under refusals)",
                "from " + client + ": " + status + " " + reason);
        connections.refused(status == HttpServletResponse.SC_BAD_REQUEST ? "malformed URI" : "method not allowed");
        refuse(request, response, status, reason);
    }

    static boolean isWebSocketHandshake(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }

    /**
     * Answers {@code status} with the body {@code "<status> <reason>"} and the security headers of
     * every page ({@link SecurityHeadersFilter}, which runs after this filter), and closes the connection.
     */
    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String reason) throws IOException {
        response.setStatus(status);
        response.setHeader("Connection", "close");
        response.setHeader("Cache-Control", "no-store");
        SecurityHeadersFilter.apply(request, response);
        response.setContentType("text/plain;charset=UTF-8");
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write((status + " " + reason + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The request with the client-address header set by the server, whatever the client sent. */
    private static final class WithClientAddress extends HttpServletRequestWrapper {
        private final String client;

        WithClientAddress(HttpServletRequest request, String client) {
            super(request);
            this.client = client;
        }

        @Override
        public String getHeader(String name) {
            return CLIENT_ADDRESS_HEADER.equalsIgnoreCase(name) ? client : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return CLIENT_ADDRESS_HEADER.equalsIgnoreCase(name) ? Collections.enumeration(List.of(client)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(CLIENT_ADDRESS_HEADER::equalsIgnoreCase);
            names.add(CLIENT_ADDRESS_HEADER);
            return Collections.enumeration(names);
        }
    }
}
