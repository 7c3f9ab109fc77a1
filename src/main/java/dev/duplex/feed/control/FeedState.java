package dev.duplex.feed.control;

import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.ItemState;
import java.util.List;
import java.util.Map;

/** The feed's state on one instance, as the {@link FeedBus} sees it. */
public interface FeedState {

    /**
     * Applies a topic's published changes in order: each change merges its fields into its item
     * (creating the topic and the item if needed) and increments the item's sequence number. An
     * empty list deletes the topic with its items (a publisher's {@code DELETE}).
     */
    void apply(String topic, List<ItemChange> changes);

    /** Every topic's current state: topic name to its items, for an instance that joins later. */
    Map<String, List<ItemState>> capture();

    /** Replaces this instance's state by one captured on another instance. */
    void restore(Map<String, List<ItemState>> state);
}
