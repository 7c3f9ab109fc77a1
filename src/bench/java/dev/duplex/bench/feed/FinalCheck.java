package dev.duplex.bench.feed;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The end-of-run check that nothing was lost: a fresh checker connection's snapshot gives every
 * item's seq and value at that moment (the target); every reading subscriber must reach that seq
 * for each of its items, and the value it held at that seq must equal the checker's. A subscriber
 * that got past the target seq only through a conflated update never held that value: counted as
 * "passed" (not comparable, not lost). Targets still not reached when the check times out are lost.
 */
final class FinalCheck {

    /** One item's value at the checker's snapshot. */
    record Target(long seq, Object[] values) {
    }

    /** The verdict on one item of one subscriber. */
    enum Verdict { PENDING, MATCH, MISMATCH, PASSED }

    private final Map<String, Target> targets;
    private final AtomicLong pending = new AtomicLong();
    private final LongAdder matched = new LongAdder();
    private final LongAdder mismatched = new LongAdder();
    private final LongAdder passed = new LongAdder();
    private final LongAdder armed = new LongAdder();

    FinalCheck(Map<String, Target> targets) {
        this.targets = Map.copyOf(targets);
    }

    Target target(String item) {
        return targets.get(item);
    }

    int items() {
        return targets.size();
    }

    /** Compares what a subscriber knows of an item with the target. */
    static Verdict verdict(ItemTrack track, Target target) {
        if (track.seq() < target.seq()) {
            return Verdict.PENDING;
        }
        Object[] held = track.valuesAt(target.seq());
        if (held == null) {
            return Verdict.PASSED;
        }
        return sameValues(held, target.values()) ? Verdict.MATCH : Verdict.MISMATCH;
    }

    /** Whether two values (by field index) hold the same fields; trailing unknown fields are equal to absent. */
    static boolean sameValues(Object[] a, Object[] b) {
        int n = Math.max(a.length, b.length);
        for (int i = 0; i < n; i++) {
            Object x = i < a.length ? a[i] : null;
            Object y = i < b.length ? b[i] : null;
            if (x == null ? y != null : !x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    /** Registers one (subscriber, item) pair to check; its first verdict follows with {@link #record}. */
    void arm() {
        armed.increment();
        pending.incrementAndGet();
    }

    /** Records a final verdict (never PENDING) of an armed pair. */
    void record(Verdict verdict) {
        switch (verdict) {
            case MATCH -> matched.increment();
            case MISMATCH -> mismatched.increment();
            case PASSED -> passed.increment();
            default -> throw new IllegalArgumentException("pending is not a final verdict");
        }
        pending.decrementAndGet();
    }

    long pending() {
        return pending.get();
    }

    long armed() {
        return armed.sum();
    }

    long matched() {
        return matched.sum();
    }

    long mismatched() {
        return mismatched.sum();
    }

    long passed() {
        return passed.sum();
    }

    /** A copy of a value array (targets must not change under the subscribers' feet). */
    static Object[] copy(Object[] values) {
        return Arrays.copyOf(values, values.length);
    }
}
