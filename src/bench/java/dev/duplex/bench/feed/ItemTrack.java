package dev.duplex.bench.feed;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one subscriber knows of one item: the seq and value it last got (snapshot plus the changed
 * fields of every update since), its last few values by seq (so the final check can compare the
 * value the checker saw at a given seq even when updates went on meanwhile), and the accounting of
 * its updates: a jump in seq must be explained by the update's {@code conflated} count, otherwise
 * updates were lost. Used on one event loop only.
 */
final class ItemTrack {

    /** What applying one value did. */
    enum Outcome {
        /** The snapshot value. */
        SNAPSHOT,
        /** The next change(s), every seq accounted for. */
        APPLIED,
        /** Applied, but seq jumped further than {@code conflated} explains: {@link #lost()} grew. */
        GAP,
        /**
         * Applied, but {@code conflated} claims more merged changes than the seq jump holds
         * (docs/FEED.md: a jump of n+1 means n merged): {@link #miscounted()} grew.
         */
        MISCOUNTED,
        /** An update at or below the seq already held (out of order or duplicated): ignored. */
        STALE,
        /** An update before the snapshot: ignored. */
        EARLY
    }

    static final int HISTORY = 8;

    private final String item;
    private long seq = -1;
    private long previousSeq = -1;
    private long ts;
    private Object[] values = new Object[0];
    private final long[] historySeq = new long[HISTORY];
    private final Object[][] historyValues = new Object[HISTORY][];
    private int historyNext;
    private long updates;
    private long conflated;
    private long lost;
    private long miscounted;

    ItemTrack(String item) {
        this.item = item;
        Arrays.fill(historySeq, -1);
    }

    String item() {
        return item;
    }

    long seq() {
        return seq;
    }

    /** The seq held before the last value applied (-1 before the snapshot). */
    long seqBefore() {
        return previousSeq;
    }

    long ts() {
        return ts;
    }

    long updates() {
        return updates;
    }

    long conflated() {
        return conflated;
    }

    long lost() {
        return lost;
    }

    /** Updates whose conflated count was larger than their seq jump. */
    long miscounted() {
        return miscounted;
    }

    boolean hasSnapshot() {
        return seq >= 0;
    }

    /** The current value by field index ({@link FieldIndex}); null for fields not known yet. */
    Object[] values() {
        return values;
    }

    /** Applies one value the server sent. */
    Outcome apply(long newSeq, long newTs, long newConflated, Fields fields, boolean snapshot) {
        Outcome outcome;
        if (snapshot) {
            outcome = Outcome.SNAPSHOT;
            values = new Object[FieldIndex.size()];
        } else if (seq < 0) {
            return Outcome.EARLY;
        } else if (newSeq <= seq) {
            return Outcome.STALE;
        } else {
            updates++;
            conflated += newConflated;
            long missing = newSeq - seq - 1 - newConflated;
            if (missing > 0) {
                lost += missing;
                outcome = Outcome.GAP;
            } else if (missing < 0) {
                miscounted++;
                outcome = Outcome.MISCOUNTED;
            } else {
                outcome = Outcome.APPLIED;
            }
            values = Arrays.copyOf(values, Math.max(values.length, FieldIndex.size()));
        }
        for (int i = 0; i < fields.count(); i++) {
            int index = FieldIndex.of(fields.name(i));
            if (index >= values.length) {
                values = Arrays.copyOf(values, index + 1);
            }
            values[index] = fields.value(i);
        }
        previousSeq = seq;
        seq = newSeq;
        ts = newTs;
        historySeq[historyNext] = newSeq;
        historyValues[historyNext] = values;
        historyNext = (historyNext + 1) % HISTORY;
        return outcome;
    }

    /** The value this subscriber held at {@code atSeq}, if it got that seq and still remembers it. */
    Object[] valuesAt(long atSeq) {
        for (int i = 0; i < HISTORY; i++) {
            if (historySeq[i] == atSeq) {
                return historyValues[i];
            }
        }
        return null;
    }

    /** Field names to small indices, shared by every track of the run (a feed has few field names). */
    static final class FieldIndex {

        private static final Map<String, Integer> INDEX = new ConcurrentHashMap<>();

        private FieldIndex() {
        }

        static int of(String name) {
            Integer index = INDEX.get(name);
            if (index != null) {
                return index;
            }
            synchronized (INDEX) {
                return INDEX.computeIfAbsent(name, n -> INDEX.size());
            }
        }

        static int size() {
            return INDEX.size();
        }
    }
}
