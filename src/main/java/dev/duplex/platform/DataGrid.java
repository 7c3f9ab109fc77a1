package dev.duplex.platform;

import com.hazelcast.core.HazelcastInstance;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The data grid the parts that cluster (the chat's and the feed's buses) run on: Payara's embedded
 * Hazelcast where the server has one (JNDI {@code payara/Hazelcast}), otherwise a Hazelcast member
 * this application starts itself from {@code duplex.cluster.*} ({@link GridMember}), otherwise none
 * (the instance runs alone).
 *
 * <p>Each part takes a {@link Lease} and closes it after it removed what it registered on the grid.
 * The application's own member is shut down when the application stops and the last lease is
 * closed, whichever comes last: CDI destroys application-scoped beans in no defined order, and the
 * buses still remove their listeners and roster entries through the member while they close.
 * Payara's Hazelcast is the server's and outlives the application; it is never shut down here.
 */
@ApplicationScoped
public class DataGrid {

    /** Where Payara Micro publishes its Hazelcast instance. */
    public static final String JNDI_NAME = "payara/Hazelcast";

    /**
     * How long one call into the data grid may take before it counts as failed. Longer than a
     * fail-over takes (the survivors promote the backups of a dead member within seconds), so that
     * "unavailable" stays rare: a caller that gave up cannot know whether an append happened.
     */
    public static final long TIMEOUT_SECONDS = 30;

    private static final System.Logger LOG = System.getLogger(DataGrid.class.getName());

    @Inject
    @ConfigProperty(name = "duplex.cluster.members")
    Optional<String> members;
    @Inject
    @ConfigProperty(name = "duplex.cluster.port")
    int port;
    @Inject
    @ConfigProperty(name = "duplex.cluster.port-count")
    int portCount;
    @Inject
    @ConfigProperty(name = "duplex.cluster.name")
    String name;
    @Inject
    @ConfigProperty(name = "duplex.cluster.bind")
    String bind;

    private Supplier<Optional<HazelcastInstance>> server = DataGrid::payaraHazelcast;
    private Function<GridSettings, HazelcastInstance> starter = GridMember::start;
    private GridSettings settings;
    private HazelcastInstance own;
    private int leases;
    private boolean stopped;

    /** What the CDI container makes; configured from the injected keys at the first lease. */
    public DataGrid() {
    }

    /** A grid with these settings, this look-up of a server's grid and this way to start a member (tests). */
    DataGrid(GridSettings settings, Supplier<Optional<HazelcastInstance>> server, Function<GridSettings, HazelcastInstance> starter) {
        this.settings = settings;
        this.server = server;
        this.starter = starter;
    }

    /**
     * A lease on the grid {@code feature} (e.g. "chat") is to run on, or empty (with one INFO line
     * saying why) when there is none: the feature then stays on this instance.
     *
     * @throws IllegalArgumentException when {@code duplex.cluster.*} is malformed
     * @throws IllegalStateException    when the configured member could not start (its ports are
     *                                  taken, the bind address is not this machine's): a clustered
     *                                  deployment does not go on alone without saying so
     */
    public synchronized Optional<Lease> lease(String feature) {
        if (stopped) {
            return Optional.empty();
        }
        GridSettings configured = settings();
        Optional<HazelcastInstance> payara = server.get();
        if (payara.isPresent()) {
            if (configured.enabled()) {
                LOG.log(Level.INFO, "The {0} runs on the server''s Hazelcast: duplex.cluster.members is not used", feature);
            }
            return Optional.of(new Lease(payara.get(), "server", false));
        }
        if (!configured.enabled()) {
            LOG.log(Level.INFO, "No data grid (no server Hazelcast, duplex.cluster.members not set): the {0} stays on this instance",
                    feature);
            return Optional.empty();
        }
        if (own == null) {
            own = starter.apply(configured);
        }
        leases++;
        return Optional.of(new Lease(own, "member", true));
    }

    /** The application stops: its own member goes now, or when the last lease is closed. */
    @PreDestroy
    synchronized void stop() {
        stopped = true;
        if (leases == 0) {
            shutDown();
        } else {
            LOG.log(Level.DEBUG, "The data grid member stays until {0} leases are closed", leases);
        }
    }

    private synchronized void release() {
        leases--;
        if (stopped && leases == 0) {
            shutDown();
        }
    }

    private void shutDown() {
        if (own != null) {
            HazelcastInstance member = own;
            own = null;
            GridMember.shutDown(member);
        }
    }

    private GridSettings settings() {
        if (settings == null) {
            settings = GridSettings.parse(members, port, portCount, name, bind);
        }
        return settings;
    }

    /** Payara's Hazelcast instance when JNDI has one and it runs. */
    private static Optional<HazelcastInstance> payaraHazelcast() {
        try {
            Object found = new InitialContext().lookup(JNDI_NAME);
            if (found instanceof HazelcastInstance hazelcast && hazelcast.getLifecycleService().isRunning()) {
                return Optional.of(hazelcast);
            }
            LOG.log(Level.DEBUG, "Payara''s Hazelcast is not running");
        } catch (NamingException | RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, "No Hazelcast in JNDI: {0}", e.toString());
        }
        return Optional.empty();
    }

    /**
     * One part's use of the grid. {@link #close} after everything the part registered on the grid
     * is removed; closing twice is harmless.
     */
    public final class Lease implements AutoCloseable {
        private final HazelcastInstance hazelcast;
        private final String origin;
        private final boolean counted;
        private boolean closed;

        private Lease(HazelcastInstance hazelcast, String origin, boolean counted) {
            this.hazelcast = hazelcast;
            this.origin = origin;
            this.counted = counted;
        }

        public HazelcastInstance hazelcast() {
            return hazelcast;
        }

        /** "server" (Payara's Hazelcast) or "member" (this application's own). */
        public String origin() {
            return origin;
        }

        @Override
        public void close() {
            synchronized (DataGrid.this) {
                if (closed) {
                    return;
                }
                closed = true;
                if (counted) {
                    release();
                }
            }
        }
    }

    /**
     * The result of a data-grid call (or of work waiting on one), waited for at most {@code seconds}
     * ({@link #TIMEOUT_SECONDS} for a single call).
     *
     * @throws IllegalStateException when it failed, timed out or the wait was interrupted
     */
    public static <T> T await(CompletionStage<T> stage, long seconds) {
        try {
            return stage.toCompletableFuture().get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the data grid", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the data grid failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the data grid did not answer within " + seconds + " s", e);
        }
    }
}
