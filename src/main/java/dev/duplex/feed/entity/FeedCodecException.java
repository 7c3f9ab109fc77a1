package dev.duplex.feed.entity;

/**
 * A feed message (JSON or {@code feed.bin} binary) that does not follow {@code docs/FEED.md}, as
 * seen by a client-side decoder ({@link JsonFeedCodec#decodeMessage}, {@link BinaryFeedDecoder}).
 * The message says what is wrong and where, for the client's log.
 */
public final class FeedCodecException extends Exception {

    private static final long serialVersionUID = 1L;

    public FeedCodecException(String message) {
        super(message);
    }

    public FeedCodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
