package dev.duplex.feed.entity;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An immutable map of field values in insertion order, as records of this package hold them. It
 * exists so that one change's fields are copied once, when the change is made, and then shared by
 * every update that delivers the change unmerged: {@link #copyOf} returns its argument when that is
 * already one of these (as {@link java.util.List#copyOf} does), and copies anything else.
 */
public final class Fields extends AbstractMap<String, FieldValue> {

    private static final Fields EMPTY = new Fields(Map.of());

    private final Map<String, FieldValue> map;

    private Fields(Map<String, FieldValue> map) {
        this.map = map;
    }

    /** The fields, in order: the same instance when {@code fields} is immutable already, otherwise a copy. */
    public static Fields copyOf(Map<String, FieldValue> fields) {
        if (fields instanceof Fields shared) {
            return shared;
        }
        if (fields.isEmpty()) {
            return EMPTY;
        }
        return new Fields(Collections.unmodifiableMap(new LinkedHashMap<>(fields)));
    }

    /**
     * Merges changes into fields of its own and hands them over as {@link Fields} once, without a
     * copy: after {@link #build} it takes nothing more, so the map it built can never change.
     */
    public static final class Builder {
        private LinkedHashMap<String, FieldValue> map;

        /** Starts with a copy of {@code first}, in its order. */
        public Builder(Map<String, FieldValue> first) {
            map = new LinkedHashMap<>(first);
        }

        /** Adds or replaces the fields (a field keeps its first position). */
        public void putAll(Map<String, FieldValue> more) {
            if (map == null) {
                throw new IllegalStateException("built already");
            }
            map.putAll(more);
        }

        /** The fields merged; the builder is spent. */
        public Fields build() {
            if (map == null) {
                throw new IllegalStateException("built already");
            }
            Fields built = new Fields(Collections.unmodifiableMap(map));
            map = null;
            return built;
        }
    }

    @Override
    public Set<Entry<String, FieldValue>> entrySet() {
        return map.entrySet();
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public FieldValue get(Object key) {
        return map.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return map.containsKey(key);
    }

    @Override
    public Set<String> keySet() {
        return map.keySet();
    }
}
