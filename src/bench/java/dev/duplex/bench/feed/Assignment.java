package dev.duplex.bench.feed;

import java.util.ArrayList;
import java.util.List;

/**
 * Which items each subscriber asks for, and which subscribers stall: spread evenly, so every item
 * has the same number of subscribers (exactly, when subscribers × items is a multiple of the
 * topic's size) and the stalled ones are spread over the whole range.
 */
final class Assignment {

    private Assignment() {
    }

    /**
     * The {@code perSubscriber} consecutive items (wrapping around) of subscriber {@code index},
     * starting where the previous subscriber's ended.
     */
    static List<String> itemsOf(int index, int perSubscriber, List<String> items) {
        int size = items.size();
        if (perSubscriber < 1 || perSubscriber > size) {
            throw new IllegalArgumentException("a subscriber takes 1 to " + size + " items, not " + perSubscriber);
        }
        int start = (int) ((long) index * perSubscriber % size);
        List<String> mine = new ArrayList<>(perSubscriber);
        for (int t = 0; t < perSubscriber; t++) {
            mine.add(items.get((start + t) % size));
        }
        return mine;
    }

    /**
     * Whether subscriber {@code index} is one of the stalled {@code share} (0 to 1): the
     * subscribers where the running count floor((i+1) × share) steps up, so the stalled ones are
     * evenly spaced and there are exactly floor(n × share) of n.
     */
    static boolean stalled(int index, double share) {
        return Math.floor((index + 1) * share + 1e-9) > Math.floor(index * share + 1e-9);
    }

    /** Parses a share: {@code 10%}, {@code 0.1} or {@code 0}. */
    static double share(String text) {
        String t = text.trim();
        double value;
        try {
            value = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100
                    : Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a share like 10% or 0.1, not '" + text + "'");
        }
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException("a share from 0 to below 100%, not '" + text + "'");
        }
        return value;
    }
}
