package dev.duplex.platform;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named server-side timings (e.g. {@code image.grayscale}, {@code chat.fanout}) that the status
 * page and the metrics show as count, mean, p50/p90/p99 and max.
 */
@ApplicationScoped
public class Timings {

    private final Map<String, LatencyHistogram> histograms = new ConcurrentHashMap<>();

    /** Records one duration in nanoseconds under the name. */
    public void record(String name, long nanos) {
        histograms.computeIfAbsent(name, n -> new LatencyHistogram()).record(nanos);
    }

    /** Snapshots of every timing, by name. */
    public Map<String, LatencyHistogram.Snapshot> snapshot() {
        Map<String, LatencyHistogram.Snapshot> all = new TreeMap<>();
        histograms.forEach((name, histogram) -> all.put(name, histogram.snapshot()));
        return all;
    }
}
