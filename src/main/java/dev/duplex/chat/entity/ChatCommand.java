package dev.duplex.chat.entity;

import java.util.OptionalLong;

/**
 * What a chat client sends, one JSON text message each (see {@link ChatCommandDecoder} for the
 * JSON shapes). A session first joins a room, then says things in it, and may leave it to join
 * another.
 */
public sealed interface ChatCommand permits ChatCommand.Join, ChatCommand.Say, ChatCommand.Leave {

    /**
     * Enter {@code room} as {@code nick}.
     *
     * @param since the id of the last message this client saw in the room, when it rejoins after a
     *              disconnection: the welcome then carries exactly the messages after it
     * @param token the token of an earlier welcome, when it rejoins: it lets the client take back
     *              its nickname from a connection the server still holds (a dead instance, a
     *              connection that has not timed out yet); {@code null} when absent
     */
    record Join(String room, String nick, OptionalLong since, String token) implements ChatCommand {
    }

    /** Say {@code text} in the room the session joined. */
    record Say(String text) implements ChatCommand {
    }

    /** Leave the room; the session stays open and may join again. */
    record Leave() implements ChatCommand {
    }
}
