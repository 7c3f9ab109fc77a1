package dev.duplex.platform;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import dev.duplex.platform.engine.Engine;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Once a second: one pass over every session (keepalive pings, idle and pong timeouts), the
 * closing of upgraded connections that never became sessions ({@link Engine#reapUpgrades}), a
 * status sample, and new metrics. Its cost grows with the number of sessions, not with the number of
 * messages: nothing is scheduled per message.
 *
 * <p>It runs on a plain daemon thread of its own, not on the server's managed scheduled executor:
 * on GlassFish 8.0.0 the managed executor's first run, one second after the application started,
 * fell in the deployment itself, its context set-up failed ({@code NullPointerException} in
 * {@code ContextSetupProviderImpl.verifyApplicationEnabled}: the application had no name in the
 * domain's configuration yet), the task never ran again, and with it no keepalive, no idle timeout,
 * no minimum data rate, no close timeout and no status samples on that server. The sweep needs
 * nothing of a managed context (no JNDI, no transaction, no security). Like the server's other
 * plain pools ({@link DaemonThreads}), it also spares Payara the per-run context capture.
 */
@ApplicationScoped
public class Sweeper {

    private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());
    private static final RateLimitedLog FEED_LOG = new RateLimitedLog(LOG, Level.WARNING, TimeUnit.MINUTES.toNanos(1), System::nanoTime);

    @Inject
    Connections connections;

    @Inject
    StatusHistory history;

    @Inject
    @ConfigProperty(name = "duplex.limits.upgrade-grace-seconds", defaultValue = "5")
    long upgradeGraceSeconds;

    /** MicroProfile Metrics where the server has it ({@link DuplexMetrics}); unresolvable elsewhere. */
    @Inject
    Instance<MetricsExport> metrics;

    @Inject
    Instance<FeedReport> feed;

    @Inject
    Instance<GameReport> game;

    @Inject
    Instance<DrawReport> draw;

    private ScheduledExecutorService scheduler;
    private volatile long lastRun;

    void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("duplex-session-sweep"));
        scheduler.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        LOG.log(Level.INFO, "Session sweep every second: keepalive, idle timeout, status samples");
    }

    void tick() {
        try {
            long now = System.nanoTime();
            for (int i = Engine.reapUpgrades(now, TimeUnit.SECONDS.toNanos(upgradeGraceSeconds)); i > 0; i--) {
                connections.refused("upgrade without session");
            }
            connections.sweep(now);
            FeedReport.Totals feedTotals = feedTotals();
            history.sample(System.currentTimeMillis(), connections.stats().values(), feedTotals);
            if (metrics.isResolvable()) {
                MetricsExport export = metrics.get();
                export.followFeed(feedTotals);
                export.followGame(gameTotals());
                export.followDraw(drawTotals());
                export.registerNewEndpoints();
            }
            lastRun = System.nanoTime();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "Session sweep failed", e);
        }
    }

    /** The feed's totals, or {@code null} without a feed or when it cannot say (the sweep goes on). */
    private FeedReport.Totals feedTotals() {
        if (!feed.isResolvable()) {
            return null;
        }
        try {
            return feed.get().totals();
        } catch (RuntimeException e) {
            FEED_LOG.log("Feed figures failed", e.toString());
            return null;
        }
    }

    /** The game's totals, or {@code null} without a game or when it cannot say (the sweep goes on). */
    private GameReport.Totals gameTotals() {
        if (!game.isResolvable()) {
            return null;
        }
        try {
            return game.get().totals();
        } catch (RuntimeException e) {
            FEED_LOG.log("Game figures failed", e.toString());
            return null;
        }
    }

    /** The boards' totals, or {@code null} without boards or when they cannot say (the sweep goes on). */
    private DrawReport.Totals drawTotals() {
        if (!draw.isResolvable()) {
            return null;
        }
        try {
            return draw.get().totals();
        } catch (RuntimeException e) {
            FEED_LOG.log("Draw figures failed", e.toString());
            return null;
        }
    }

    /** Nanoseconds since the last complete sweep, or -1 before the first one. */
    public long sinceLastRun() {
        long last = lastRun;
        return last == 0 ? -1 : System.nanoTime() - last;
    }

    @PreDestroy
    void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
