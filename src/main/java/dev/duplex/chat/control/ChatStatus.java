package dev.duplex.chat.control;

/**
 * The chat of this instance at a glance.
 *
 * @param mode      the bus: "local" or "hazelcast"
 * @param instance  this instance's name in the bus
 * @param instances how many instances share the chat
 * @param rooms     rooms with members on this instance
 * @param sessions  open chat sessions on this instance
 * @param members   sessions that are in a room
 * @param keptRooms rooms the bus keeps state for, cluster-wide
 * @param held      nicknames of closed connections held here for a rejoin (duplex.chat.rejoin-grace-ms)
 */
public record ChatStatus(String mode, String instance, int instances, int rooms, int sessions, int members,
        int keptRooms, int held) {
}
