package dev.duplex.draw.control;

import java.util.regex.Pattern;

/**
 * The limits of {@code /draw} ({@code duplex.draw.*}, documented in README and docs/PLAY.md).
 *
 * @param maxMessageBytes     largest message read (a snapshot PNG is the largest); larger closes with 1009
 * @param samplesPerSecond    samples (and cursor moves) a member may send per second, sustained
 * @param samplesBurst        ... and at once
 * @param maxSamplesPerStroke samples one stroke may have; later samples are refused
 * @param maxStrokes          strokes a board keeps besides its snapshot; new strokes are refused beyond
 * @param compactAfter        strokes in the log after which a member is asked for a snapshot
 * @param keepAfterSnapshot   strokes left in the log after a snapshot (they can still be undone)
 * @param maxBoardBytes       bytes a board may hold (strokes and snapshot), also charged to the memory budget
 * @param maxMembers          members per board
 * @param maxBoards           boards on this instance
 * @param maxViolations       malformed or out-of-protocol messages a session may send before it is closed (1008)
 * @param emptyGraceMillis    how long an empty board is kept before it is freed
 * @param snapshotTimeoutMillis how long a member has to answer a snapshot request before another is asked
 * @param namePattern         members' names
 * @param boardPattern        boards' names
 */
public record DrawLimits(long maxMessageBytes, double samplesPerSecond, double samplesBurst, int maxSamplesPerStroke,
        int maxStrokes, int compactAfter, int keepAfterSnapshot, long maxBoardBytes, int maxMembers, int maxBoards,
        int maxViolations, long emptyGraceMillis, long snapshotTimeoutMillis, Pattern namePattern, Pattern boardPattern) {

    /** The defaults of microprofile-config.properties, for tests. */
    public static DrawLimits defaults() {
        return new DrawLimits(4_194_304, 240, 480, 4096, 2000, 200, 50, 16_777_216, 32, 1000, 10, 60_000, 10_000,
                Pattern.compile("[\\p{L}\\p{N}_.\\- ]{1,24}"), Pattern.compile("[A-Za-z0-9_.-]{1,40}"));
    }
}
