package dev.duplex.platform;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import dev.duplex.platform.engine.Engine;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Once a second: one pass over every session (keepalive pings, idle and pong timeouts), the
 * closing of upgraded connections that never became sessions ({@link Engine#reapUpgrades}), a
 * status sample, and new metrics. Its cost grows with the number of sessions, not with the number of
 * messages: nothing is scheduled per message.
 */
@ApplicationScoped
public class Sweeper {

    private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Connections connections;

    @Inject
    StatusHistory history;

    @Inject
    @ConfigProperty(name = "duplex.limits.upgrade-grace-seconds", defaultValue = "5")
    long upgradeGraceSeconds;

    @Inject
    DuplexMetrics metrics;

    private ScheduledFuture<?> task;
    private volatile long lastRun;

    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        task = scheduler.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        LOG.log(Level.INFO, "Session sweep every second: keepalive, idle timeout, status samples");
    }

    void tick() {
        try {
            long now = System.nanoTime();
            for (int i = Engine.reapUpgrades(now, TimeUnit.SECONDS.toNanos(upgradeGraceSeconds)); i > 0; i--) {
                connections.refused("upgrade without session");
            }
            connections.sweep(now);
            history.sample(System.currentTimeMillis(), connections.stats().values());
            metrics.registerNewEndpoints();
            lastRun = System.nanoTime();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "Session sweep failed", e);
        }
    }

    /** Nanoseconds since the last complete sweep, or -1 before the first one. */
    public long sinceLastRun() {
        long last = lastRun;
        return last == 0 ? -1 : System.nanoTime() - last;
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
