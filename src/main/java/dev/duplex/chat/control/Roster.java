package dev.duplex.chat.control;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Who holds which nickname in each room, over a map with atomic conditional updates (a
 * {@code ConcurrentHashMap} or a Hazelcast {@code IMap}). Keys are nickname keys
 * ({@link Holder#key}), values encoded {@link Holder}s.
 */
final class Roster {

    /** A map per room with the atomic operations the roster needs. */
    interface Store {
        String putIfAbsent(String room, String key, String value);

        boolean replace(String room, String key, String expected, String value);

        boolean remove(String room, String key, String expected);

        Collection<String> values(String room);
    }

    private final Store store;

    Roster(Store store) {
        this.store = store;
    }

    /**
     * Gives the nickname to {@code holder} when nobody holds it, or when its holder has the same
     * rejoin token (the same client coming back while the server still holds its old connection):
     * then the old holder is returned so that its session can be closed.
     */
    Claim claim(String room, Holder holder) {
        String value = holder.encode();
        for (int attempt = 0; attempt < 5; attempt++) {
            String existing = store.putIfAbsent(room, holder.key(), value);
            if (existing == null) {
                return Claim.GRANTED;
            }
            Holder current = Holder.decode(existing);
            if (!current.tokenHash().equals(holder.tokenHash())) {
                return Claim.TAKEN;
            }
            if (store.replace(room, holder.key(), existing, value)) {
                return Claim.tookOver(current);
            }
        }
        return Claim.TAKEN;
    }

    boolean release(String room, Holder holder) {
        return store.remove(room, holder.key(), holder.encode());
    }

    List<String> members(String room) {
        return store.values(room).stream()
                .map(v -> Holder.decode(v).nick())
                .sorted(Comparator.comparing((String n) -> n.toLowerCase(java.util.Locale.ROOT)).thenComparing(n -> n))
                .toList();
    }
}
