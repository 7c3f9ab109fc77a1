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
     * The {@code "game"} object of {@code /api/status}: {@code {"rooms", "players", "bots",
     * "spectators", "inputs", "staleInputs", "droppedInputs", "fullSnapshots", "deltaSnapshots",
     * "snapshotBytes", "tickHz", "tickLateness": {"p50Micros", "p99Micros", "maxMicros"}}}.
     */
    JsonObjectBuilder status(JsonBuilderFactory json);
}
