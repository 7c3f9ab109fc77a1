package dev.duplex.chat.control;

import dev.duplex.chat.entity.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The bus of one instance alone: everything in memory, nothing to set up. Each room keeps its last
 * {@code historySize} messages; ids count up from 1 per room. Delivery and presence notices happen
 * on the calling thread, under the room's lock, so they are in id order.
 */
public final class LocalBus implements ChatBus {

    private final int historySize;
    private final Consumer<PresenceNotice> presence;
    private final LongSupplier clock;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> rosters = new ConcurrentHashMap<>();
    private final Roster roster = new Roster(new Roster.Store() {
        @Override
        public String putIfAbsent(String room, String key, String value) {
            return roster(room).putIfAbsent(key, value);
        }

        @Override
        public boolean replace(String room, String key, String expected, String value) {
            return roster(room).replace(key, expected, value);
        }

        @Override
        public boolean remove(String room, String key, String expected) {
            return roster(room).remove(key, expected);
        }

        @Override
        public Collection<String> values(String room) {
            return List.copyOf(roster(room).values());
        }
    });

    /**
     * @param historySize messages kept per room
     * @param presence    gets every presence notice
     * @param clock       the time stamped on messages, in epoch milliseconds
     */
    public LocalBus(int historySize, Consumer<PresenceNotice> presence, LongSupplier clock) {
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
        Room r = room(room);
        synchronized (r) {
            r.feed = null;
        }
    }

    @Override
    public Claim claim(String room, Holder holder) {
        return roster.claim(room, holder);
    }

    @Override
    public boolean release(String room, Holder holder) {
        return roster.release(room, holder);
    }

    @Override
    public List<String> members(String room) {
        return roster.members(room);
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

    private Map<String, String> roster(String room) {
        return rosters.computeIfAbsent(room, r -> new ConcurrentHashMap<>());
    }

    private static final class Room {
        final ArrayDeque<ChatMessage> kept = new ArrayDeque<>();
        long lastId;
        RoomFeed feed;
    }
}
