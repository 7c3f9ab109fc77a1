package dev.duplex.feed.entity;

/**
 * A client's text that is not an acceptable {@link FeedCommand}: the {@code error} the server answers
 * with. {@link #getMessage()} is a fixed, client-safe text (never a parser's message or the client's
 * input), fit to be sent as the error's {@code message}.
 */
public final class BadFeedCommand extends Exception {

    private static final long serialVersionUID = 1L;

    private final FeedError code;
    private final int subscription;

    public BadFeedCommand(FeedError code, int subscription, String message) {
        super(message, null, false, false); // thrown for every bad command: no stack trace to fill
        this.code = code;
        this.subscription = subscription;
    }

    /** The error code to answer with. */
    public FeedError code() {
        return code;
    }

    /** The command's subscription id if it could be read (a valid id), else 0. */
    public int subscription() {
        return subscription;
    }

    /** The answer to send to the client. */
    public FeedMessage.Error toMessage() {
        return new FeedMessage.Error(code, getMessage(), subscription);
    }
}
