package dev.duplex.feed.control;

import java.lang.System.Logger.Level;
import java.util.Optional;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Chooses the feed's bus at start-up: the cluster's when Payara's embedded Hazelcast runs (and
 * {@code duplex.feed.cluster} is not {@code local}), otherwise {@link LocalFeedBus}.
 */
public final class FeedBuses {

    private static final System.Logger LOG = System.getLogger(FeedBuses.class.getName());

    private FeedBuses() {
    }

    /**
     * @param cluster  {@code duplex.feed.cluster}: {@code auto} (the cluster's bus when there is
     *                 one) or {@code local}
     * @param instance this instance's name when it runs alone
     */
    public static FeedBus connect(String cluster, String instance) {
        if (!"local".equalsIgnoreCase(cluster)) {
            try {
                Optional<FeedBus> clustered = HazelcastFeedBus.connect(new InitialContext().lookup("payara/Hazelcast"));
                if (clustered.isPresent()) {
                    return clustered.get();
                }
                LOG.log(Level.INFO, "Payara''s Hazelcast is not running: the feed stays on this instance");
            } catch (NamingException | RuntimeException | LinkageError e) {
                LOG.log(Level.INFO, "No Hazelcast here ({0}): the feed stays on this instance", e.toString());
            }
        }
        LOG.log(Level.INFO, "The feed runs on this instance alone ({0})", instance);
        return new LocalFeedBus(instance);
    }
}
