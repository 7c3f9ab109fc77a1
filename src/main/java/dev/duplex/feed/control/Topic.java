package dev.duplex.feed.control;

import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemState;
import java.util.Arrays;
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
    /**
     * Subscriptions to listed items, by item: copy-on-write arrays (replaced atomically per item by
     * {@link ConcurrentHashMap#compute}), so that the fan-out, which reads them for every change,
     * walks a plain array while subscriptions come and go, which is rare in comparison.
     */
    final Map<String, Subscription[]> byItem = new ConcurrentHashMap<>();
    /** How many items the topic holds; readable without the monitor. */
    volatile int itemCount;
    /** When a change was last applied to it or it was created ({@link System#nanoTime} scale). */
    volatile long activeAt;

    Topic(String name) {
        this.name = name;
    }

    void register(Subscription subscription) {
        if (subscription.items.isEmpty()) {
            everything.add(subscription);
        } else {
            for (String item : subscription.items) {
                byItem.compute(item, (i, listed) -> with(listed, subscription));
            }
        }
    }

    void unregister(Subscription subscription) {
        if (subscription.items.isEmpty()) {
            everything.remove(subscription);
        } else {
            for (String item : subscription.items) {
                byItem.computeIfPresent(item, (i, listed) -> without(listed, subscription));
            }
        }
    }

    /** The array with the subscription added (once: a subscription lists an item at most once). */
    private static Subscription[] with(Subscription[] listed, Subscription subscription) {
        if (listed == null) {
            return new Subscription[] {subscription};
        }
        for (Subscription s : listed) {
            if (s == subscription) {
                return listed;
            }
        }
        Subscription[] more = Arrays.copyOf(listed, listed.length + 1);
        more[listed.length] = subscription;
        return more;
    }

    /** The array without the subscription; null (no entry) when none is left. */
    private static Subscription[] without(Subscription[] listed, Subscription subscription) {
        for (int i = 0; i < listed.length; i++) {
            if (listed[i] == subscription) {
                if (listed.length == 1) {
                    return null;
                }
                Subscription[] fewer = new Subscription[listed.length - 1];
                System.arraycopy(listed, 0, fewer, 0, i);
                System.arraycopy(listed, i + 1, fewer, i, listed.length - i - 1);
                return fewer;
            }
        }
        return listed;
    }

    int subscriptionCount() {
        Set<Subscription> all = ConcurrentHashMap.newKeySet();
        all.addAll(everything);
        byItem.values().forEach(listed -> all.addAll(Arrays.asList(listed)));
        return all.size();
    }
}
