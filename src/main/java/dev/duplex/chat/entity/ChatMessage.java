package dev.duplex.chat.entity;

/**
 * One thing said in a room, as stored in its history and sent to every member.
 *
 * @param id   the room's sequence number of the message: 1 for the first message of a room, then
 *             increasing by one, the same on every server instance of a cluster; so "the messages
 *             after id n" means the same thing everywhere
 * @param room the room it was said in
 * @param from the nickname of the sender
 * @param text what was said
 * @param ts   when the server accepted it, in milliseconds since the epoch
 */
public record ChatMessage(long id, String room, String from, String text, long ts) {
}
