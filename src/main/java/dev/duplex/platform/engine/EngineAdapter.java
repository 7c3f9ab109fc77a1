package dev.duplex.platform.engine;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The engine SPI: what Duplex's platform needs from a WebSocket engine beyond Jakarta WebSocket and
 * Servlet. One implementation per engine, each in its own package ({@code dev.duplex.engine.<engine>})
 * and the only code that names that engine's classes; found with {@link java.util.ServiceLoader}
 * (a {@code META-INF/services/dev.duplex.platform.engine.EngineAdapter} entry) and chosen by
 * {@link Engine#adapter()}: the first one {@link #available()} on this server, else
 * {@link PortableEngine}, which uses the standard APIs only.
 *
 * <p>The platform decides what a capability's state is ({@link Capability}); an implementation
 * only does the engine's part, and fails with an exception when it cannot, which turns the
 * capability inactive with its fallback. Implementations must not keep mutable state in statics
 * that the platform also reaches, and must not throw {@link LinkageError} out of
 * {@link #available()}.
 *
 * <p>Behind this interface (docs/ENGINE.md, "The boundary"): the engine's version, the session
 * timers, the connection under a session or handshake (abort, write queue), the close-frame
 * reasons, the raw frames, the engine's cancelled-write log, the peer address, the end of an
 * upgrade, the read side of a connection (read guard) and the HTTP listeners (header-read timeout,
 * unparsable requests, worker queue, framing of the engine's own answers). No platform class names
 * an engine type. The bounded permessage-deflate has its own SPI,
 * {@code dev.duplex.platform.deflate.DeflateEngine}.
 */
public interface EngineAdapter {

    /** The engine's name, as in logs and capability details ({@code Tyrus}, {@code portable}). */
    String name();

    /** Whether this engine runs this application (its classes are reachable from here). Never throws. */
    boolean available();

    /**
     * Wraps the writer of {@code session}'s connection so that every close frame it writes has
     * its reason passed through {@code rewrite} ({@link CloseFrameReasons#rewrite} does the framing).
     * Idempotent per session.
     *
     * @throws ReflectiveOperationException or a {@link RuntimeException} when the writer cannot be wrapped here
     */
    void rewriteCloseFrames(Session session, CloseFrameReasons.Rewrite rewrite) throws ReflectiveOperationException;

    /**
     * The engine's version for {@code containerType} (the class of the {@code ServerContainer}), or
     * empty when that container is not this engine's (then the container's class name is shown).
     */
    Optional<String> version(Class<?> containerType);

    /**
     * The engine's per-session timer scheduler, which Duplex replaces by a plain one ({@code session-timers}).
     * Proven by behaviour: the capability turns active only when the engine schedules its own idle
     * check ({@link #isIdleCheck}) on the replacement.
     */
    interface SessionScheduler {
        /** Replaces {@code session}'s scheduler with {@code timers}, under the lock the engine reads it with. */
        void give(Session session, ScheduledExecutorService timers) throws ReflectiveOperationException;

        /** Whether {@code session} now schedules on {@code timers}. */
        boolean uses(Session session, ScheduledExecutorService timers) throws ReflectiveOperationException;

        /** Whether {@code command} is the engine's idle-timeout check. */
        boolean isIdleCheck(Runnable command);

        /** How the engine's lock is taken, for the capability's detail ({@code monitor}, {@code ReentrantLock}). */
        String lockKind();
    }

    /**
     * The session scheduler hook for the engine whose container is {@code containerType}.
     *
     * @throws ReflectiveOperationException or a {@link RuntimeException} when the engine's sessions are not as expected
     */
    SessionScheduler sessionScheduler(Class<?> containerType) throws ReflectiveOperationException;

    /**
     * The peer address of {@code session}, or null when the engine answered none.
     *
     * @throws ReflectiveOperationException or a {@link RuntimeException} when the engine cannot tell here
     */
    String remoteAddress(Session session) throws ReflectiveOperationException;

    // ---- connections: an opaque handle per network connection, compared by identity ----

    /**
     * The engine's network connection under an open {@code session} (captured at open: the objects
     * on the way may be reused later). The same object as {@link #connectionOf(ServletRequest)}
     * answered for its handshake, so that an upgrade is matched with its session by identity.
     *
     * @throws ReflectiveOperationException or a {@link RuntimeException} when it cannot be reached here
     */
    Object connectionOf(Session session) throws ReflectiveOperationException;

    /** The engine's network connection that carries {@code handshake}, as {@link #connectionOf(Session)}. */
    Object connectionOf(ServletRequest handshake) throws ReflectiveOperationException;

    /** Drops {@code connection} at once, without a close handshake; nothing happens if it is gone. */
    void abort(Object connection) throws ReflectiveOperationException;

    /** Whether {@code connection} is open. */
    boolean isOpen(Object connection) throws ReflectiveOperationException;

    /** Sets the most bytes the engine queues for writing on {@code connection}; answers the limit now in force. */
    int limitWriteQueue(Object connection, int bytes) throws ReflectiveOperationException;

    /** The bytes the engine holds for writing on {@code connection}, accepted but not yet taken by the socket. */
    int writeQueued(Object connection) throws ReflectiveOperationException;

    /**
     * The multiple of the write queue limit above which the engine refuses a write (and drops the
     * connection), or 0 when it has no such hard limit ({@link WriteQueue.Room} raises the limit
     * around each send that needs it).
     */
    int writeQueueHardLimitMultiplier(Object connection) throws ReflectiveOperationException;

    /** Writes pre-encoded frames on one session's connection. */
    @FunctionalInterface
    interface RawFrames {
        /**
         * Writes {@code frames} (whole frames, back to back) after whatever the session is writing;
         * {@code done} gets null or the failure, possibly on this thread.
         */
        void write(ByteBuffer frames, Consumer<Throwable> done);
    }

    /**
     * A writer of pre-encoded frames for {@code session}'s connection (a session without negotiated
     * extensions), writing them as the engine writes its own: in order with its other writes.
     *
     * @throws ReflectiveOperationException or a {@link RuntimeException} when the connection's writer cannot be reached here
     */
    RawFrames rawFrames(Session session) throws ReflectiveOperationException;

    /**
     * Runs {@code done} on the thread that opened (or failed to open) an upgraded connection's
     * session, each time the engine is done with one in this application (the upgrade reaper's
     * grace period starts then; without it, from the 101 answer).
     *
     * @return how to stop listening
     * @throws ReflectiveOperationException or a {@link RuntimeException} when the engine cannot tell here
     */
    Runnable observeUpgradeEnd(ServletContext context, Runnable done) throws ReflectiveOperationException;

    /**
     * The JUL logger on which the engine logs, at WARNING with a stack trace, each write that was
     * cancelled because its session closed ({@link CancelledWriteLog}); empty where there is none
     * known.
     */
    Optional<String> cancelledWriteLogger();

    // ---- the read side of a session's connection: where the read guard sits ----

    /** The engine's buffer of a partly received frame: the bytes it holds up to its limit, and its capacity. */
    record BufferRoom(int limit, int capacity) {
    }

    /**
     * The read side of one session's connection: the stream the engine reads its frames from, and
     * the engine's buffer of a partly received frame. {@link #stream} and {@link #replace} throw when
     * the engine's objects are not as expected; the buffer methods never throw (they do nothing, or
     * answer null, where the buffer cannot be reached, and the implementation logs that once).
     */
    interface FrameInput {
        /** The stream the engine reads this connection's frames from now. */
        ServletInputStream stream() throws ReflectiveOperationException;

        /** Makes the engine read this connection's frames from {@code stream} from its next read on. */
        void replace(ServletInputStream stream) throws ReflectiveOperationException;

        /** The engine's buffer of a partly received frame, or null when there is none or it cannot be read. */
        BufferRoom room();

        /** Replaces that buffer with one of {@code capacity} bytes holding what it holds now. */
        void resize(int capacity);

        /** Lets go of the room a frame of at least {@code largeFrame} bytes took, once it was handed on. */
        void trim(long largeFrame);

        /** Lets go of whatever the engine holds of a frame and of its last read chunk (the session ended). */
        void drop();
    }

    /** Finds the read side of sessions' connections ({@code read-guard}). */
    @FunctionalInterface
    interface FrameInputs {
        /**
         * The read side of {@code session}'s connection. Call from {@code @OnOpen}, before the engine
         * reads the first frame.
         */
        FrameInput of(Session session) throws ReflectiveOperationException;
    }

    /**
     * The engine's read side, checked once at start (the classes and fields the implementation needs
     * are there).
     *
     * @throws ReflectiveOperationException or a {@link RuntimeException} when the engine's input cannot be wrapped here
     */
    FrameInputs frameInputs() throws ReflectiveOperationException;

    // ---- the engine's HTTP listeners: header timeout, unparsable requests, worker queue, framing ----

    /**
     * The engine's running HTTP listeners (on Payara: Grizzly's, found through its {@code GrizzlyService}).
     *
     * @throws ReflectiveOperationException or a {@link RuntimeException} when the engine's listeners cannot be reached here
     */
    List<HttpListener> httpListeners() throws ReflectiveOperationException;

    /** One HTTP listener of the engine, with the hooks the platform puts on it. */
    interface HttpListener {
        /** Its name ({@code http-listener}). */
        String name();

        /** Whether it parses HTTP (has an HTTP codec); the hooks below need one. */
        boolean parsesHttp();

        /**
         * Makes the responses the engine writes itself, before any application code runs (400
         * "Invalid URI", 405 for TRACE), say {@code X-Frame-Options: DENY}.
         *
         * @return the value those responses carry now, read back; null when they carry none
         */
        String denyFraming() throws ReflectiveOperationException;

        /** The most connection events its worker pool queues (-1: unbounded); empty when it runs them on its selector threads. */
        OptionalInt workerQueueLimit() throws ReflectiveOperationException;

        /**
         * Watches the listener's connections: {@code events} is told of each connection that sent
         * something and of each that closed (on the engine's threads: it must only record them).
         */
        HeaderWatch watchHeaders(ConnectionEvents events) throws ReflectiveOperationException;

        /**
         * Passes every request, once its headers are parsed and before the engine routes it, to
         * {@code check} (on the connection's thread).
         *
         * @return how to stop
         */
        Runnable onHeadersParsed(RequestCheck check) throws ReflectiveOperationException;
    }

    /** Told of a listener's connections, by identity. */
    interface ConnectionEvents {
        void seen(Object connection);

        void closed(Object connection);

        /**
         * The engine found bytes to read on {@code connection} and hands the read to its worker
         * threads (on the engine's selector thread, before the read waits in the worker queue:
         * it must only record). Engines that cannot tell never call it.
         */
        default void ready(Object connection) {
        }
    }

    /** What the header-read timeout needs of a listener's connections. */
    interface HeaderWatch {
        /** The request whose headers are being parsed on {@code connection} (compared by identity), or null when none is. */
        Object requestInParsing(Object connection) throws ReflectiveOperationException;

        boolean isOpen(Object connection) throws ReflectiveOperationException;

        /** Closes {@code connection} without an answer. */
        void close(Object connection) throws ReflectiveOperationException;

        /** Stops watching. Never throws. */
        void uninstall();
    }

    /** Sees a request whose headers are parsed, and may send it elsewhere. */
    @FunctionalInterface
    interface RequestCheck {
        void check(ParsedRequest request) throws ReflectiveOperationException;
    }

    /** A request as the engine parsed it, before it is routed. */
    interface ParsedRequest {
        String method() throws ReflectiveOperationException;

        /** The request target's path, as received (not decoded). */
        String target() throws ReflectiveOperationException;

        /** Routes it as {@code method} to {@code path} without a query. */
        void reroute(String method, String path) throws ReflectiveOperationException;

        void setHeader(String name, String value) throws ReflectiveOperationException;

        void removeHeader(String name) throws ReflectiveOperationException;

        /** The value of a request header, or null when the request has none. */
        String header(String name) throws ReflectiveOperationException;

        /** The connection the request came on (the object {@link ConnectionEvents} is told of), or null when unknown. */
        default Object connection() {
            return null;
        }
    }
}
