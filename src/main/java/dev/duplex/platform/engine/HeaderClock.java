package dev.duplex.platform.engine;

/**
 * The header-read deadline of one connection, fed by periodic looks at the request whose headers
 * the engine is parsing. A request seen with incomplete headers starts the clock; the same request
 * still incomplete after the timeout has expired; a request whose headers are in (or no request)
 * stops it, and the next request starts afresh. Plain Java: tested without a server.
 */
final class HeaderClock {

    private Object request;
    private long since;

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
