package dev.duplex.platform;

import java.util.function.LongConsumer;

/**
 * Where Duplex's figures go besides {@code /api/status}: MicroProfile Metrics ({@link DuplexMetrics})
 * on servers that have it. Optional: {@link Sweeper} and {@link Timings} look it up through
 * {@code Instance<MetricsExport>} and carry on without it. {@code META-INF/beans.xml} leaves
 * {@link DuplexMetrics} out of the bean archive where the MicroProfile Metrics API is not
 * visible (WildFly, GlassFish, Open Liberty without {@code mpMetrics}), so that no class the
 * platform names needs that API; this interface names none of its types.
 */
public interface MetricsExport {

    /** Brings the feed's figures to {@code totals}; {@code null} (no feed) changes nothing. */
    void followFeed(FeedReport.Totals totals);

    /** Brings the game's figures to {@code totals}; {@code null} (no game) changes nothing. */
    void followGame(GameReport.Totals totals);

    /** Brings the shared boards' figures to {@code totals}; {@code null} (no boards) changes nothing. */
    void followDraw(DrawReport.Totals totals);

    /** Registers the figures of endpoints, close codes and reasons seen since the last call; catches counters up. */
    void registerNewEndpoints();

    /** Where the durations of one (already bounded) timing name go, in microseconds. */
    LongConsumer timing(String name);
}
