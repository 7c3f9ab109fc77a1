package dev.duplex.chat.entity;

import java.util.List;

/**
 * What the chat server sends, one JSON text message each (see {@link ChatEventEncoder} for the
 * JSON shapes).
 */
public sealed interface ChatEvent permits ChatEvent.Welcome, ChatEvent.Message, ChatEvent.Presence, ChatEvent.Error {

    /**
     * The answer to a join: the session is now a member of {@code room} as {@code nick}.
     *
     * @param members   the room's members, the new one included, sorted
     * @param history   the last messages of the room, oldest first; after a join with {@code since},
     *                  only the messages after that id
     * @param token     a secret to send with a later join of the same nickname (see
     *                  {@link ChatCommand.Join#token()})
     * @param truncated true when the history does not reach back to {@code since} (more was missed
     *                  than the server keeps, or the room's history was reset); always false after a
     *                  join without {@code since}
     */
    record Welcome(String room, String nick, List<String> members, List<ChatMessage> history, String token,
            boolean truncated) implements ChatEvent {
        public Welcome {
            members = List.copyOf(members);
            history = List.copyOf(history);
        }
    }

    /** A message said in the room, the sender's own included (its acknowledgement). */
    record Message(ChatMessage message) implements ChatEvent {
    }

    /** Someone joined or left the room; {@code members} is the room's member list after it. */
    record Presence(String room, PresenceEvent event, String nick, List<String> members) implements ChatEvent {
        public Presence {
            members = List.copyOf(members);
        }
    }

    /** A command was refused; the session stays open. {@code code} is one of {@link ErrorCode}'s wire names. */
    record Error(ErrorCode code, String message) implements ChatEvent {
    }

    /** The {@code event} of a presence message. */
    enum PresenceEvent {
        JOINED("joined"), LEFT("left");

        private final String wireName;

        PresenceEvent(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
