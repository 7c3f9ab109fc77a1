package dev.duplex.feed.control;

import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.Fields;
import java.util.HashMap;
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
         * The latest value of each changed field when one change is pending: that change's own
         * immutable map, shared with every other subscriber (no copy per delivery).
         */
        private Map<String, FieldValue> fields = Map.of();
        /** From the second change merged on: the fields of this pending's own, handed over by {@link #take}. */
        private Fields.Builder merging;
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
                merging = null;
            } else {
                if (merging == null) {
                    merging = new Fields.Builder(fields);
                    fields = null;
                }
                merging.putAll(change.fields);
            }
            this.seq = change.seq;
            this.publishedMicros = change.publishedMicros;
            only = changes == 0 ? change : null;
            changes++;
        }

        /**
         * The fields pending, for sending: the change's shared map when one change is pending,
         * otherwise the merged map (not copied). Then nothing is pending any more.
         */
        Fields take() {
            Fields taken = merging != null ? merging.build() : Fields.copyOf(fields);
            fields = Map.of();
            merging = null;
            only = null;
            changes = 0;
            dirty = false;
            return taken;
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
