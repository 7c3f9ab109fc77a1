package dev.duplex.platform;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bytes the server holds for clients, across all sessions: incoming messages (and frames) being
 * assembled and outgoing messages waiting or in flight. One cap for the whole server, and shares of
 * it that one endpoint and one client address may hold at most, so that one endpoint or one
 * address cannot take the memory every other user needs.
 *
 * <p>Every session gets an {@link Account} ({@link #account}); whoever is about to hold bytes for
 * it {@linkplain Account#tryReserve reserves} them first and {@linkplain Account#release releases}
 * them when they are let go. A reservation that would pass the total, the endpoint's share or the
 * address's share is refused, and the caller refuses the message (the endpoints close with 1013
 * "try again later"), before the bytes are buffered. {@link Account#close} gives back whatever the
 * session still held, so a closed session never leaks budget. Lock-free and thread-safe; plain Java,
 * tested without a server.
 */
public final class MemoryBudget {

    private final long total;
    private final long perEndpoint;
    private final long perAddress;
    private final AtomicLong used = new AtomicLong();
    private final Map<String, AtomicLong> byEndpoint = new ConcurrentHashMap<>();
    private final Map<String, Holder> byAddress = new ConcurrentHashMap<>();
    private final LongAdder refusals = new LongAdder();

    /**
     * @param total       bytes all sessions together may hold; 0 for no budget at all
     * @param perEndpoint bytes the sessions of one endpoint may hold together (capped at {@code total})
     * @param perAddress  bytes the sessions from one client address may hold together (capped at {@code total})
     */
    public MemoryBudget(long total, long perEndpoint, long perAddress) {
        if (total < 0 || perEndpoint < 0 || perAddress < 0) {
            throw new IllegalArgumentException("budgets must not be negative");
        }
        this.total = total;
        this.perEndpoint = total == 0 ? 0 : Math.min(total, perEndpoint == 0 ? total : perEndpoint);
        this.perAddress = total == 0 ? 0 : Math.min(total, perAddress == 0 ? total : perAddress);
    }

    /**
     * A budget whose total is {@code totalBytes}, or, when that is 0, {@code heapFraction} of the
     * JVM's maximum heap; the shares are fractions of the total.
     */
    public static MemoryBudget sized(long totalBytes, double heapFraction, long maxHeap, double endpointShare, double addressShare) {
        long totalCap = totalBytes > 0 ? totalBytes : (long) (maxHeap * heapFraction);
        return new MemoryBudget(totalCap, (long) (totalCap * endpointShare), (long) (totalCap * addressShare));
    }

    /** No budget: every reservation succeeds (tests of other behaviour, engines without limits). */
    public static MemoryBudget unlimited() {
        return new MemoryBudget(0, 0, 0);
    }

    /** An account that refuses every reservation (for a session that was never admitted, or has ended). */
    public static Account refusing() {
        Account account = unlimited().account("none", "none");
        account.close();
        return account;
    }

    /** An account for one session of {@code endpoint} from {@code address}; close it when the session ends. */
    public Account account(String endpoint, String address) {
        AtomicLong endpointUsed = byEndpoint.computeIfAbsent(endpoint, e -> new AtomicLong());
        Holder holder = byAddress.compute(address, (a, h) -> {
            Holder held = h == null ? new Holder() : h;
            held.accounts++;
            return held;
        });
        return new Account(endpoint, address, endpointUsed, holder);
    }

    /** The whole cap, in bytes; 0 when there is none. */
    public long total() {
        return total;
    }

    public long perEndpoint() {
        return perEndpoint;
    }

    public long perAddress() {
        return perAddress;
    }

    /** Bytes reserved now, over all sessions. */
    public long used() {
        return used.get();
    }

    /** Reservations refused since start. */
    public long refusals() {
        return refusals.sum();
    }

    /** Bytes reserved now, by endpoint. */
    public Map<String, Long> usedByEndpoint() {
        Map<String, Long> copy = new TreeMap<>();
        byEndpoint.forEach((endpoint, bytes) -> copy.put(endpoint, bytes.get()));
        return copy;
    }

    /** How many client addresses have an open account (for tests: no address is left behind). */
    int addressCount() {
        return byAddress.size();
    }

    private static boolean add(AtomicLong counter, long bytes, long cap) {
        while (true) {
            long now = counter.get();
            long next = now + bytes;
            if (cap > 0 && next > cap) {
                return false;
            }
            if (counter.compareAndSet(now, next)) {
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return total == 0 ? "no memory budget"
                : "memory budget " + total + " bytes (per endpoint " + perEndpoint + ", per address " + perAddress + ")";
    }

    /** The bytes of one address, and how many accounts (sessions) share them. */
    private static final class Holder {
        final AtomicLong bytes = new AtomicLong();
        int accounts; // changed only inside byAddress.compute
    }

    /** What one session holds. Thread-safe. */
    public final class Account {
        private final String endpoint;
        private final String address;
        private final AtomicLong endpointUsed;
        private final Holder holder;
        private long held;
        private boolean closed;

        private Account(String endpoint, String address, AtomicLong endpointUsed, Holder holder) {
            this.endpoint = endpoint;
            this.address = address;
            this.endpointUsed = endpointUsed;
            this.holder = holder;
        }

        /**
         * Reserves {@code bytes} for this session, or refuses when the total, the endpoint's share
         * or the address's share would be passed (nothing is reserved then).
         */
        public synchronized boolean tryReserve(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must not be negative: " + bytes);
            }
            if (closed) {
                return false;
            }
            if (bytes == 0) {
                return true;
            }
            if (!add(used, bytes, total)) {
                refusals.increment();
                return false;
            }
            if (!add(endpointUsed, bytes, perEndpoint)) {
                used.addAndGet(-bytes);
                refusals.increment();
                return false;
            }
            if (!add(holder.bytes, bytes, perAddress)) {
                endpointUsed.addAndGet(-bytes);
                used.addAndGet(-bytes);
                refusals.increment();
                return false;
            }
            held += bytes;
            return true;
        }

        /** Gives back {@code bytes} (at most what the session holds). */
        public synchronized void release(long bytes) {
            long back = Math.min(Math.max(bytes, 0), held);
            if (back == 0) {
                return;
            }
            held -= back;
            holder.bytes.addAndGet(-back);
            endpointUsed.addAndGet(-back);
            used.addAndGet(-back);
        }

        /** Bytes this session holds now. */
        public synchronized long held() {
            return held;
        }

        /** Gives back all the session holds and ends the account; later reservations are refused. */
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                release(held);
                closed = true;
            }
            byAddress.computeIfPresent(address, (a, h) -> --h.accounts <= 0 ? null : h);
        }

        public String endpoint() {
            return endpoint;
        }
    }
}
