package dev.duplex.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * MicroProfile Health checks ({@code /health/live}, {@code /health/ready}). Live: the session
 * sweep keeps running (so keepalive and timeouts work). Ready: the server is not shutting down and
 * has room for more sessions.
 */
@ApplicationScoped
public class DuplexHealth {

    @Inject
    Connections connections;

    @Inject
    Sweeper sweeper;

    @Produces
    @Liveness
    HealthCheck sweeping() {
        return () -> {
            long since = sweeper.sinceLastRun();
            boolean up = since < TimeUnit.SECONDS.toNanos(10);
            return HealthCheckResponse.named("duplex-session-sweep").status(up)
                    .withData("secondsSinceLastSweep", since < 0 ? -1 : TimeUnit.NANOSECONDS.toSeconds(since)).build();
        };
    }

    @Produces
    @Readiness
    HealthCheck accepting() {
        return () -> {
            int max = connections.limits().maxSessions();
            int open = connections.openCount();
            boolean up = !connections.stopping() && (max <= 0 || open < max);
            return HealthCheckResponse.named("duplex-sessions").status(up)
                    .withData("open", open).withData("max", max).build();
        };
    }
}
