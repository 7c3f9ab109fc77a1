package dev.duplex.feed.entity;

/**
 * The codes of {@code error} messages on {@code /feed}. After any of them the session stays open;
 * the documented texts are in {@code docs/FEED.md}.
 */
public enum FeedError {
    /** The text is not JSON, or nested too deeply. */
    BAD_JSON("bad-json"),
    /** JSON, but not a command: unknown type, missing or ill-typed member. */
    BAD_COMMAND("bad-command"),
    /** No topic of that name. */
    UNKNOWN_TOPIC("unknown-topic"),
    /** The topic has no item of that name. */
    UNKNOWN_ITEM("unknown-item"),
    /** maxFrequency is negative, not a number, or above the server's maximum. */
    BAD_FREQUENCY("bad-frequency"),
    /** The session already holds the maximum number of subscriptions. */
    TOO_MANY_SUBSCRIPTIONS("too-many-subscriptions"),
    /** The subscription asks for more items than one subscription may name. */
    TOO_MANY_ITEMS("too-many-items"),
    /** The id is already used by an open subscription of this session. */
    DUPLICATE_ID("duplicate-id"),
    /** No open subscription has that id. */
    UNKNOWN_SUBSCRIPTION("unknown-subscription"),
    /** A binary message from the client: commands are JSON text. */
    BINARY_NOT_ACCEPTED("binary-not-accepted");

    private final String code;

    FeedError(String code) {
        this.code = code;
    }

    /** The code as it appears on the wire. */
    public String code() {
        return code;
    }
}
