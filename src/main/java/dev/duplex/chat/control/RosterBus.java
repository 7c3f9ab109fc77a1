package dev.duplex.chat.control;

import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every {@link ChatBus} does the same way: nicknames through a {@link Roster} over its store,
 * and the bookkeeping that lets empty rooms be freed: when a release leaves a room's roster empty
 * the bus notes the time ({@link #emptied}); a claim takes the note away ({@link #occupied}). A
 * claim runs {@link #exclusive exclusively} with the bus' discarding of that room, so that a room
 * is never discarded under someone who just joined it.
 */
abstract class RosterBus implements ChatBus {

    private final Roster roster;

    /** @param maps the roster map of each room */
    RosterBus(Function<String, ConcurrentMap<String, String>> maps) {
        this.roster = new Roster(maps);
    }

    @Override
    public final Claim claim(String room, Holder holder) {
        return exclusive(room, () -> {
            occupied(room);
            return roster.claim(room, holder);
        });
    }

    @Override
    public final boolean release(String room, Holder holder) {
        boolean released = roster.release(room, holder);
        if (released && roster.isEmpty(room)) {
            emptied(room);
        }
        return released;
    }

    @Override
    public final List<String> members(String room) {
        return roster.members(room);
    }

    /** Whether nobody holds a nickname in the room. */
    final boolean rosterEmpty(String room) {
        return roster.isEmpty(room);
    }

    /** Runs {@code action} while no discard of {@code room} runs (and no other exclusive action on it). */
    abstract <T> T exclusive(String room, Supplier<T> action);

    /** Somebody claims a nickname in the room: it is not empty any more. */
    abstract void occupied(String room);

    /** The room's roster became empty now: it may be discarded after the grace period. */
    abstract void emptied(String room);
}
