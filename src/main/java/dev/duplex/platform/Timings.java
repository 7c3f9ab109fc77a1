package dev.duplex.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Named server-side timings (e.g. {@code image.grayscale}, {@code chat.fanout}) that the status
 * page and the metrics show as count, mean, p50/p90/p99 and max.
 *
 * <p>Names may be built from what clients choose (an {@code /image} client picks its chain of
 * operations), so the set of names is bounded: the first {@link #MAX_NAMES} distinct names get a
 * histogram each, and every later name is recorded under {@link #OTHER}. Memory and the metrics'
 * label set therefore stay bounded whatever clients send.
 *
 * <p>Each duration also goes, in microseconds, to the name's MicroProfile Metrics histogram
 * ({@code duplex_timing_microseconds} in {@code /metrics}, see {@link DuplexMetrics}) where the
 * server has MicroProfile Metrics ({@link MetricsExport}; not in unit tests, not on WildFly or
 * GlassFish).
 */
@ApplicationScoped
public class Timings {

    /** Distinct names with their own histogram; later names share {@link #OTHER}. */
    public static final int MAX_NAMES = 64;
    /** The name that collects the timings of names beyond the first {@link #MAX_NAMES}. */
    public static final String OTHER = "other";

    private final int maxNames;
    private final Map<String, LatencyHistogram> histograms = new ConcurrentHashMap<>();
    private final AtomicInteger named = new AtomicInteger();
    private final LatencyHistogram other = new LatencyHistogram();
    /** The metric histograms of the names above (and of {@link #OTHER}), made at their first duration. */
    private final Map<String, LongConsumer> published = new ConcurrentHashMap<>();

    /** Where durations are published besides the status page; {@code null} without MicroProfile Metrics. */
    private volatile MetricsExport export;

    @Inject
    void export(Instance<MetricsExport> exports) {
        export = exports.isResolvable() ? exports.get() : null;
    }

    public Timings() {
        this(MAX_NAMES);
    }

    /** @param maxNames distinct names that get their own histogram */
    Timings(int maxNames) {
        this.maxNames = maxNames;
    }

    /** Records one duration in nanoseconds under the name (or under {@link #OTHER} once the names are used up). */
    public void record(String name, long nanos) {
        record(name, nanos, 0);
    }

    /**
     * Records one duration measured with a clock of {@code resolutionNanos} (a millisecond clock
     * gives 1 000 000): see {@link LatencyHistogram#record(long, long)}.
     */
    public void record(String name, long nanos, long resolutionNanos) {
        LatencyHistogram histogram = histograms.get(name);
        if (histogram == null) {
            histogram = histograms.computeIfAbsent(name, n -> {
                // Checked before counting, so that the count stops near the bound and never wraps.
                if (OTHER.equals(n) || named.get() >= maxNames || named.incrementAndGet() > maxNames) {
                    return null;
                }
                return new LatencyHistogram();
            });
            if (histogram == null) {
                histogram = other;
            }
        }
        histogram.record(nanos, resolutionNanos);
        MetricsExport metrics = export;
        if (metrics != null) {
            String bounded = histogram == other ? OTHER : name;
            published.computeIfAbsent(bounded, metrics::timing).accept(Math.max(0, (nanos + Math.max(0, resolutionNanos) / 2) / 1000));
        }
    }

    /** Snapshots of every timing, by name ({@link #OTHER} only once something was recorded under it). */
    public Map<String, LatencyHistogram.Snapshot> snapshot() {
        Map<String, LatencyHistogram.Snapshot> all = new TreeMap<>();
        histograms.forEach((name, histogram) -> all.put(name, histogram.snapshot()));
        LatencyHistogram.Snapshot others = other.snapshot();
        if (others.count() > 0) {
            all.put(OTHER, others);
        }
        return all;
    }

    /** The snapshot of one name's timing (empty when nothing was recorded under it). */
    public LatencyHistogram.Snapshot snapshot(String name) {
        LatencyHistogram histogram = OTHER.equals(name) ? other : histograms.get(name);
        return histogram != null ? histogram.snapshot() : new LatencyHistogram.Snapshot(0, 0, 0, 0, 0, 0);
    }

    /** How many names have a histogram of their own (at most {@link #MAX_NAMES}). */
    public int names() {
        return histograms.size();
    }
}
