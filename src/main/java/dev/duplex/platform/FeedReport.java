package dev.duplex.platform;

import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;

/**
 * The live feed's figures as the platform reads them for {@code /api/status}, the status history
 * and {@code /metrics}. The feed ({@code dev.duplex.feed}) provides the one implementation as a CDI
 * bean; the platform looks it up through {@code Instance<FeedReport>}, so that the platform does not
 * depend on the feed (which depends on the platform). Without an implementation there is no
 * {@code "feed"} section in the status and no feed metrics.
 */
public interface FeedReport {

    /** The feed's counts now; the last three are totals since start (they only grow). */
    record Totals(long topics, long items, long sessions, long subscriptions, long updatesIn, long updatesOut,
            long conflated) {
    }

    /** Per-second rates of the totals, from the status history's samples. */
    record Rates(double updatesIn, double updatesOut, double conflated) {

        /** No rate known yet (fewer than two samples). */
        public static final Rates NONE = new Rates(0, 0, 0);
    }

    /** The counts now. */
    Totals totals();

    /**
     * The {@code "feed"} object of {@code /api/status}, with the rates given.
     *
     * @param json  the builder factory to use
     * @param rates the per-second rates of the totals
     */
    JsonObjectBuilder status(JsonBuilderFactory json, Rates rates);
}
