package dev.duplex.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one run counts, shared by every connection: the phase, the latency histogram
 * (HdrHistogram, microseconds, 3 significant digits, up to one hour) and counters.
 *
 * <p>The measured window is [{@code measureStart}, {@code measureEnd}). A latency is recorded when
 * its message was sent (or, in open loop, was due to be sent) inside the window, whenever its
 * answer arrives, so answers that come late during the drain still count. Throughput counts the
 * answers that arrived inside the window.
 */
public final class Measurement {

    /** The phases of a run, in order. */
    public enum Phase { SETUP, WARMUP, MEASURE, DRAIN, DONE }

    private static final long HIGHEST_MICROS = 3_600_000_000L;

    private final Histogram latency = new ConcurrentHistogram(1, HIGHEST_MICROS, 3);
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder windowMessages = new LongAdder();
    private final LongAdder windowBytes = new LongAdder();
    private final LongAdder mismatches = new LongAdder();
    private final LongAdder outOfOrder = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();

    private volatile Phase phase = Phase.SETUP;
    private volatile long measureStart = Long.MAX_VALUE;
    private volatile long measureEnd = Long.MAX_VALUE;

    public Phase phase() {
        return phase;
    }

    /** Whether load should still be generated (warm-up or measurement). */
    public boolean sending() {
        Phase p = phase;
        return p == Phase.WARMUP || p == Phase.MEASURE;
    }

    public boolean done() {
        return phase == Phase.DONE;
    }

    void startWarmup() {
        phase = Phase.WARMUP;
    }

    /** Ends the warm-up: the histogram is reset and the window opens now. */
    void startMeasuring(long now) {
        latency.reset();
        measureStart = now;
        phase = Phase.MEASURE;
    }

    /** For scenarios without warm-up: the window opens now and stays open. */
    public void startMeasuringNow() {
        startMeasuring(System.nanoTime());
    }

    void stopMeasuring(long now) {
        measureEnd = now;
        phase = Phase.DRAIN;
    }

    void finish() {
        phase = Phase.DONE;
    }

    public long measureStart() {
        return measureStart;
    }

    public long measureEnd() {
        return measureEnd;
    }

    /** Whether a message sent (or due) at {@code sentAt} belongs to the measured window. */
    public boolean measured(long sentAt) {
        return sentAt >= measureStart && sentAt < measureEnd;
    }

    public void sent() {
        sent.increment();
    }

    /** Counts an answer of {@code bytes} payload bytes that arrived at {@code at}. */
    public void received(long at, long bytes) {
        received.increment();
        if (at >= measureStart && at < measureEnd) {
            windowMessages.increment();
            windowBytes.add(bytes);
        }
    }

    /** Records the latency of a message sent (or due) at {@code sentAt} if it belongs to the window. */
    public void latency(long sentAt, long at) {
        if (measured(sentAt)) {
            latency.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (at - sentAt) / 1_000)));
        }
    }

    public void mismatch() {
        mismatches.increment();
    }

    public void outOfOrder() {
        outOfOrder.increment();
    }

    /** Counts an error under a short description ("handshake refused: 404", "closed 1009"...). */
    public void error(String kind) {
        errors.increment();
        errorKinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    public Histogram histogram() {
        return latency;
    }

    public long sentCount() {
        return sent.sum();
    }

    public long receivedCount() {
        return received.sum();
    }

    public long windowMessages() {
        return windowMessages.sum();
    }

    public long windowBytes() {
        return windowBytes.sum();
    }

    public long mismatches() {
        return mismatches.sum();
    }

    public long outOfOrderCount() {
        return outOfOrder.sum();
    }

    public long errors() {
        return errors.sum();
    }

    /** Error descriptions and their counts, sorted by description. */
    public Map<String, Long> errorKinds() {
        Map<String, Long> kinds = new TreeMap<>();
        errorKinds.forEach((k, v) -> kinds.put(k, v.sum()));
        return kinds;
    }
}
