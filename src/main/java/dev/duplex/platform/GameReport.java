package dev.duplex.platform;

import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;

/**
 * The game's figures for {@code /api/status}, as {@link FeedReport} is the feed's: the game
 * ({@code dev.duplex.game}) provides the one implementation as a CDI bean and the platform looks it
 * up through {@code Instance<GameReport>}, so that the platform does not depend on the game.
 */
public interface GameReport {

    /**
     * The game's counts for {@code /metrics}: rooms, players (holding a slot, relayed ones
     * included) and spectators in this instance's rooms, this instance's clients relayed to another
     * instance's room now; inputs taken, snapshots sent and rooms resumed from a checkpoint since
     * start, and the relay's batches and the messages in them this instance published (they only grow).
     */
    record Totals(long rooms, long players, long spectators, long relayed, long inputs, long snapshots, long resumed, long caughtUpTicks,
            long skippedTicks, long relayBatches, long relayMessages) {
    }

    /** The counts now. */
    Totals totals();

    /**
     * The {@code "game"} object of {@code /api/status}: {@code {"rooms", "players", "bots",
     * "spectators", "inputs", "staleInputs", "droppedInputs", "fullSnapshots", "deltaSnapshots",
     * "snapshotBytes", "tickHz", "cluster": {"mode", "instances", "relayedOut", "relayedIn", "resumed",
     * "relayBatches", "relayMessages"},
     * "tickLateness": {"p50Micros", "p99Micros", "maxMicros"}}}.
     */
    JsonObjectBuilder status(JsonBuilderFactory json);
}
