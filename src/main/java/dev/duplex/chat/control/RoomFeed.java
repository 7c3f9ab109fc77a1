package dev.duplex.chat.control;

import dev.duplex.chat.entity.ChatMessage;

/** Where a bus delivers one room's messages on this instance: in id order, one at a time. */
public interface RoomFeed {

    void deliver(ChatMessage message);

    /** Messages were lost to this instance: its reader fell further behind than the room's log keeps. */
    void fellBehind(long lost);
}
