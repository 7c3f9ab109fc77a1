package dev.duplex.chat.control;

import dev.duplex.chat.entity.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The bus of one instance alone: everything in memory, nothing to set up. Each room keeps its last
 * {@code historySize} messages; ids count up from 1 per room. Delivery and presence notices happen
 * on the calling thread, under the room's lock, so they are in id order.
 *
 * <p>A room whose roster has been empty for the grace period is forgotten by
 * {@link #discardEmptyRooms}: its history and roster are dropped, and its ids start from 1 again.
 */
public final class LocalBus extends RosterBus {

    private final int historySize;
    private final Consumer<PresenceNotice> presence;
    private final LongSupplier clock;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentMap<String, String>> rosters;
    /** Rooms whose roster is empty, and since when (epoch milliseconds of {@link #clock}). */
    private final Map<String, Long> emptiedAt = new ConcurrentHashMap<>();
    /** Claims and discards of one room exclude each other; rooms share these by hash. */
    private final Object[] locks = new Object[64];

    /**
     * @param historySize messages kept per room
     * @param presence    gets every presence notice
     * @param clock       the time stamped on messages, in epoch milliseconds
     */
    public LocalBus(int historySize, Consumer<PresenceNotice> presence, LongSupplier clock) {
        this(new ConcurrentHashMap<>(), historySize, presence, clock);
    }

    private LocalBus(Map<String, ConcurrentMap<String, String>> rosters, int historySize, Consumer<PresenceNotice> presence,
            LongSupplier clock) {
        super(room -> rosters.computeIfAbsent(room, r -> new ConcurrentHashMap<>()));
        this.rosters = rosters;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        this.historySize = historySize;
        this.presence = presence;
        this.clock = clock;
    }

    @Override
    public String mode() {
        return "local";
    }

    @Override
    public String instance() {
        return "local";
    }

    @Override
    public int instances() {
        return 1;
    }

    @Override
    public ChatMessage append(String room, String from, String text) {
        Room r = room(room);
        synchronized (r) {
            ChatMessage message = new ChatMessage(++r.lastId, room, from, text, clock.getAsLong());
            r.kept.addLast(message);
            if (r.kept.size() > historySize) {
                r.kept.removeFirst();
            }
            if (r.feed != null) {
                r.feed.deliver(message);
            }
            return message;
        }
    }

    @Override
    public History history(String room, OptionalLong since, int limit) {
        Room r = room(room);
        synchronized (r) {
            long oldest = r.kept.isEmpty() ? r.lastId + 1 : r.kept.peekFirst().id();
            History.Window window = History.Window.of(oldest, r.lastId, since, limit);
            List<ChatMessage> messages = new ArrayList<>((int) window.count());
            for (ChatMessage message : r.kept) {
                if (message.id() >= window.fromId()) {
                    messages.add(message);
                }
            }
            return new History(messages, r.lastId, window.truncated());
        }
    }

    @Override
    public void follow(String room, RoomFeed feed) {
        Room r = room(room);
        synchronized (r) {
            r.feed = feed;
        }
    }

    @Override
    public void unfollow(String room) {
        Room r = rooms.get(room);
        if (r != null) {
            synchronized (r) {
                r.feed = null;
            }
        }
    }

    @Override
    public int discardEmptyRooms(long graceMillis) {
        long now = clock.getAsLong();
        int discarded = 0;
        for (Map.Entry<String, Long> note : emptiedAt.entrySet()) {
            if (now - note.getValue() < graceMillis) {
                continue;
            }
            String room = note.getKey();
            boolean gone = exclusive(room, () -> {
                Long since = emptiedAt.get(room);
                if (since == null || now - since < graceMillis) {
                    return false;
                }
                emptiedAt.remove(room);
                if (!rosterEmpty(room)) {
                    return false;
                }
                rosters.remove(room);
                rooms.remove(room);
                return true;
            });
            if (gone) {
                discarded++;
            }
        }
        return discarded;
    }

    @Override
    public int keptRooms() {
        Set<String> kept = new HashSet<>(rooms.keySet());
        kept.addAll(rosters.keySet());
        return kept.size();
    }

    @Override
    <T> T exclusive(String room, Supplier<T> action) {
        synchronized (locks[Math.floorMod(room.hashCode(), locks.length)]) {
            return action.get();
        }
    }

    @Override
    void occupied(String room) {
        emptiedAt.remove(room);
    }

    @Override
    void emptied(String room) {
        emptiedAt.put(room, clock.getAsLong());
    }

    @Override
    public void announce(PresenceNotice notice) {
        presence.accept(notice);
    }

    @Override
    public void close() {
        rooms.values().forEach(r -> {
            synchronized (r) {
                r.feed = null;
            }
        });
    }

    private Room room(String name) {
        return rooms.computeIfAbsent(name, n -> new Room());
    }

    /** One room's kept messages, its last id and this instance's feed; guarded by itself. */
    private static final class Room {
        final ArrayDeque<ChatMessage> kept = new ArrayDeque<>();
        long lastId;
        RoomFeed feed;
    }
}
