package dev.duplex.chat.control;

import dev.duplex.chat.entity.ChatMessage;
import java.util.List;
import java.util.OptionalLong;

/**
 * What a joining session is sent of a room's past.
 *
 * @param messages  oldest first
 * @param lastId    the id of the room's newest message when the history was read (0 for none):
 *                  every later message reaches the session live
 * @param truncated whether the history fails to reach back to the {@code since} the client gave
 */
public record History(List<ChatMessage> messages, long lastId, boolean truncated) {

    public History {
        messages = List.copyOf(messages);
    }

    /**
     * Which ids to send, given what the room keeps.
     *
     * @param oldestId the id of the oldest message kept ({@code lastId + 1} when none is kept)
     * @param lastId   the id of the newest message (0 for a room without messages)
     * @param since    the last id the client saw, when it rejoins
     * @param limit    at most this many messages
     */
    record Window(long fromId, long lastId, boolean truncated) {

        static Window of(long oldestId, long lastId, OptionalLong since, int limit) {
            long from = Math.max(oldestId, lastId - limit + 1);
            if (since.isEmpty()) {
                return new Window(from, lastId, false);
            }
            long seen = since.getAsLong();
            if (seen > lastId) {
                // The client saw ids this room never had: its history was reset (the whole cluster restarted).
                return new Window(from, lastId, true);
            }
            return new Window(Math.max(from, seen + 1), lastId, seen + 1 < from);
        }

        long count() {
            return Math.max(0, lastId - fromId + 1);
        }
    }
}
