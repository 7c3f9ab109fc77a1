package dev.duplex.platform;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;

/**
 * A message the server will not hold: it grew past its endpoint's size limit (the session is closed
 * with 1009), or the memory budget refused the bytes it needs now (closed with 1013 "Server busy:
 * memory budget", try again later).
 */
public final class MessageTooBigException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The close reason of a message refused by the memory budget (well under the 123-byte cap). */
    public static final String OVER_BUDGET = "Server busy: memory budget";

    private final long limit;
    private final boolean overBudget;

    public MessageTooBigException(long limit) {
        this(limit, false);
    }

    private MessageTooBigException(long limit, boolean overBudget) {
        super(overBudget ? OVER_BUDGET : "Message too big: the limit is " + limit + " bytes");
        this.limit = limit;
        this.overBudget = overBudget;
    }

    /** The memory budget refused to let the session hold more now. */
    public static MessageTooBigException overBudget() {
        return new MessageTooBigException(0, true);
    }

    /** The endpoint's size limit, or 0 for a refusal by the memory budget. */
    public long limit() {
        return limit;
    }

    /** Whether the memory budget refused it (1013) rather than the size limit (1009). */
    public boolean isOverBudget() {
        return overBudget;
    }

    /** 1009 with a reason that names the limit, or 1013 "Server busy: memory budget". */
    public CloseReason closeReason() {
        return new CloseReason(overBudget ? CloseCodes.TRY_AGAIN_LATER : CloseCodes.TOO_BIG, getMessage());
    }
}
