package dev.duplex.chat.entity;

/** The {@code code} of an {@code error} message: why a command was refused. */
public enum ErrorCode {
    /** The message is not a JSON object. */
    BAD_JSON("bad-json"),
    /** A field is missing or has the wrong JSON type. */
    BAD_REQUEST("bad-request"),
    /** The {@code type} is none of join, say, leave. */
    UNKNOWN_TYPE("unknown-type"),
    /** The room name breaks {@code duplex.chat.room-pattern}. */
    BAD_ROOM("bad-room"),
    /** The nickname breaks {@code duplex.chat.nick-pattern}. */
    BAD_NICK("bad-nick"),
    /**
     * Someone in the room already has this nickname or one that looks the same (compared after
     * NFKC case folding and the UTS #39 confusables skeleton: {@code dev.duplex.chat.control.NickKey}).
     */
    NICK_TAKEN("nick-taken"),
    /** A join while the session is already in a room: leave first. */
    ALREADY_JOINED("already-joined"),
    /** A say or leave before a join. */
    NOT_JOINED("not-joined"),
    /** The text is empty. */
    EMPTY_TEXT("empty-text"),
    /** The text is longer than {@code duplex.chat.max-text-bytes} in UTF-8. */
    TEXT_TOO_LONG("text-too-long"),
    /** The session sends faster than {@code duplex.chat.rate-per-second} allows. */
    RATE_LIMITED("rate-limited"),
    /**
     * The cluster's shared state did not answer in time; try again. After a say, the message may
     * still have been stored: if so it arrives as a {@code message} like any other.
     */
    UNAVAILABLE("unavailable");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * Whether a refusal with this code counts against the session's patience
     * ({@code duplex.chat.max-violations}). Refusals an honest client runs into (a taken nickname,
     * the cluster being unavailable) do not.
     */
    public boolean isViolation() {
        return this != NICK_TAKEN && this != UNAVAILABLE;
    }
}
