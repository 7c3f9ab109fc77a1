package dev.duplex.game.control;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the game shares between the instances of a cluster: the room directory (room → the one
 * instance that runs it), the rooms' checkpoints, an index of rejoin tokens, and a mailbox per
 * instance for {@link Relay} messages, and each instance's matchmaking vacancy. {@link LocalGameBus} when the instance runs alone (every room
 * is its own, nothing is kept), {@link HazelcastGameBus} on the cluster's grid.
 */
public interface GameBus extends AutoCloseable {

    /** "local" or "hazelcast". */
    String mode();

    /** This instance's member id. */
    String self();

    /** How many instances share the bus now. */
    int instances();

    /** Hands the bus what arrives for this instance: relay messages and departed instances. */
    void listen(Listener listener);

    /** Where the bus delivers, on its own threads. */
    interface Listener {
        void relay(byte[] message);

        void memberLeft(String member);
    }

    /**
     * Claims {@code room} for this instance unless a live instance holds it: takes a free entry,
     * and an entry of an instance that left the cluster (or gave its rooms up).
     *
     * @return the room's owner after the claim: {@link #self()} when this instance holds it now
     */
    String claim(String room);

    /** The rooms whose owner left the cluster, and the checkpoints nobody holds (handed over at an undeploy). */
    List<String> orphans();

    /** Puts the room's checkpoint in the grid (replacing the last). */
    void save(String room, byte[] checkpoint);

    /** The room's last checkpoint, if there is one. */
    Optional<byte[]> checkpoint(String room);

    /** The room closed (nobody left): its checkpoint and entry go. */
    void closed(String room);

    /** This instance stops running the room (undeploy): the entry goes, the checkpoint stays for a survivor. */
    void handOver(String room);

    /** Records which room a rejoin token belongs to. */
    void token(byte[] token, String room);

    /** Forgets a token (its player's slot went to a bot). */
    void forget(byte[] token);

    /** The room a token belongs to, if another instance's room holds it. */
    Optional<String> roomOf(byte[] token);

    /** Sends a relay message to an instance's mailbox, without waiting; one sender's messages to one instance arrive in order. */
    void send(String member, byte[] message);

    /**
     * Publishes this instance's vacancy: the free player slots of its fullest matchmade
     * ({@code arena-N}) room that has one; 0 (none) removes its entry.
     */
    default void vacancy(int freeSlots) {
    }

    /**
     * Every instance's published vacancy, by member id, as the grid holds them: this instance's own
     * and departed instances' entries may be among them (see {@link #live}).
     */
    default Map<String, Integer> vacancies() {
        return Map.of();
    }

    /** Whether {@code member} is in the cluster now. */
    default boolean live(String member) {
        return self().equals(member);
    }

    /** Batches of relay messages this instance published since start (0 where it relays nothing). */
    default long relayBatches() {
        return 0;
    }

    /** Relay messages in those batches ({@code relayMessages / relayBatches} is the average batch). */
    default long relayMessages() {
        return 0;
    }

    /** Removes everything this instance registered on the grid (listeners, its mailbox). */
    @Override
    void close();
}
