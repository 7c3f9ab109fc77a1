package dev.duplex.bench.feed;

import java.util.Arrays;

/**
 * The fields of one decoded item value: names and values ({@link Double} for numbers, {@link String}
 * for texts). A decoder reuses one instance for every value it reports.
 */
final class Fields {

    private String[] names = new String[8];
    private Object[] values = new Object[8];
    private int count;

    void clear() {
        count = 0;
    }

    void add(String name, Object value) {
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        names[count] = name;
        values[count] = value;
        count++;
    }

    int count() {
        return count;
    }

    String name(int i) {
        return names[i];
    }

    Object value(int i) {
        return values[i];
    }

    /** A copy that stays valid after the call that reported it. */
    Fields copy() {
        Fields copy = new Fields();
        for (int i = 0; i < count; i++) {
            copy.add(names[i], values[i]);
        }
        return copy;
    }
}
