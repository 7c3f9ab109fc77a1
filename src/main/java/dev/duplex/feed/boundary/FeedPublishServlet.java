package dev.duplex.feed.boundary;

import dev.duplex.feed.control.FeedLimits;
import dev.duplex.feed.control.FeedService;
import dev.duplex.platform.ClientAddress;
import dev.duplex.platform.Connections;
import dev.duplex.platform.RequestBodies;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * {@code POST /api/feed/{topic}}: the publish API for real data. The body
 * {@code {"updates":[{"item":"ACME","fields":{"last":101.2}}]}} becomes changes published to the
 * topic on every instance (creating the topic and items as needed) and is answered
 * {@code 202 {"accepted":n}}. Off unless {@code duplex.feed.publish-token} is set; every answer
 * and the order of the checks are in {@link PublishGate} and {@code docs/FEED.md} ("Publish API").
 * Refused credentials count under the refusal reason {@code publish token}, refused rates under
 * {@code publish rate} (status page and {@code duplex_refusals_total}).
 *
 * <p>The body is read with Servlet async I/O by {@link RequestBodies} (a deadline, a minimum rate,
 * a bound on bodies in flight): a client that trickles its body holds no request thread.
 */
@WebServlet(urlPatterns = "/api/feed/*", asyncSupported = true)
public class FeedPublishServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(FeedPublishServlet.class.getName());
    /** Shorter publish tokens are accepted, with a warning at start. */
    private static final int MIN_TOKEN_LENGTH = 16;

    @Inject
    transient FeedService feed;

    @Inject
    transient Connections connections;

    @Inject
    transient RequestBodies bodies;

    private transient PublishGate gate;
    private transient ClientAddress clients;

    @Override
    public void init() {
        Config config = ConfigProvider.getConfig();
        String token = config.getOptionalValue("duplex.feed.publish-token", String.class).orElse("");
        int maxUpdates = config.getOptionalValue("duplex.feed.max-publish-updates", Integer.class).orElse(250);
        int configuredBytes = config.getOptionalValue("duplex.feed.max-publish-bytes", Integer.class).orElse(65536);
        // a publication of max-publish-updates ordinary updates must fit the body limit
        int maxBytes = FeedLimits.publishBytes(configuredBytes, maxUpdates);
        if (maxBytes > configuredBytes) {
            LOG.log(Level.INFO, "duplex.feed.max-publish-bytes={0} is raised to {1}: {2} updates"
                    + " (duplex.feed.max-publish-updates) of {3} bytes must fit", configuredBytes, maxBytes, maxUpdates,
                    FeedLimits.PUBLISHED_UPDATE_BYTES);
        }
        double rate = config.getOptionalValue("duplex.feed.max-publish-rate", Double.class).orElse(50.0);
        clients = new ClientAddress(config.getOptionalValues("duplex.proxies.trusted", String.class).orElse(List.of()));
        FeedService service = feed;
        gate = new PublishGate(token, maxBytes, maxUpdates, rate, System::nanoTime, FeedPublishServlet::nowMicros,
                service::publish, service::delete);
        LOG.log(Level.INFO, gate.enabled()
                ? "POST /api/feed/{topic} publishes with the bearer token duplex.feed.publish-token (at most "
                        + maxBytes + " bytes, " + maxUpdates + " updates, " + rate + " requests/s per address)"
                : "POST /api/feed/{topic} is off (404): set duplex.feed.publish-token to publish real data");
        if (gate.enabled() && token.trim().length() < MIN_TOKEN_LENGTH) {
            LOG.log(Level.WARNING, "duplex.feed.publish-token has fewer than " + MIN_TOKEN_LENGTH
                    + " characters: use a long random secret (e.g. openssl rand -hex 32)");
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PublishGate.Request publish = new PublishGate.Request(request.getMethod(), request.getPathInfo(),
                request.getContentType(), request.getHeader("Authorization"),
                clients.resolve(request.getRemoteAddr(), request.getHeader("X-Forwarded-For")),
                request.getContentLengthLong());
        PublishGate.Answer refused = gate.admit(publish);
        if (refused != null) {
            switch (refused.status()) {
                case 401, 403 -> connections.refused("publish token");
                case 429 -> connections.refused("publish rate");
                default -> {
                }
            }
            if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
                // the body is never read: the connection cannot carry another request
                response.setHeader("Connection", "close");
            }
            write(response, refused);
            return;
        }
        if ("DELETE".equals(request.getMethod())) {
            if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
                response.setHeader("Connection", "close");
            }
            write(response, gate.delete(publish));
            return;
        }
        // the body arrives on container threads as it comes, or the request ends with its deadline
        bodies.read(request, response, publish.client(), gate.maxBytes(), (outcome, answer) -> {
            if (outcome instanceof RequestBodies.Outcome.Body body) {
                write(answer, gate.publish(publish, body.bytes()));
            } else if (outcome instanceof RequestBodies.Outcome.Refused no) {
                write(answer, new PublishGate.Answer(no.status(), PublishGate.errorJson(no.error(), no.message()), no.headers()));
            }
        });
    }

    private static void write(HttpServletResponse response, PublishGate.Answer answer) throws IOException {
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json;charset=UTF-8");
        byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The publication clock: now, in epoch microseconds. */
    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
