package dev.duplex.feed.control;

import com.hazelcast.core.HazelcastInstance;
import dev.duplex.platform.PayaraGrid;
import java.lang.System.Logger.Level;
import java.util.Optional;

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
            Optional<HazelcastInstance> grid = PayaraGrid.running("feed");
            if (grid.isPresent()) {
                return HazelcastFeedBus.on(grid.get());
            }
        }
        LOG.log(Level.INFO, "The feed runs on this instance alone ({0})", instance);
        return new LocalFeedBus(instance);
    }
}
