package dev.duplex.feed.control;

import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemState;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One topic of the hub: its items, the field names seen so far, and the subscriptions that follow
 * it on this instance. Items and fields are guarded by the topic's monitor (changes are applied
 * and snapshots taken under it); the subscription sets are concurrent so that a subscription can
 * end without waiting for a publication in progress.
 */
final class Topic {

    /** One item's current state; guarded by its topic. */
    static final class Item {
        final String name;
        final Map<String, FieldValue> fields = new LinkedHashMap<>();
        long seq;
        long publishedMicros;

        Item(String name) {
            this.name = name;
        }

        ItemState state() {
            return new ItemState(name, seq, publishedMicros, fields);
        }
    }

    final String name;
    final Map<String, Item> items = new LinkedHashMap<>();
    final Set<String> fields = new LinkedHashSet<>();
    /** Subscriptions to every item, including items created later. */
    final Set<Subscription> everything = ConcurrentHashMap.newKeySet();
    /** Subscriptions to listed items, by item. */
    final Map<String, Set<Subscription>> byItem = new ConcurrentHashMap<>();
    /** How many items the topic holds; readable without the monitor. */
    volatile int itemCount;

    Topic(String name) {
        this.name = name;
    }

    void register(Subscription subscription) {
        if (subscription.items.isEmpty()) {
            everything.add(subscription);
        } else {
            for (String item : subscription.items) {
                byItem.computeIfAbsent(item, i -> ConcurrentHashMap.newKeySet()).add(subscription);
            }
        }
    }

    void unregister(Subscription subscription) {
        if (subscription.items.isEmpty()) {
            everything.remove(subscription);
        } else {
            for (String item : subscription.items) {
                byItem.computeIfPresent(item, (i, set) -> {
                    set.remove(subscription);
                    return set.isEmpty() ? null : set;
                });
            }
        }
    }

    int subscriptionCount() {
        Set<Subscription> all = ConcurrentHashMap.newKeySet();
        all.addAll(everything);
        byItem.values().forEach(all::addAll);
        return all.size();
    }
}
