package dev.duplex.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Publishes Duplex's figures through MicroProfile Metrics ({@code /metrics}, Prometheus format),
 * tagged by endpoint, close code, refusal reason and timing name. The figures are counted by
 * {@link Connections}, {@link EndpointStats} and {@link Timings}; the metrics only read them, so
 * publishing adds nothing per message. Totals are published as gauges named {@code *_total}.
 */
@ApplicationScoped
public class DuplexMetrics {

    @Inject
    MetricRegistry registry;

    @Inject
    Connections connections;

    @Inject
    Timings timings;

    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    /** Registers gauges for endpoints, close codes, refusals and timings seen since the last call. */
    void registerNewEndpoints() {
        connections.stats().forEach((endpoint, stats) -> {
            Tag tag = new Tag("endpoint", endpoint);
            gauge("duplex_sessions_open", "Open WebSocket sessions", MetricUnits.NONE, tag, stats, EndpointStats::openSessions);
            gauge("duplex_sessions_opened_total", "Sessions opened since start", MetricUnits.NONE, tag, stats, EndpointStats::openedSessions);
            gauge("duplex_sessions_refused_total", "Sessions refused at open (limits, shutdown)", MetricUnits.NONE, tag, stats, EndpointStats::refusedSessions);
            gauge("duplex_messages_in_total", "Messages received", MetricUnits.NONE, tag, stats, EndpointStats::messagesIn);
            gauge("duplex_messages_out_total", "Messages sent", MetricUnits.NONE, tag, stats, EndpointStats::messagesOut);
            gauge("duplex_bytes_in_total", "Message bytes received", MetricUnits.BYTES, tag, stats, EndpointStats::bytesIn);
            gauge("duplex_bytes_out_total", "Message bytes sent", MetricUnits.BYTES, tag, stats, EndpointStats::bytesOut);
            gauge("duplex_errors_total", "Session errors", MetricUnits.NONE, tag, stats, EndpointStats::errors);
            stats.closeCodes().keySet().forEach(code -> gauge("duplex_closes_total", "Sessions closed, by close code",
                    MetricUnits.NONE, new Tag[] {tag, new Tag("code", String.valueOf(code))}, stats,
                    s -> s.closeCodes().getOrDefault(code, 0L)));
        });
        connections.refusals().keySet().forEach(reason -> gauge("duplex_refusals_total",
                "Handshakes refused and sessions closed by policy, by reason", MetricUnits.NONE,
                new Tag[] {new Tag("reason", reason.replace(' ', '_'))}, connections,
                c -> c.refusals().getOrDefault(reason, 0L)));
        MemoryBudget budget = connections.budget();
        gauge("duplex_memory_budget_bytes", "Memory budget: bytes all sessions may hold", MetricUnits.BYTES, new Tag[0], budget, MemoryBudget::total);
        gauge("duplex_memory_used_bytes", "Memory budget: bytes reserved now", MetricUnits.BYTES, new Tag[0], budget, MemoryBudget::used);
        gauge("duplex_memory_refusals_total", "Memory budget: reservations refused", MetricUnits.NONE, new Tag[0], budget, MemoryBudget::refusals);
        budget.usedByEndpoint().keySet().forEach(endpoint -> gauge("duplex_memory_endpoint_used_bytes",
                "Memory budget: bytes reserved now, by endpoint", MetricUnits.BYTES, new Tag[] {new Tag("endpoint", endpoint)},
                budget, b -> b.usedByEndpoint().getOrDefault(endpoint, 0L)));
        timings.snapshot().keySet().forEach(name -> {
            Tag tag = new Tag("name", name);
            gauge("duplex_timing_count", "Timed operations", MetricUnits.NONE, tag, timings, t -> snapshot(t, name).count());
            gauge("duplex_timing_p50_us", "Median duration", MetricUnits.MICROSECONDS, tag, timings, t -> snapshot(t, name).p50Micros());
            gauge("duplex_timing_p99_us", "99th percentile duration", MetricUnits.MICROSECONDS, tag, timings, t -> snapshot(t, name).p99Micros());
            gauge("duplex_timing_max_us", "Longest duration", MetricUnits.MICROSECONDS, tag, timings, t -> snapshot(t, name).maxMicros());
        });
    }

    /** One timing's snapshot: a gauge read looks at its own histogram only (the names are bounded, see {@link Timings}). */
    private static LatencyHistogram.Snapshot snapshot(Timings timings, String name) {
        return timings.snapshot(name);
    }

    private <T> void gauge(String name, String description, String unit, Tag tag, T source, ToLongFunction<T> value) {
        gauge(name, description, unit, new Tag[] {tag}, source, value);
    }

    private <T> void gauge(String name, String description, String unit, Tag[] tags, T source, ToLongFunction<T> value) {
        StringBuilder key = new StringBuilder(name);
        for (Tag tag : tags) {
            key.append(',').append(tag.getTagName()).append('=').append(tag.getTagValue());
        }
        if (registered.add(key.toString())) {
            Metadata metadata = Metadata.builder().withName(name).withDescription(description).withUnit(unit).build();
            registry.gauge(metadata, source, s -> value.applyAsLong(s), tags);
        }
    }
}
