package dev.duplex.feed.entity;

import java.util.Map;

/**
 * One item's update to one subscription: only the fields that changed since the subscriber last
 * got this item, the item's sequence number and publication time (epoch microseconds) of its latest
 * change, and how many changes were merged into this update because the subscriber was behind or
 * throttled by its max frequency ({@code conflated}: 0 when every change is delivered on its own).
 */
public record Update(int subscription, String item, long seq, long publishedMicros, int conflated,
        Map<String, FieldValue> fields) {

    public Update {
        // shared, not copied, when the fields are immutable already (one change delivered to many)
        fields = Fields.copyOf(fields);
    }
}
