package dev.duplex.draw.entity;

/**
 * The error codes of the {@code draw.bin} ERROR message (0x8F), as docs/PLAY.md lists them.
 * {@link #violation} errors count towards {@code duplex.draw.max-violations}; the others are limits
 * a well-behaved page can meet.
 */
public enum DrawError {
    MALFORMED(1, true),
    UNKNOWN_TYPE(2, true),
    OUT_OF_RANGE(3, true),
    NOT_JOINED(4, true),
    ALREADY_JOINED(5, true),
    BAD_NAME(6, false),
    BOARD_FULL(7, false),
    SAMPLE_RATE(8, false),
    TOO_MANY_STROKES(9, false),
    BOARD_BYTES(10, false),
    NO_STROKE(11, true),
    NOTHING_TO_UNDO(12, false),
    SNAPSHOT_REFUSED(13, false),
    STROKE_TOO_LONG(14, false),
    TOO_MANY_BOARDS(15, false);

    private final int code;
    private final boolean violation;

    DrawError(int code, boolean violation) {
        this.code = code;
        this.violation = violation;
    }

    public int code() {
        return code;
    }

    public boolean violation() {
        return violation;
    }
}
