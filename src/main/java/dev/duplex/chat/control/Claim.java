package dev.duplex.chat.control;

/**
 * The outcome of claiming a nickname in a room.
 *
 * @param granted  whether the claimant now holds it
 * @param replaced the earlier holder the claimant took it over from (same rejoin token), or null
 */
public record Claim(boolean granted, Holder replaced) {

    static final Claim GRANTED = new Claim(true, null);
    static final Claim TAKEN = new Claim(false, null);

    static Claim tookOver(Holder replaced) {
        return new Claim(true, replaced);
    }
}
