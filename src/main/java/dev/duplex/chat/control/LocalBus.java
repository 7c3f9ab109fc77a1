package dev.duplex.chat.control;

import dev.duplex.chat.entity.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The bus of one instance alone: everything in memory, nothing to set up. Each room keeps its last
 * {@code historySize} messages; ids count up from 1 per room. Delivery and presence notices happen
 * on the calling thread, under the room's lock, so they are in id order.
 */
public final class LocalBus extends RosterBus {

    private final int historySize;
    private final Consumer<PresenceNotice> presence;
    private final LongSupplier clock;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();

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
