package dev.duplex.platform;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The request bodies being read now: how many may be in flight (in all, and from one client
 * address), and the sweep that ends the ones past their deadline or below their rate even when no
 * byte comes to wake them. Plain Java with an injected clock ({@code BodyReadsTest});
 * {@link RequestBodies} runs {@link #sweep} on its one shared thread.
 */
final class BodyReads {

    /** A read in flight, as the sweep sees it. */
    interface Read {
        /** Checks the read's deadline and rate at {@code now}; true when it has ended (by this check or before). */
        boolean sweep(long now);
    }

    /** Whether a new body may be read. */
    enum Admission {
        ADMITTED,
        /** {@code duplex.http.max-bodies} are in flight. */
        SERVER_FULL,
        /** {@code duplex.http.max-bodies-per-address} are in flight from this address. */
        ADDRESS_FULL
    }

    /**
     * @param maxBodies     bodies in flight at once; 0: unbounded
     * @param maxPerAddress bodies in flight from one client address; 0: unbounded
     */
    record Bounds(int maxBodies, int maxPerAddress) {
    }

    private final Bounds bounds;
    private final LongSupplier nanos;
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Set<Read> reads = ConcurrentHashMap.newKeySet();
    private int total;

    BodyReads(Bounds bounds, LongSupplier nanos) {
        this.bounds = bounds;
        this.nanos = nanos;
    }

    /** Takes a slot for a body from {@code client}, or says why not; an admitted body must be {@link #release}d once. */
    synchronized Admission admit(String client) {
        String key = client == null ? "" : client;
        if (bounds.maxBodies() > 0 && total >= bounds.maxBodies()) {
            return Admission.SERVER_FULL;
        }
        int fromClient = perAddress.getOrDefault(key, 0);
        if (bounds.maxPerAddress() > 0 && fromClient >= bounds.maxPerAddress()) {
            return Admission.ADDRESS_FULL;
        }
        perAddress.put(key, fromClient + 1);
        total++;
        return Admission.ADMITTED;
    }

    /** Gives back the slot {@link #admit} took for {@code client}. */
    synchronized void release(String client) {
        String key = client == null ? "" : client;
        Integer fromClient = perAddress.get(key);
        if (fromClient == null) {
            throw new IllegalStateException("no body in flight from " + key);
        }
        if (fromClient <= 1) {
            perAddress.remove(key);
        } else {
            perAddress.put(key, fromClient - 1);
        }
        total--;
    }

    /** Watches {@code read} on every sweep until it ends. */
    void track(Read read) {
        reads.add(read);
    }

    /** Stops watching {@code read} (it ended on its own). */
    void untrack(Read read) {
        reads.remove(read);
    }

    /** One pass: every read checks its deadline and rate now; ended ones are dropped. Returns how many ended. */
    int sweep() {
        long now = nanos.getAsLong();
        int ended = 0;
        for (Read read : reads) {
            if (read.sweep(now)) {
                reads.remove(read);
                ended++;
            }
        }
        return ended;
    }

    /** Bodies in flight now. */
    synchronized int inFlight() {
        return total;
    }

    /** Client addresses with a body in flight now. */
    int addresses() {
        return perAddress.size();
    }

    /** Reads the sweep watches now. */
    int watched() {
        return reads.size();
    }

    long now() {
        return nanos.getAsLong();
    }
}
