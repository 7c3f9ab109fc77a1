package dev.duplex.chat.control;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Who holds which nickname in each room, over a map per room with atomic conditional updates (a
 * {@code ConcurrentHashMap}, or a Hazelcast {@code IMap}, which is a {@code ConcurrentMap} too). Keys are nickname keys
 * ({@link Holder#key}), values encoded {@link Holder}s.
 */
final class Roster {

    private final Function<String, ConcurrentMap<String, String>> maps;

    /** @param maps the map of each room (created on first use) */
    Roster(Function<String, ConcurrentMap<String, String>> maps) {
        this.maps = maps;
    }

    /**
     * Gives the nickname to {@code holder} when nobody holds it, or when its holder has the same
     * rejoin token (the same client coming back while the server still holds its old connection):
     * then the old holder is returned so that its session can be closed.
     */
    Claim claim(String room, Holder holder) {
        String value = holder.encode();
        for (int attempt = 0; attempt < 5; attempt++) {
            String existing = maps.apply(room).putIfAbsent(holder.key(), value);
            if (existing == null) {
                return Claim.GRANTED;
            }
            Holder current = Holder.decode(existing);
            if (!current.tokenHash().equals(holder.tokenHash())) {
                return Claim.TAKEN;
            }
            if (maps.apply(room).replace(holder.key(), existing, value)) {
                return Claim.tookOver(current);
            }
        }
        return Claim.TAKEN;
    }

    boolean release(String room, Holder holder) {
        return maps.apply(room).remove(holder.key(), holder.encode());
    }

    boolean isEmpty(String room) {
        return maps.apply(room).isEmpty();
    }

    List<String> members(String room) {
        return maps.apply(room).values().stream()
                .map(v -> Holder.decode(v).nick())
                .sorted(Comparator.comparing((String n) -> n.toLowerCase(java.util.Locale.ROOT)).thenComparing(n -> n))
                .toList();
    }
}
