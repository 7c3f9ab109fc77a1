package dev.duplex.feed.control;

import dev.duplex.feed.entity.FieldValue;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One subscription of one session: the client's id for it, its topic, the items it follows (empty:
 * all of them), its throttle, and per item the changes not yet sent. Everything mutable is guarded
 * by its {@link FeedSubscriber}'s monitor.
 */
final class Subscription {

    /**
     * What one item of the subscription has pending: the latest value of every field changed since
     * it was last sent, the latest seq and publication time, and how many changes were merged.
     */
    static final class Pending {
        final Subscription subscription;
        final String item;
        /**
         * The latest value of each changed field. With one change pending it is that change's own
         * immutable map, shared with every other subscriber (no copy per delivery); the second
         * change merged makes it a map of this pending's own.
         */
        Map<String, FieldValue> fields = Map.of();
        /** Whether {@link #fields} is this pending's own map (merged), not a change's shared one. */
        private boolean owned;
        long seq;
        long publishedMicros;
        int changes;
        /** The one change pending when exactly one is (its JSON can be shared); null otherwise. */
        Change only;
        boolean dirty;
        boolean sentOnce;
        long lastSentNanos;

        Pending(Subscription subscription, String item) {
            this.subscription = subscription;
            this.item = item;
        }

        void merge(Change change) {
            if (changes == 0) {
                fields = change.fields;
                owned = false;
            } else {
                if (!owned) {
                    fields = new LinkedHashMap<>(fields);
                    owned = true;
                }
                fields.putAll(change.fields);
            }
            this.seq = change.seq;
            this.publishedMicros = change.publishedMicros;
            only = changes == 0 ? change : null;
            changes++;
        }

        /** Everything pending was taken for sending: nothing is pending now. */
        void sent() {
            fields = Map.of();
            owned = false;
            only = null;
            changes = 0;
            dirty = false;
        }

        /** When this item may be sent next ({@link System#nanoTime} scale). */
        long dueAt(long now) {
            long interval = subscription.intervalNanos;
            return interval == 0 || !sentOnce ? now : lastSentNanos + interval;
        }
    }

    final FeedSubscriber subscriber;
    final int id;
    final Topic topic;
    final List<String> items;
    /** The least time between two updates of one item; 0 when unthrottled. */
    final long intervalNanos;
    final Map<String, Pending> pending = new HashMap<>();
    boolean snapshotted;
    boolean closed;

    Subscription(FeedSubscriber subscriber, int id, Topic topic, List<String> items, double maxFrequency) {
        this.subscriber = subscriber;
        this.id = id;
        this.topic = topic;
        this.items = List.copyOf(items);
        this.intervalNanos = maxFrequency > 0 ? (long) Math.ceil(1_000_000_000d / maxFrequency) : 0;
    }

    /** Changes pending and never to be sent: they count as conflated when the subscription ends. */
    long unsent() {
        long unsent = 0;
        for (Pending p : pending.values()) {
            if (p.dirty) {
                unsent += p.changes;
            }
        }
        return unsent;
    }
}
