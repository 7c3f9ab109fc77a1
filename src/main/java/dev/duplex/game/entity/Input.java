package dev.duplex.game.entity;

/**
 * One input of a player for one tick: the thrust direction on each axis ({@code -127..127}, a
 * fraction of full thrust) and the buttons ({@link #BOOST}). The server applies each input for
 * exactly one tick, in sequence order, and never takes a position or speed from a client.
 *
 * @param seq     the client's sequence number, increasing by one per input
 * @param dx      thrust to the right, -127..127
 * @param dy      thrust downwards, -127..127
 * @param buttons bit 0: boost; other bits must be 0
 */
public record Input(long seq, int dx, int dy, int buttons) {

    /** Buttons bit: boost (faster acceleration and top speed). */
    public static final int BOOST = 1;

    /** No thrust: what a ship does without input. */
    public static final Input IDLE = new Input(0, 0, 0, 0);

    /** Whether the values are in the documented ranges (the codec reads -128 and unknown buttons too, to answer them). */
    public boolean inRange() {
        return dx >= -127 && dx <= 127 && dy >= -127 && dy <= 127 && (buttons & ~BOOST) == 0;
    }

    public boolean boost() {
        return (buttons & BOOST) != 0;
    }
}
