package dev.duplex.game.entity;

/** The kinds of entity in a snapshot (the {@code kind} field). */
public final class EntityKind {

    /** A ship a player flies; aux is its score. */
    public static final int SHIP = 1;
    /** A ship a bot flies; aux is its score. */
    public static final int BOT = 2;
    /** An orb to collect; aux is 0. */
    public static final int ORB = 3;

    private EntityKind() {
    }
}
