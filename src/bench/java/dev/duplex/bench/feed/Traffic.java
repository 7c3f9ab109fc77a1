package dev.duplex.bench.feed;

import dev.duplex.bench.Measurement;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one measured phase received: messages and their payload bytes (via {@link Measurement}),
 * item deliveries (one per item value in an update; a message may carry many) and the readers'
 * publish-to-receive latency. Counts and times what arrived inside the measurement window.
 */
final class Traffic {

    private final Measurement measurement;
    private final LatencyClock clock;
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder conflated = new LongAdder();

    Traffic(Measurement measurement, LatencyClock clock) {
        this.measurement = measurement;
        this.clock = clock;
    }

    Measurement measurement() {
        return measurement;
    }

    /** One message of {@code bytes} payload bytes arrived at {@code at} (nanoTime). */
    void message(long at, int bytes) {
        measurement.received(at, bytes);
    }

    /** One update of an item arrived at {@code at}; {@code reader} says whether its latency counts. */
    void delivery(long at, long tsMicros, long merged, boolean reader) {
        if (at >= measurement.measureStart() && at < measurement.measureEnd()) {
            deliveries.increment();
            conflated.add(merged);
            if (reader) {
                // Timed by arrival in the window, not by publication: a server that lags by more
                // than the window (a slow cluster relay) must show its lag, not an empty histogram.
                long micros = (at - clock.nanoTimeOf(tsMicros)) / 1_000;
                measurement.histogram().recordValue(Math.min(HIGHEST_MICROS, Math.max(1, micros)));
            }
        }
    }

    private static final long HIGHEST_MICROS = 3_600_000_000L;

    long deliveries() {
        return deliveries.sum();
    }

    long conflated() {
        return conflated.sum();
    }

    long bytes() {
        return measurement.windowBytes();
    }

    long messages() {
        return measurement.windowMessages();
    }

    /** Payload bytes per item delivery in the window (NaN without deliveries). */
    double bytesPerDelivery() {
        long d = deliveries();
        return d == 0 ? Double.NaN : (double) bytes() / d;
    }
}
