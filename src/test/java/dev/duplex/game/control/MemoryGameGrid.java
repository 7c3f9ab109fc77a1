package dev.duplex.game.control;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cluster's grid in memory for the unit tests: the room directory, checkpoints, token index and
 * matchmaking vacancies as maps shared by every member's {@link GameBus}, and relay messages queued until {@link #deliver}
 * hands them over (in order), as the mailboxes' listener threads would.
 */
final class MemoryGameGrid {

    final Map<String, String> rooms = new ConcurrentHashMap<>();
    final Map<String, byte[]> checkpoints = new ConcurrentHashMap<>();
    final Map<String, String> tokens = new ConcurrentHashMap<>();
    final Map<String, Integer> vacancies = new ConcurrentHashMap<>();
    private final Map<String, GameBus.Listener> members = new LinkedHashMap<>();
    private final Queue<Object[]> mail = new ArrayDeque<>();

    GameBus member(String self) {
        return new GameBus() {
            @Override
            public String mode() {
                return "memory";
            }

            @Override
            public String self() {
                return self;
            }

            @Override
            public int instances() {
                return members.size();
            }

            @Override
            public void listen(Listener listener) {
                members.put(self, listener);
            }

            @Override
            public String claim(String room) {
                String holder = rooms.putIfAbsent(room, self);
                if (holder == null || holder.equals(self) || members.containsKey(holder)) {
                    return holder == null ? self : holder;
                }
                return rooms.replace(room, holder, self) ? self : rooms.get(room);
            }

            @Override
            public List<String> orphans() {
                List<String> out = new ArrayList<>();
                rooms.forEach((room, owner) -> {
                    if (!members.containsKey(owner)) {
                        out.add(room);
                    }
                });
                checkpoints.keySet().stream().filter(r -> !rooms.containsKey(r)).forEach(out::add);
                return out;
            }

            @Override
            public void save(String room, byte[] checkpoint) {
                checkpoints.put(room, checkpoint);
            }

            @Override
            public Optional<byte[]> checkpoint(String room) {
                return Optional.ofNullable(checkpoints.get(room));
            }

            @Override
            public void closed(String room) {
                checkpoints.remove(room);
                rooms.remove(room, self);
            }

            @Override
            public void handOver(String room) {
                rooms.remove(room, self);
            }

            @Override
            public void token(byte[] token, String room) {
                tokens.put(HexFormat.of().formatHex(token), room);
            }

            @Override
            public void forget(byte[] token) {
                tokens.remove(HexFormat.of().formatHex(token));
            }

            @Override
            public Optional<String> roomOf(byte[] token) {
                return Optional.ofNullable(tokens.get(HexFormat.of().formatHex(token)));
            }

            @Override
            public void vacancy(int freeSlots) {
                if (freeSlots > 0) {
                    vacancies.put(self, freeSlots);
                } else {
                    vacancies.remove(self);
                }
            }

            @Override
            public Map<String, Integer> vacancies() {
                return Map.copyOf(vacancies);
            }

            @Override
            public boolean live(String member) {
                return members.containsKey(member);
            }

            @Override
            public void send(String member, byte[] message) {
                mail.add(new Object[] {member, message});
            }

            @Override
            public void close() {
                members.remove(self);
            }
        };
    }

    /** Hands every queued relay message to its member (those of departed members are lost), until none is left. */
    int deliver() {
        int delivered = 0;
        Object[] next;
        while ((next = mail.poll()) != null) {
            GameBus.Listener listener = members.get((String) next[0]);
            if (listener != null) {
                listener.relay((byte[]) next[1]);
                delivered++;
            }
        }
        return delivered;
    }

    /** A member dies: it leaves the cluster without a word, and the others are told. */
    void kill(String member) {
        members.remove(member);
        mail.removeIf(m -> m[0].equals(member));
        for (GameBus.Listener listener : new ArrayList<>(members.values())) {
            listener.memberLeft(member);
        }
    }
}
