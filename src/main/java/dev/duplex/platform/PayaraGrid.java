package dev.duplex.platform;

import com.hazelcast.core.HazelcastInstance;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Payara Micro's embedded Hazelcast, for the parts that cluster (the chat's and the feed's buses):
 * where to find it and how to wait for it, in one place.
 */
public final class PayaraGrid {

    /** Where Payara Micro publishes its Hazelcast instance. */
    public static final String JNDI_NAME = "payara/Hazelcast";

    /**
     * How long one call into the data grid may take before it counts as failed. Longer than a
     * fail-over takes (the survivors promote the backups of a dead member within seconds), so that
     * "unavailable" stays rare: a caller that gave up cannot know whether an append happened.
     */
    public static final long TIMEOUT_SECONDS = 30;

    private static final System.Logger LOG = System.getLogger(PayaraGrid.class.getName());

    private PayaraGrid() {
    }

    /**
     * Payara's Hazelcast instance when JNDI has one and it runs; otherwise empty, with one INFO
     * line saying why {@code feature} (e.g. "chat") stays on this instance: Payara started with
     * {@code --nohazelcast}, or a server without Hazelcast (where even its classes may be missing).
     */
    public static Optional<HazelcastInstance> running(String feature) {
        try {
            Object found = new InitialContext().lookup(JNDI_NAME);
            if (found instanceof HazelcastInstance hazelcast && hazelcast.getLifecycleService().isRunning()) {
                return Optional.of(hazelcast);
            }
            LOG.log(Level.INFO, "Payara''s Hazelcast is not running: the {0} stays on this instance", feature);
        } catch (NamingException | RuntimeException | LinkageError e) {
            LOG.log(Level.INFO, "No Hazelcast here ({0}): the {1} stays on this instance", e.toString(), feature);
        }
        return Optional.empty();
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
