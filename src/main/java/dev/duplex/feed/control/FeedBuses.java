package dev.duplex.feed.control;

import dev.duplex.platform.DataGrid;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * Chooses the feed's bus at start-up: the cluster's when the {@link DataGrid} has a grid (Payara's
 * embedded Hazelcast, or the application's own member from {@code duplex.cluster.*}) and
 * {@code duplex.feed.cluster} is not {@code local}, otherwise {@link LocalFeedBus}.
 */
public final class FeedBuses {

    private static final System.Logger LOG = System.getLogger(FeedBuses.class.getName());

    private FeedBuses() {
    }

    /**
     * @param grid     where the cluster's grid comes from; the bus holds its lease until it closes
     * @param cluster  {@code duplex.feed.cluster}: {@code auto} (the cluster's bus when there is
     *                 one) or {@code local}
     * @param instance this instance's name when it runs alone
     */
    public static FeedBus connect(DataGrid grid, String cluster, String instance) {
        if (!"local".equalsIgnoreCase(cluster)) {
            Optional<DataGrid.Lease> lease = grid.lease("feed");
            if (lease.isPresent()) {
                return HazelcastFeedBus.on(lease.get().hazelcast(), lease.get());
            }
        }
        LOG.log(Level.INFO, "The feed runs on this instance alone ({0})", instance);
        return new LocalFeedBus(instance);
    }
}
