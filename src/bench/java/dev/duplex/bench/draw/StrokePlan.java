package dev.duplex.bench.draw;

/**
 * What every bench member draws, as a function of its own sample sequence: sample {@code k} of a
 * member (0, 1, 2, ... over the whole run) is sample {@code k % length} of its stroke
 * {@code k / length}. A receiver recovers {@code k} from what the server relays, without a clock
 * or a tag in the payload beyond what draw.bin carries anyway:
 * <ul>
 * <li>the stroke's number is its BEGIN's colour (24 bits; a member's strokes are numbered from 0);</li>
 * <li>the sample's place in its stroke is its {@code x} divided by {@link #X_STEP} (the pen moves
 *     right by 3/8 pixel per sample, 4096 samples at most: x stays within 0..12288);</li>
 * <li>{@code y} is a function of (member, stroke, index) the receiver checks, so a sample that
 *     arrives altered or attributed to the wrong stroke is counted as a mismatch.</li>
 * </ul>
 * Since all members live in one process, the time sample {@code k} was due is known to every
 * receiver from the sender's open-loop schedule: that is the send-time table.
 */
final class StrokePlan {

    static final int X_STEP = 3;
    static final int MAX_LENGTH = 4096;
    static final int WIDTH_PX = 4;
    private static final int Y_BASE = 200;
    private static final int Y_SPAN = DrawWire.MAX_Y - 2 * Y_BASE;

    private final int length;

    StrokePlan(int length) {
        if (length < 1 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("a stroke has 1.." + MAX_LENGTH + " samples, not " + length);
        }
        this.length = length;
    }

    int length() {
        return length;
    }

    long stroke(long k) {
        return k / length;
    }

    int index(long k) {
        return (int) (k % length);
    }

    long sequence(long stroke, int index) {
        return stroke * length + index;
    }

    /** The colour of a member's stroke: its number (mod 2^24). */
    static int rgb(long stroke) {
        return (int) (stroke & 0xFFFFFF);
    }

    static int x(int index) {
        return index * X_STEP;
    }

    static int y(int member, long stroke, int index) {
        return Y_BASE + (int) Math.floorMod(member * 97L + stroke * 31L + index * 5L, (long) Y_SPAN);
    }

    /** The sample's place in its stroke from its x, or -1 when no sample of this plan has that x. */
    int indexOf(int x) {
        if (x % X_STEP != 0 || x / X_STEP >= length) {
            return -1;
        }
        return x / X_STEP;
    }
}
