package dev.duplex.feed.control;

import dev.duplex.feed.entity.ItemChange;
import java.util.List;
import java.util.Optional;

/**
 * What the feed shares between server instances: the stream of published changes, in one order
 * per topic that is the same on every instance, and the roles (the simulators) that run on exactly
 * one instance at a time.
 *
 * <p>Two implementations: {@link LocalFeedBus} in memory when one instance runs alone, and
 * {@link HazelcastFeedBus} over Payara Micro's embedded Hazelcast when instances form a cluster.
 */
public interface FeedBus extends AutoCloseable {

    /** "local" or "hazelcast". */
    String mode();

    /** This instance's name in the bus. */
    String instance();

    /** How many instances share the bus now. */
    int instances();

    /**
     * Starts handing published changes to {@code state}. On a cluster the state is first restored
     * from the cluster's (another instance's {@link FeedState#capture}), so that a new subscriber
     * gets the same snapshot on every instance. {@link FeedState#apply} is called from one thread
     * at a time per topic.
     */
    void start(FeedState state);

    /**
     * Publishes changes to a topic and returns without waiting for the network. The changes reach
     * every instance's {@link FeedState#apply}, this one's included, in this call's order, after
     * those of earlier calls from the same thread to the same topic. An empty list deletes the
     * topic on every instance (see {@link FeedState#apply}).
     */
    void publish(String topic, List<ItemChange> changes);

    /**
     * Runs {@code role} on exactly one instance of the cluster at a time: {@code start} runs when
     * this instance gets the role, {@code stop} when it loses it or the bus closes. When the
     * instance holding it dies, a survivor gets it within seconds.
     */
    void lead(String role, Runnable start, Runnable stop);

    /** The instance holding the role now, if one does. */
    Optional<String> leader(String role);

    @Override
    void close();
}
