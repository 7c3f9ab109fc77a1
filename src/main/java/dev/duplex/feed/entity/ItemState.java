package dev.duplex.feed.entity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One item of a snapshot: every field's current value, the item's sequence number (1 for its first
 * change, +1 for each later change applied to it) and when its last change was published (epoch
 * microseconds).
 */
public record ItemState(String item, long seq, long publishedMicros, Map<String, FieldValue> fields) {

    public ItemState {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}
