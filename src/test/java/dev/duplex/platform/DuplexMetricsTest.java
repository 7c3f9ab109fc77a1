package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.platform.DuplexMetrics.Kind;
import dev.duplex.platform.DuplexMetrics.Metric;
import java.util.List;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.junit.jupiter.api.Test;

/** The names /metrics exports, as the docs list them (ServerLifecycleIT checks them on a server). */
class DuplexMetricsTest {

    @Test
    void theDocumentedNamesFollowThePrometheusConventions() {
        assertEquals(List.of(
                "duplex_sessions_open gauge",
                "duplex_sessions_opened_total counter",
                "duplex_sessions_refused_total counter",
                "duplex_messages_received_total counter",
                "duplex_messages_sent_total counter",
                "duplex_received_bytes_total counter",
                "duplex_sent_bytes_total counter",
                "duplex_errors_total counter",
                "duplex_closes_total counter",
                "duplex_refusals_total counter",
                "duplex_timing_microseconds summary",
                "duplex_memory_budget_bytes gauge",
                "duplex_memory_used_bytes gauge",
                "duplex_memory_endpoint_used_bytes gauge",
                "duplex_memory_refusals_total counter",
                "duplex_feed_topics gauge",
                "duplex_feed_items gauge",
                "duplex_feed_subscribers gauge",
                "duplex_feed_subscriptions gauge",
                "duplex_feed_updates_in_total counter",
                "duplex_feed_updates_out_total counter",
                "duplex_feed_conflated_total counter",
                "duplex_game_rooms gauge",
                "duplex_game_players gauge",
                "duplex_game_spectators gauge",
                "duplex_game_relayed gauge",
                "duplex_game_inputs_total counter",
                "duplex_game_snapshots_total counter",
                "duplex_game_rooms_resumed_total counter",
                "duplex_game_ticks_caught_up_total counter",
                "duplex_game_ticks_skipped_total counter",
                "duplex_game_relay_batches_total counter",
                "duplex_game_relay_messages_total counter",
                "duplex_draw_boards gauge",
                "duplex_draw_copies gauge",
                "duplex_draw_members gauge",
                "duplex_draw_board_bytes gauge",
                "duplex_draw_strokes_total counter",
                "duplex_draw_forwarded_total counter",
                "duplex_draw_relayed_total counter"),
                DuplexMetrics.DOCUMENTED.stream().map(m -> m.exported() + " " + m.kind().name().toLowerCase(java.util.Locale.ROOT)).toList());
        for (Metric metric : DuplexMetrics.DOCUMENTED) {
            assertEquals(metric.kind() == Kind.COUNTER, metric.exported().endsWith("_total"),
                    metric + ": counters and only counters end in _total");
            assertEquals(false, metric.name().endsWith("_total"), metric + ": the exporter adds _total itself");
        }
    }

    @Test
    void theDocsNameEveryMetricAsItIsExported() throws java.io.IOException {
        String metricsPage = java.nio.file.Files.readString(java.nio.file.Path.of("docs", "METRICS.md"));
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        for (Metric metric : DuplexMetrics.DOCUMENTED) {
            String row = "| `" + metric.exported() + "` | " + metric.kind().name().toLowerCase(java.util.Locale.ROOT) + " |";
            assertEquals(true, metricsPage.contains(row), "docs/METRICS.md has no row " + row);
            assertEquals(true, readme.contains("`" + metric.exported()), "README.md does not name " + metric.exported());
        }
    }

    @Test
    void theExporterAddsTheBaseUnitAndTotal() {
        assertEquals("duplex_received_bytes_total", DuplexMetrics.exported("duplex_received", Kind.COUNTER, MetricUnits.BYTES));
        assertEquals("duplex_x_seconds", DuplexMetrics.exported("duplex_x", Kind.SUMMARY, MetricUnits.MILLISECONDS));
        assertEquals("duplex_heap_bytes", DuplexMetrics.exported("duplex_heap", Kind.GAUGE, MetricUnits.BYTES));
        assertEquals("duplex_timing_microseconds", DuplexMetrics.exported("duplex_timing_microseconds", Kind.SUMMARY, MetricUnits.NONE));
    }
}
