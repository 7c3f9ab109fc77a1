package dev.duplex.platform.engine;

import dev.duplex.platform.MemoryBudget;
import jakarta.servlet.ServletInputStream;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;

/**
 * The read guard: puts a {@link ReadGuardFilter} between a WebSocket connection's network input and
 * the engine, so that a frame over the endpoint's size limit is refused from its header, before the
 * engine buffers its payload (Tyrus otherwise holds a whole frame, up to the incoming buffer size
 * of the web.xml, before any endpoint code runs); what arrives of a frame is charged to the memory
 * budget as it arrives (the engine's buffer for it grown with it, never sized for what the header
 * announces), and a message arriving under the minimum data rate is dropped ({@link #checkRate},
 * from the periodic sweep).
 *
 * <p>Jakarta WebSocket has no API for it: the engine adapter gives the read side of a session's
 * connection ({@link EngineAdapter#frameInputs}: on Tyrus, its upgrade handler's input stream and
 * read buffer). {@link #install} replaces that stream with a {@link ReadGuardStream} while
 * {@code @OnOpen} runs. The capability {@value Engine#READ_GUARD} is proven by behaviour: it turns
 * active only when the engine has read a frame through the guard (so the replaced stream is really
 * the one the engine reads), and inactive when the stream cannot be replaced or does not keep the
 * replacement; the budget then still applies where messages are assembled.
 */
public final class ReadGuard {

    private static final System.Logger LOG = System.getLogger(ReadGuard.class.getName());

    private static volatile EngineAdapter.FrameInputs inputs;
    private static volatile String failure = probe();
    private static volatile boolean warned;
    private static volatile boolean installedOnce;
    /** Set once the engine read a frame through a guard. */
    private static volatile boolean proven;
    /** The engine inputs of ended sessions whose read buffer is let go of once more, a moment later. */
    private static final java.util.Queue<Ended> ENDED = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final long ENDED_DELAY_NANOS = 500_000_000L;

    private record Ended(EngineAdapter.FrameInput input, long due) {
    }

    /** The session's user property that remembers the engine input the guard sits in. */
    private static final String HANDLER = ReadGuard.class.getName() + ".handler";
    /** The session's user property that remembers the guard's stream (for the sweep's data-rate check). */
    private static final String STREAM = ReadGuard.class.getName() + ".stream";

    private ReadGuard() {
    }

    /**
     * Whether the read guard can work on this engine: the adapter reaches the engine's input, and no
     * installation has failed since start.
     */
    public static boolean active() {
        return failure == null;
    }

    /** Whether the guard has been put in front of at least one session's connection since start. */
    public static boolean installedOnce() {
        return installedOnce;
    }

    /** Whether the engine has read a frame through a guard since start (the capability's proof). */
    public static boolean proven() {
        return proven;
    }

    /** The capability's state: inactive with the reason, active once proven, else untested. */
    static Capability.Status status() {
        if (failure != null) {
            return Capability.Status.inactive(failure);
        }
        if (proven) {
            return Capability.Status.active(reason() + " (seen: " + Engine.adapter().name() + " read a frame through the guard)");
        }
        return Capability.Status.untested(installedOnce ? "installed; proven when the engine reads the first frame through it"
                : "proven when the engine reads a frame through the guard of the first session");
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
        EngineAdapter.FrameInputs found = inputs;
        if (failure != null || found == null) {
            return false;
        }
        try {
            EngineAdapter.FrameInput input = found.of(session);
            ServletInputStream stream = input.stream();
            if (stream instanceof ReadGuardStream) {
                return true;
            }
            ReadGuardFilter filter = new ReadGuardFilter(maxPayload, account, rate, System::nanoTime, listener);
            filter.controlFrames(controlFrames);
            ReadGuardStream guard = new ReadGuardStream(stream, filter, new ReadGuardStream.EngineBuffer() {
                @Override
                public ReadGuardStream.Room room() {
                    EngineAdapter.BufferRoom room = input.room();
                    return room == null ? null : new ReadGuardStream.Room(room.limit(), room.capacity());
                }

                @Override
                public void resize(int capacity) {
                    input.resize(capacity);
                }

                @Override
                public void trim() {
                    input.trim(ReadGuardStream.LARGE_FRAME);
                }

                @Override
                public void drop() {
                    input.drop();
                }
            });
            guard.onFirstFrame(ReadGuard::seen);
            input.replace(guard);
            if (input.stream() != guard) {
                throw new IllegalStateException("the engine's input did not keep the guard it was given");
            }
            session.getUserProperties().put(HANDLER, input);
            if (rate.enabled()) {
                session.getUserProperties().put(STREAM, new RateCheck(guard, filter, listener));
            }
            installedOnce = true;
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            fail("read guard inactive: " + e);
            return false;
        }
    }

    private static void seen() {
        if (!proven) {
            proven = true;
            Engine.capability(Engine.READ_GUARD).status(); // logs the change now, not at the next status read
        }
    }

    private static void fail(String why) {
        failure = why;
        if (!warned) {
            warned = true;
            LOG.log(Level.WARNING, "Frames are buffered whole before their size is checked on this server ({0});"
                    + " the memory budget applies where messages are assembled", why);
        }
    }

    /**
     * The session ended: lets go of the read buffer Tyrus may still hold for a frame it was
     * assembling when the session closed (a 15 MiB message refused by the budget after its frame
     * was admitted, say). The engine's connection objects outlive the session (Grizzly pools its
     * request objects, which keep the upgrade handler), so without this such a buffer stayed
     * reachable for as long as the pooled object did. Safe to call more than once.
     */
    public static void release(Session session) {
        session.getUserProperties().remove(STREAM);
        if (!(session.getUserProperties().remove(HANDLER) instanceof EngineAdapter.FrameInput input)) {
            return;
        }
        try {
            if (input.stream() instanceof ReadGuardStream stream) {
                stream.end(); // the read thread finishes the job if it is inside Tyrus' read handler now
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, () -> "read guard of session " + session.getId() + " not ended: " + e);
        }
        input.drop();
        // A session usually ends inside Tyrus' read handler (a reply refused, say), which writes its
        // buffer back when it returns, and then reads no more from a closed connection: so the
        // buffer is let go of once more after that, by the sweep.
        ENDED.add(new Ended(input, System.nanoTime() + ENDED_DELAY_NANOS));
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

    /**
     * Whether a message is arriving on the session's connection now (a frame that did not come in
     * one read, or a fragmented message, not yet complete), with the minimum data rate applied to
     * it: false where the guard or the rate is off.
     */
    public static boolean receiving(Session session) {
        return session.getUserProperties().get(STREAM) instanceof RateCheck check && check.filter().rate().receiving();
    }

    /** Lets go, once more, of the read buffers of sessions that ended a moment ago. Called by the periodic sweep. */
    public static void sweep(long now) {
        for (Ended ended = ENDED.peek(); ended != null && now - ended.due() >= 0; ended = ENDED.peek()) {
            if (ENDED.remove(ended)) {
                ended.input().drop();
            }
        }
    }

    /** Asks the engine adapter for its read side once; null when it has one, else why not. */
    private static String probe() {
        try {
            inputs = Engine.adapter().frameInputs();
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return "read guard inactive: " + Engine.adapter().name() + "'s input cannot be wrapped: " + e;
        }
    }

    /** Uses {@code frameInputs} from now on (tests: an engine whose input does or does not take the guard). */
    static void use(EngineAdapter.FrameInputs frameInputs) {
        inputs = frameInputs;
        failure = frameInputs == null ? "read guard inactive: no engine input" : null;
        warned = false;
        installedOnce = false;
        proven = false;
    }

    /** Back to what the engine adapter offers, for tests. */
    static void reset() {
        use(null);
        failure = probe();
    }
}
