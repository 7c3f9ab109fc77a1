package dev.duplex.chat.control;

/**
 * A change of a room's membership, sent to every server instance.
 *
 * @param kind   what happened
 * @param room   the room
 * @param holder who joined or left; for {@link Kind#REPLACED}, the holder whose session must go
 */
public record PresenceNotice(Kind kind, String room, Holder holder) {

    public enum Kind {
        /** A nickname joined the room. */
        JOINED,
        /** A nickname left the room (leave, disconnection, or its server instance died). */
        LEFT,
        /** A rejoin with the same token took the nickname over; the earlier session is closed. */
        REPLACED
    }
}
