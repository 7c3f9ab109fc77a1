package dev.duplex.feed.control;

import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.Fields;
import dev.duplex.feed.entity.JsonFeedCodec;
import dev.duplex.feed.entity.Update;
import java.util.Map;

/**
 * One change as applied to its item: the fields it changed, the item's seq and publication time.
 * Made once per change and handed to every subscription that follows the item; its JSON (all of an
 * update object but the subscription id, {@link JsonFeedCodec#updateTail}) is written at most once
 * and shared by every subscriber that gets the change on its own (not merged with others).
 */
final class Change {

    final String item;
    final Map<String, FieldValue> fields;
    final long seq;
    final long publishedMicros;
    private volatile String tail;

    Change(String item, Map<String, FieldValue> fields, long seq, long publishedMicros) {
        this.item = item;
        this.fields = Fields.copyOf(fields); // the same map as the ItemChange's: no copy
        this.seq = seq;
        this.publishedMicros = publishedMicros;
    }

    /** The update object's JSON after the id, for an unmerged delivery (conflated 0). */
    String tail() {
        String encoded = tail;
        if (encoded == null) {
            encoded = JsonFeedCodec.updateTail(new Update(0, item, seq, publishedMicros, 0, fields));
            tail = encoded;
        }
        return encoded;
    }
}
