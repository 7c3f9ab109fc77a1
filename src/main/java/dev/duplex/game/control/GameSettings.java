package dev.duplex.game.control;

/**
 * The game's configuration ({@code duplex.game.*}, README "Configuration").
 *
 * @param tickHz          simulation ticks (and snapshots) per second
 * @param slots           ships per room; bots fill the slots no player holds
 * @param maxSpectators   spectators per room
 * @param maxRooms        rooms on this instance
 * @param orbs            orbs per room
 * @param graceSeconds    how long a dropped player's ship waits for a rejoin with its token
 * @param inputRate       inputs per second a player may send, sustained
 * @param inputBurst      inputs a player may send at once: what a client held up by its network (or a
 *                        server held up by a pause) delivers in one go must not look like a flood
 * @param delta           whether snapshots are delta-compressed (false: always full, for comparison)
 * @param history         snapshots kept per client as delta bases
 * @param view            half the side of the square a client sees, world units (interest management)
 */
public record GameSettings(int tickHz, int slots, int maxSpectators, int maxRooms, int orbs, int graceSeconds,
        int inputRate, int inputBurst, boolean delta, int history, int view) {

    /** Inputs queued per player beyond which the oldest are dropped (the client runs ahead of the server). */
    static final int MAX_QUEUED_INPUTS = 8;

    public GameSettings {
        if (tickHz < 1 || tickHz > 120 || slots < 1 || slots > 64 || maxSpectators < 0 || maxRooms < 1 || orbs < 0
                || orbs > 1000 || graceSeconds < 0 || inputRate < 1 || inputBurst < 1 || history < 1 || view < 100 || view > 2000) {
            throw new IllegalArgumentException("game settings out of range: " + this);
        }
    }

    /** The defaults of microprofile-config.properties. */
    public static GameSettings defaults() {
        return new GameSettings(30, 8, 16, 100, 40, 15, 60, 300, true, 32, 600);
    }
}
