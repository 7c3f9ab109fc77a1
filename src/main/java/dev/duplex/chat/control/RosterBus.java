package dev.duplex.chat.control;

import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/** What every {@link ChatBus} does the same way: nicknames through a {@link Roster} over its store. */
abstract class RosterBus implements ChatBus {

    private final Roster roster;

    /** @param maps the roster map of each room */
    RosterBus(Function<String, ConcurrentMap<String, String>> maps) {
        this.roster = new Roster(maps);
    }

    @Override
    public final Claim claim(String room, Holder holder) {
        return roster.claim(room, holder);
    }

    @Override
    public final boolean release(String room, Holder holder) {
        return roster.release(room, holder);
    }

    @Override
    public final List<String> members(String room) {
        return roster.members(room);
    }
}
