package dev.duplex.image.entity;

/**
 * What went wrong, as the {@code code} of an {@code error} message. The session stays open after
 * every one of them.
 */
public enum ErrorCode {
    /** The bytes are not an image of any format the server knows. */
    NOT_AN_IMAGE("not-an-image"),
    /** An image format the server recognises but does not read (TIFF, AVIF, ...). */
    UNSUPPORTED_FORMAT("unsupported-format"),
    /** The image ends before its data does. */
    TRUNCATED("truncated"),
    /** The image's header or data is damaged, or the decoder refused it. */
    CORRUPT("corrupt"),
    /** The header claims more pixels than {@code duplex.image.max-pixels}: a decompression bomb or just too big. */
    TOO_MANY_PIXELS("too-many-pixels"),
    /** The encoded result would exceed {@code duplex.image.max-output-bytes}. */
    OUTPUT_TOO_LARGE("output-too-large"),
    /** An operation name the server does not have; {@code valid} lists those it has. */
    UNKNOWN_OPERATION("unknown-operation"),
    /** A parameter, format or quality out of range or unknown; {@code valid} lists the valid ones. */
    BAD_PARAMETER("bad-parameter"),
    /** A text message that is not a valid control message; {@code valid} lists the message types. */
    BAD_MESSAGE("bad-message"),
    /** The image was not processed because the server or this connection has too many images in progress. */
    BUSY("busy"),
    /** The server failed unexpectedly; the details are in its log. */
    INTERNAL("internal");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
