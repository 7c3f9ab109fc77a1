package dev.duplex.platform.engine;

import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToLongBiFunction;

/**
 * Bounds how long a WebSocket handshake may wait for one of the engine's worker threads before it
 * is answered. The engine queues every connection's reads for its workers, first come first served,
 * before any application code can admit or refuse a handshake; on a server that gets too little CPU
 * for a flood of handshakes that wait grows past the clients' patience and the engine's idle
 * timeout, and handshakes were closed unanswered long before the session limit was reached.
 *
 * <p>The engine adapter tells the listener's watch when it found a connection's bytes ready to read,
 * on its selector thread before the read is queued ({@link EngineAdapter.ConnectionEvents#ready}),
 * and passes each request to this check once its headers are parsed. A WebSocket handshake whose
 * request waited longer than {@code duplex.limits.max-handshake-wait-millis} since then is marked
 * with {@value Engine#REFUSED_REQUEST_HEADER} {@code 503 ...}: the handshake filter answers it with
 * HTTP 503 and {@code Retry-After} before the upgrade, which costs a fraction of opening a session
 * for a client that has likely given up, so a starved server sheds the flood instead of falling
 * further behind. Other requests are served whatever they waited.
 *
 * <p>The capability {@value Engine#HANDSHAKE_WAIT} turns active on the first handshake whose wait
 * was measured (the engine told of its connection's ready read and of its parsed headers). Plain
 * Java: the wait comes from the watch, the clock is passed in.
 */
final class HandshakeWait implements EngineAdapter.RequestCheck {

    private static final System.Logger LOG = System.getLogger(HandshakeWait.class.getName());

    private final long limitNanos;
    private final ToLongBiFunction<Object, Long> waited;
    private final LongSupplier clock;
    private final Capability capability;
    private volatile boolean proven;
    private volatile boolean failed;

    /**
     * @param limitNanos the longest wait a handshake is still served after (more than 0)
     * @param waited     the nanoseconds a connection's request waited until {@code now} (and
     *                   the start of the next one's wait), or -1 when its ready read was not seen
     * @param clock      {@link System#nanoTime()}
     * @param capability {@value Engine#HANDSHAKE_WAIT}
     */
    HandshakeWait(long limitNanos, ToLongBiFunction<Object, Long> waited, LongSupplier clock, Capability capability) {
        this.limitNanos = limitNanos;
        this.waited = waited;
        this.clock = clock;
        this.capability = capability;
    }

    @Override
    public void check(EngineAdapter.ParsedRequest request) {
        if (failed) {
            return;
        }
        try {
            Object connection = request.connection();
            if (connection == null) {
                return;
            }
            long waitedNanos = waited.applyAsLong(connection, clock.getAsLong());
            if (waitedNanos < 0 || !isWebSocketHandshake(request.header("Upgrade"))) {
                return;
            }
            if (!proven) {
                proven = true;
                capability.active("a handshake that waited longer than " + TimeUnit.NANOSECONDS.toMillis(limitNanos)
                        + " ms for a worker thread is answered 503 (seen: a handshake's wait was measured, "
                        + TimeUnit.NANOSECONDS.toMillis(waitedNanos) + " ms)");
            }
            if (waitedNanos > limitNanos && request.header(Engine.REFUSED_REQUEST_HEADER) == null) {
                request.setHeader(Engine.REFUSED_REQUEST_HEADER, answer(waitedNanos, limitNanos));
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            failed = true;
            capability.inactive("a request's wait or headers cannot be read: " + e);
            LOG.log(Level.WARNING, "Handshakes are no longer answered 503 after a long wait for a worker ({0})", e.toString());
        }
    }

    static boolean isWebSocketHandshake(String upgrade) {
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }

    /** The refusal the handshake filter answers: {@code "503 <reason>"}. */
    static String answer(long waitedNanos, long limitNanos) {
        return String.format(Locale.ROOT, "503 Server busy: this handshake waited %.1f s for a worker thread (the limit is %.1f s),"
                + " try again later", waitedNanos / 1e9, limitNanos / 1e9);
    }
}
