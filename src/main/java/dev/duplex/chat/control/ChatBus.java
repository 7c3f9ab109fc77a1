package dev.duplex.chat.control;

import dev.duplex.chat.entity.ChatMessage;
import java.util.List;
import java.util.OptionalLong;

/**
 * The distribution bus: what the chat shares between server instances. Each room has an ordered
 * log (its message ids, its history, its fan-out to every instance) and a roster (who holds which
 * nickname). Presence changes are announced to every instance, this one included.
 *
 * <p>Two implementations: {@link LocalBus} in memory when one instance runs alone, and
 * {@link HazelcastBus} over Payara Micro's embedded Hazelcast when instances form a cluster.
 * Methods may block briefly on the network; failures of the shared state surface as
 * {@link RuntimeException}s.
 */
public interface ChatBus extends AutoCloseable {

    /** "local" or "hazelcast". */
    String mode();

    /** This instance's name in the bus. */
    String instance();

    /** How many instances share the bus now. */
    int instances();

    /**
     * Appends a message to the room's log and returns it with its id. Calls from one thread are
     * appended in call order.
     */
    ChatMessage append(String room, String from, String text);

    /** The last {@code limit} messages of the room, or those after {@code since} (see {@link History}). */
    History history(String room, OptionalLong since, int limit);

    /**
     * Starts delivering the room's new messages (those appended from now on) to {@code feed}, in id
     * order, each exactly once, until {@link #unfollow}. One feed per room.
     */
    void follow(String room, RoomFeed feed);

    void unfollow(String room);

    /** Claims the holder's nickname in the room (see {@link Roster#claim}). */
    Claim claim(String room, Holder holder);

    /** Gives the nickname back if this holder still holds it; true when it did. */
    boolean release(String room, Holder holder);

    /** The nicknames in the room, sorted without regard to case. */
    List<String> members(String room);

    /**
     * Frees the state (history, roster) of every room whose roster has been empty, cluster-wide,
     * for at least {@code graceMillis}; a room someone joined meanwhile is kept. Each instance
     * calls it now and then; in a cluster each instance discards the rooms it owns the note of.
     *
     * @return how many rooms were discarded
     */
    int discardEmptyRooms(long graceMillis);

    /** How many rooms the bus keeps state for (history or roster), cluster-wide. */
    int keptRooms();

    /** Tells every instance, this one included, about a presence change. */
    void announce(PresenceNotice notice);

    @Override
    void close();
}
