package dev.duplex.platform.engine;

/**
 * The header-read deadline of one connection, fed by periodic looks at the request whose headers
 * the engine is parsing. A request seen with incomplete headers starts the clock; the same request
 * still incomplete after the timeout has expired; a request whose headers are in (or no request)
 * stops it, and the next request starts afresh. Plain Java: tested without a server.
 */
final class HeaderClock {

    /** {@link #readySince} when no read is waiting to be parsed. */
    private static final long NONE = Long.MIN_VALUE;

    private Object request;
    private long since;
    /** When the engine found the bytes of the next request to read ({@link System#nanoTime()}), or {@link #NONE}. */
    private volatile long readySince = NONE;

    /**
     * The engine has bytes to read on the connection: the first such moment since the last request's
     * headers were parsed is when the next request began to wait for a worker.
     */
    void ready(java.util.function.LongSupplier clock) {
        if (readySince == NONE) {
            readySince = clock.getAsLong();
        }
    }

    /**
     * A request's headers are parsed: how long since its bytes were found ready to read (the wait for
     * a worker plus the read and parse), or -1 when that moment was not seen; the next request starts afresh.
     */
    long parsed(long now) {
        long ready = readySince;
        readySince = NONE;
        return ready == NONE ? -1 : Math.max(0, now - ready);
    }

    /**
     * @param parsing      the request whose headers are still being read, or {@code null} when none is
     * @param now          {@link System#nanoTime()}
     * @param timeoutNanos how long one request's headers may take
     * @return whether the connection has taken too long and is to be closed
     */
    synchronized boolean expired(Object parsing, long now, long timeoutNanos) {
        if (parsing == null) {
            request = null;
            return false;
        }
        if (parsing != request) {
            request = parsing;
            since = now;
            return false;
        }
        return now - since >= timeoutNanos;
    }
}
