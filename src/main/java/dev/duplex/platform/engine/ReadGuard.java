package dev.duplex.platform.engine;

import dev.duplex.platform.MemoryBudget;
import jakarta.servlet.ServletInputStream;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * The read guard: puts a {@link ReadGuardFilter} between a WebSocket connection's network input and
 * Tyrus, so that a frame over the endpoint's size limit is refused from its header, before Tyrus
 * buffers its payload (Tyrus otherwise holds a whole frame, up to the
 * {@code org.glassfish.tyrus.servlet.incoming-buffer-size} of the web.xml, before any endpoint code
 * runs); what arrives of a frame is charged to the memory budget as it arrives (Tyrus' buffer for it
 * grown with it, never sized for what the header announces), and a message arriving under the
 * minimum data rate is dropped ({@link #checkRate}, from the periodic sweep).
 *
 * <p>Jakarta WebSocket has no API for it. On Payara (Tyrus' servlet container over Grizzly) the
 * session leads by reflection to Tyrus' {@code TyrusHttpUpgradeHandler} (session → async remote →
 * web socket → protocol handler → servlet writer → upgrade handler, through Payara's proxy of it),
 * whose {@code onDataAvailable} reads its {@code ServletInputStream is} in a loop, hands each chunk
 * to Tyrus' read handler (which appends it to a buffer until a whole frame is there) and asks
 * {@code is.isReady()} again. {@link #install} replaces that stream with a {@link ReadGuardStream}
 * while {@code @OnOpen} runs, which is before the handler reads any frame: the handler waits on a
 * latch that opens only after the session has been opened. The field written is neither final nor
 * static. Where the classes or fields are not as expected the guard is not installed,
 * {@link #active()} turns false with the {@link #reason()}, and the budget still applies where
 * messages are assembled.
 */
public final class ReadGuard {

    private static final System.Logger LOG = System.getLogger(ReadGuard.class.getName());
    private static final String UPGRADE_HANDLER = "org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler";

    private static volatile String failure = probe();
    private static volatile boolean warned;
    private static volatile boolean trimming = true;
    private static volatile boolean installedOnce;
    /** Upgrade handlers of ended sessions whose read buffer is let go of once more, a moment later. */
    private static final java.util.Queue<Ended> ENDED = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final long ENDED_DELAY_NANOS = 500_000_000L;

    private record Ended(Object handler, long due) {
    }

    /** The session's user property that remembers the engine's upgrade handler the guard sits in. */
    private static final String HANDLER = ReadGuard.class.getName() + ".handler";
    /** The session's user property that remembers the guard's stream (for the sweep's data-rate check). */
    private static final String STREAM = ReadGuard.class.getName() + ".stream";

    private ReadGuard() {
    }

    /**
     * Whether the read guard works on this engine: Tyrus' upgrade handler has the stream field the
     * guard replaces, and no installation has failed since start.
     */
    public static boolean active() {
        return failure == null;
    }

    /** Whether the guard has been put in front of at least one session's connection since start. */
    public static boolean installedOnce() {
        return installedOnce;
    }

    /** Why the read guard is inactive, or how it works when it is active. */
    public static String reason() {
        String why = failure;
        return why == null ? "frames over the size limit are refused from their header; what arrives of a frame is charged to the"
                + " memory budget as it arrives; frames slower than the minimum data rate are dropped" : why;
    }

    /** As {@link #install(Session, long, MemoryBudget.Account, DataRate, ReadGuardFilter.Listener, ControlFrames)} without a minimum data rate or a control-frame hook. */
    public static boolean install(Session session, long maxPayload, MemoryBudget.Account account, ReadGuardFilter.Listener listener) {
        return install(session, maxPayload, account, DataRate.off(), listener, null);
    }

    /**
     * Puts the read guard in front of the session's connection. Call from {@code @OnOpen}.
     *
     * @param maxPayload largest payload one frame may announce (the endpoint's largest message)
     * @param account    the session's account, which what arrives of frames being buffered is charged to
     * @param rate       the minimum data rate of messages being received ({@link #checkRate} applies it)
     * @param listener   told at the first refusal, on the connection's read thread (or, for
     *                   {@link ReadGuardFilter.Refusal#TOO_SLOW}, on the sweep's); it closes the
     *                   session (the guard then drops every later data frame)
     * @param controlFrames told of each control frame (counts pings and pongs, maps close codes); may be null
     * @return whether the guard was installed
     */
    public static boolean install(Session session, long maxPayload, MemoryBudget.Account account, DataRate rate,
            ReadGuardFilter.Listener listener, ControlFrames controlFrames) {
        if (failure != null) {
            return false;
        }
        try {
            Object handler = upgradeHandler(session);
            Field field = field(handler.getClass(), "is");
            Object current = field.get(handler);
            if (!(current instanceof ServletInputStream stream)) {
                throw new IllegalStateException(UPGRADE_HANDLER + ".is is " + (current == null ? "null" : current.getClass().getName()));
            }
            if (current instanceof ReadGuardStream) {
                return true;
            }
            ReadGuardFilter filter = new ReadGuardFilter(maxPayload, account, rate, System::nanoTime, listener);
            filter.controlFrames(controlFrames);
            ReadGuardStream guard = new ReadGuardStream(stream, filter,
                    new ReadGuardStream.EngineBuffer() {
                        @Override
                        public ReadGuardStream.Room room() {
                            return ReadGuard.room(handler);
                        }

                        @Override
                        public void resize(int capacity) {
                            ReadGuard.resize(handler, capacity);
                        }

                        @Override
                        public void trim() {
                            ReadGuard.trim(handler);
                        }

                        @Override
                        public void drop() {
                            ReadGuard.drop(handler);
                        }
                    });
            field.set(handler, guard);
            session.getUserProperties().put(HANDLER, handler);
            if (rate.enabled()) {
                session.getUserProperties().put(STREAM, new RateCheck(guard, filter, listener));
            }
            installedOnce = true;
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            failure = "read guard inactive: " + e;
            if (!warned) {
                warned = true;
                LOG.log(Level.WARNING, "Frames are buffered whole before their size is checked on this server ({0});"
                        + " the memory budget applies where messages are assembled", e.toString());
            }
            return false;
        }
    }

    /**
     * Lets go of the buffer Tyrus grew for a large frame. Tyrus' read handler keeps the buffer a
     * frame was assembled in after handing the frame on, so without this every connection that ever
     * sent a 15 MiB message would hold 15 MiB for as long as it stays open, outside any budget.
     * Runs on the connection's read thread after Tyrus took the bytes (upgrade handler →
     * {@code connection} → {@code readHandler} → {@code buffer}, a volatile, non-final field):
     * an empty buffer is dropped, one with a few bytes of the next frame is copied to a small one.
     * Where those fields are not found, nothing is trimmed (logged once).
     */
    /**
     * The session ended: lets go of the read buffer Tyrus may still hold for a frame it was
     * assembling when the session closed (a 15 MiB message refused by the budget after its frame
     * was admitted, say). The engine's connection objects outlive the session (Grizzly pools its
     * request objects, which keep the upgrade handler), so without this such a buffer stayed
     * reachable for as long as the pooled object did. Safe to call more than once.
     */
    public static void release(Session session) {
        session.getUserProperties().remove(STREAM);
        Object handler = session.getUserProperties().remove(HANDLER);
        if (handler == null) {
            return;
        }
        try {
            if (get(handler, "is") instanceof ReadGuardStream stream) {
                stream.end(); // the read thread finishes the job if it is inside Tyrus' read handler now
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, () -> "read guard of session " + session.getId() + " not ended: " + e);
        }
        drop(handler);
        // A session usually ends inside Tyrus' read handler (a reply refused, say), which writes its
        // buffer back when it returns, and then reads no more from a closed connection: so the
        // buffer is let go of once more after that, by the sweep.
        ENDED.add(new Ended(handler, System.nanoTime() + ENDED_DELAY_NANOS));
    }

    /** What the sweep needs to apply the minimum data rate to one session's guard. */
    private record RateCheck(ReadGuardStream stream, ReadGuardFilter filter, ReadGuardFilter.Listener listener) {
    }

    /**
     * Applies the minimum data rate to the session's connection (the periodic sweep calls it for
     * every open session, once a second, so the check runs even when no more bytes arrive): when
     * the message being received fell under the rate, the guard stops passing data frames (the
     * engine's part of the message is let go at the next read, or when the session is released)
     * and the listener is told {@link ReadGuardFilter.Refusal#TOO_SLOW} on this thread, once.
     *
     * @return whether the session was found too slow now
     */
    public static boolean checkRate(Session session, long now) {
        if (session.getUserProperties().get(STREAM) instanceof RateCheck check && check.stream().tooSlow(now)) {
            session.getUserProperties().remove(STREAM);
            check.listener().refused(ReadGuardFilter.Refusal.TOO_SLOW, check.filter().rate().bytesPerSecond());
            return true;
        }
        return false;
    }

    /** Lets go, once more, of the read buffers of sessions that ended a moment ago. Called by the periodic sweep. */
    public static void sweep(long now) {
        for (Ended ended = ENDED.peek(); ended != null && now - ended.due() >= 0; ended = ENDED.peek()) {
            if (ENDED.remove(ended)) {
                drop(ended.handler());
            }
        }
    }

    /** Sets Tyrus' read buffer of the connection to none. */
    private static void drop(Object handler) {
        try {
            Object readHandler = get(get(handler, "connection"), "readHandler");
            field(readHandler.getClass(), "buffer").set(readHandler, null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, () -> "Tyrus' read buffer not released: " + e);
        }
        // The upgrade handler's last read chunk (up to what the container had ready, 64 KiB under
        // load) and the unmasker's view of the last frame's bytes: Tyrus allocates both anew when
        // it reads again (a null buf, a new Masker per frame header), so after the session they are
        // only kept alive by the pooled request object (ServerLifecycleIT, MemoryBudgetIT: 2 x 64 KiB
        // per connection that took a large message).
        try {
            field(handler.getClass(), "buf").set(handler, null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, () -> "Tyrus' read chunk not released: " + e);
        }
        try {
            Object state = get(get(get(get(handler, "connection"), "readHandler"), "protocolHandler"), "parsingState");
            Object masker = get(state, "masker");
            if (masker != null) {
                field(masker.getClass(), "buffer").set(masker, ByteBuffer.allocate(0));
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, () -> "Tyrus' unmasker buffer not released: " + e);
        }
    }


    private static void trim(Object handler) {
        if (!trimming) {
            return;
        }
        try {
            Object readHandler = get(get(handler, "connection"), "readHandler");
            Field field = field(readHandler.getClass(), "buffer");
            if (field.get(readHandler) instanceof ByteBuffer buffer && buffer.capacity() >= ReadGuardStream.LARGE_FRAME
                    && buffer.remaining() < buffer.capacity() / 4) {
                field.set(readHandler, buffer.hasRemaining() ? ByteBuffer.allocate(buffer.remaining()).put(buffer.duplicate()).flip() : null);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            trimming = false;
            LOG.log(Level.WARNING, "Tyrus keeps the read buffer of each connection's largest frame on this server ({0})", e.toString());
        }
    }

    /** Tyrus' read buffer of the connection: its limit and capacity, or null when there is none or it cannot be read. */
    private static ReadGuardStream.Room room(Object handler) {
        if (!trimming) {
            return null;
        }
        try {
            Object readHandler = get(get(handler, "connection"), "readHandler");
            if (field(readHandler.getClass(), "buffer").get(readHandler) instanceof ByteBuffer buffer) {
                return new ReadGuardStream.Room(buffer.limit(), buffer.capacity());
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            trimming = false;
            LOG.log(Level.WARNING, "Tyrus' read buffers cannot be sized on this server ({0})", e.toString());
            return null;
        }
    }

    /**
     * Grows Tyrus' buffer of a partly received frame to {@code capacity} bytes (the read guard's
     * stream decides how much, geometrically, and charges it first). Tyrus itself grows that buffer
     * by each read's bytes (rounded up to 256), copying all it holds every time: a 15 MiB frame read
     * 16 KiB at a time would cost about 7 GiB of copying and as much garbage.
     */
    private static void resize(Object handler, int capacity) {
        if (!trimming) {
            return;
        }
        try {
            Object readHandler = get(get(handler, "connection"), "readHandler");
            Field field = field(readHandler.getClass(), "buffer");
            ByteBuffer buffer = (ByteBuffer) field.get(readHandler);
            if (buffer != null && (buffer.capacity() >= capacity || buffer.remaining() > capacity)) {
                return;
            }
            ByteBuffer sized = ByteBuffer.allocate(capacity);
            if (buffer != null) {
                sized.put(buffer.duplicate());
            }
            field.set(readHandler, sized.flip());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            trimming = false;
            LOG.log(Level.WARNING, "Tyrus' read buffers cannot be sized on this server ({0})", e.toString());
        }
    }

    /** The real Tyrus upgrade handler under the session (Payara hands Tyrus a proxy that holds it). */
    private static Object upgradeHandler(Session session) throws ReflectiveOperationException {
        Object remote = get(session, "asyncRemote");
        Object webSocket = get(remote, "webSocket");
        Object protocolHandler = get(webSocket, "protocolHandler");
        Object writer = get(protocolHandler, "writer");
        Object handler = get(writer, "tyrusHttpUpgradeHandler");
        // Tyrus' proxy of the handler is a subclass whose own fields are unset; the real one is in its "handler"
        for (int depth = 0; depth < 3 && handler != null; depth++) {
            if (isUpgradeHandler(handler.getClass()) && get(handler, "is") != null) {
                return handler;
            }
            handler = get(handler, "handler");
        }
        throw new NoSuchFieldException("no " + UPGRADE_HANDLER + " with an input stream under the session's writer");
    }

    private static boolean isUpgradeHandler(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (UPGRADE_HANDLER.equals(c.getName())) {
                return true;
            }
        }
        return false;
    }

    private static Object get(Object target, String name) throws ReflectiveOperationException {
        return EngineFields.value(target, name);
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        return EngineFields.cached(type, name);
    }

    /** Whether Tyrus' upgrade handler is loadable and has the stream field; null when it is, else why not. */
    private static String probe() {
        try {
            Class<?> type = Class.forName(UPGRADE_HANDLER, false, ReadGuard.class.getClassLoader());
            Field field = type.getDeclaredField("is");
            if (!ServletInputStream.class.equals(field.getType())) {
                return "read guard inactive: " + UPGRADE_HANDLER + ".is is a " + field.getType().getName();
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return "read guard inactive: " + e;
        }
    }
}
