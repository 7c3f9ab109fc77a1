package dev.duplex.feed.entity;

import java.util.Map;

/**
 * What a publisher (a simulator or {@code POST /api/feed/{topic}}) says about one item: the fields
 * that changed, in order, and when it was published (the server's clock at publication, epoch
 * microseconds; subscribers measure publish-to-screen latency from it). An item that does not
 * exist yet is created by its first change.
 */
public record ItemChange(String item, Map<String, FieldValue> fields, long publishedMicros) {

    public ItemChange {
        if (item == null || fields == null || fields.isEmpty()) {
            throw new IllegalArgumentException("A change names its item and at least one field");
        }
        fields = Fields.copyOf(fields);
    }
}
