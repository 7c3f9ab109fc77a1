package dev.duplex.bench.feed;

import dev.duplex.bench.Measurement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every connection of one feed run shares: the topic and subprotocol, the phase being
 * measured ({@link Traffic}, switched between phases) and the run's error counters.
 */
final class FeedRun {

    private final String topic;
    private final String subprotocol;
    private final Measurement errors;
    private volatile Traffic traffic;
    private volatile CountDownLatch snapshots = new CountDownLatch(0);
    private final LongAdder gaps = new LongAdder();
    private final LongAdder stalledDropped = new LongAdder();
    private final LongAdder miscounted = new LongAdder();
    private volatile String miscountedExample;
    private final Map<String, LongAdder> dropReasons = new ConcurrentHashMap<>();

    /**
     * @param errors where errors, mismatches and out-of-order updates are counted (for the whole run)
     */
    FeedRun(String topic, String subprotocol, Measurement errors, Traffic first) {
        this.topic = topic;
        this.subprotocol = subprotocol;
        this.errors = errors;
        this.traffic = first;
    }

    String topic() {
        return topic;
    }

    String subprotocol() {
        return subprotocol;
    }

    Traffic traffic() {
        return traffic;
    }

    void traffic(Traffic next) {
        traffic = next;
    }

    /** Expects {@code count} more snapshots; {@link #snapshotted} counts them down. */
    CountDownLatch expectSnapshots(int count) {
        CountDownLatch latch = new CountDownLatch(count);
        snapshots = latch;
        return latch;
    }

    void snapshotted(Subscriber subscriber) {
        snapshots.countDown();
    }

    void error(String kind) {
        errors.error(kind);
    }

    void mismatch() {
        errors.mismatch();
    }

    void outOfOrder() {
        errors.outOfOrder();
    }

    /** A reader's update whose seq jump its conflated count does not explain. */
    void gap() {
        gaps.increment();
    }

    /**
     * An update whose {@code conflated} count exceeds the changes its seq jump holds: the server
     * breaks docs/FEED.md's accounting (counted as a mismatch).
     */
    void miscounted(String item, long merged, long conflated) {
        miscounted.increment();
        errors.mismatch();
        if (miscountedExample == null) {
            miscountedExample = item + ": seq jump holds " + merged + " merged changes, conflated says " + conflated;
        }
    }

    long miscounted() {
        return miscounted.sum();
    }

    String miscountedExample() {
        return miscountedExample;
    }

    long gaps() {
        return gaps.sum();
    }

    /** A stalled subscriber was closed by the server (its keepalive timeout, as documented). */
    void stalledDropped(String how) {
        stalledDropped.increment();
        dropReasons.computeIfAbsent(how, k -> new LongAdder()).increment();
    }

    long stalledDropped() {
        return stalledDropped.sum();
    }

    Map<String, LongAdder> dropReasons() {
        return dropReasons;
    }
}
