package dev.duplex.platform.engine;

import dev.duplex.platform.DaemonThreads;
import dev.duplex.platform.deflate.BoundedDeflate;
import dev.duplex.platform.engine.Capability.Status;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import java.lang.System.Logger.Level;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The one way into the WebSocket engine's internals (Tyrus over Grizzly on Payara) for what
 * Jakarta WebSocket has no API for, and the record of which of those capabilities work on this
 * server. Every reach into the engine goes through the engine adapter ({@link #adapter()}, found
 * with {@link ServiceLoader}), called from here or from the classes of this package; each call
 * catches {@link LinkageError} as well as reflection failures and falls back to
 * standard behaviour, and says so: one log line per capability at start (a WARNING when it is
 * inactive, again whenever its state changes) and the {@code engine} object of {@code /api/status}.
 *
 * <table>
 * <caption>Capabilities</caption>
 * <tr><th>name</th><th>what</th><th>proven</th><th>fallback</th></tr>
 * <tr><td>{@value #SESSION_TIMERS}</td><td>per-session plain scheduler ({@link EngineAdapter.SessionScheduler})</td>
 *     <td>first session</td><td>Tyrus' managed scheduler (slow)</td></tr>
 * <tr><td>{@value #CONNECTION_ABORT}</td><td>drop a connection whose peer ignores a close ({@link ConnectionAbort})</td>
 *     <td>first session</td><td>the connection stays until the peer lets go</td></tr>
 * <tr><td>{@value #RAW_FRAMES}</td><td>pre-encoded chat frames ({@link RawFrameWriter})</td>
 *     <td>first chat session without extensions</td><td>one framing per recipient</td></tr>
 * <tr><td>{@value #REMOTE_ADDRESS}</td><td>a session's peer address ({@link RemoteAddress})</td>
 *     <td>first session</td><td>"unknown" when the handshake did not record it</td></tr>
 * <tr><td>{@value #UPGRADE_REAPER}</td><td>upgraded connections without a session are closed ({@link PendingUpgrades})</td>
 *     <td>first session whose handshake it matched</td><td>they stay open</td></tr>
 * <tr><td>{@value #WRITE_QUEUE}</td><td>Grizzly's write queue per connection is bounded ({@link WriteQueue})</td>
 *     <td>first session</td><td>a silent client's writes look complete until Grizzly holds 4 × its socket buffer</td></tr>
 * <tr><td>{@value #CLOSE_REASONS}</td><td>outgoing close frames carry Duplex's reasons ({@link CloseFrameReasons})</td>
 *     <td>first session</td><td>Tyrus' exception text reaches clients</td></tr>
 * </table>
 *
 * Other parts register their own capabilities with one line, {@link #capability(String, String)}
 * followed by {@link Capability#active}/{@link Capability#inactive}, or {@link #probe}.
 *
 * <p>A static facade, because its callers include a servlet listener that runs before CDI, filters
 * and per-session objects; its state is the engine's, one per application.
 */
public final class Engine {

    public static final String SESSION_TIMERS = "session-timers";
    public static final String CONNECTION_ABORT = "connection-abort";
    public static final String RAW_FRAMES = "raw-frames";
    public static final String REMOTE_ADDRESS = "remote-address";
    public static final String UPGRADE_REAPER = "upgrade-reaper";
    public static final String BOUNDED_DEFLATE = "bounded-deflate";
    public static final String WRITE_QUEUE = "write-queue-limit";
    public static final String READ_GUARD = "read-guard";
    /** Registered by {@link WorkerQueue} at start. */
    public static final String WORKER_QUEUE = "worker-queue";
    /** Registered by {@link HeaderReadTimeout} at start. */
    public static final String HEADER_TIMEOUT = "header-timeout";
    /** Registered by {@link HeaderReadTimeout} at start. */
    public static final String ENGINE_ERROR_FRAMING = "engine-error-framing";
    /** Registered by {@link HeaderReadTimeout} at start ({@link HandshakeWait}). */
    public static final String HANDSHAKE_WAIT = "handshake-wait";
    public static final String CLOSE_REASONS = "close-reasons";
    /**
     * The request header in which the engine adapter tells the application that the engine could
     * not have served a request, as {@code "<status> <reason>"} ({@link UnparsableRequests}); it is
     * removed from every request a client sends, so only the engine adapter sets it.
     */
    public static final String REFUSED_REQUEST_HEADER = "X-Duplex-Engine-Refusal";

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final String NO_SESSION_YET = "proven on the first session";

    /** The engine's implementation of the SPI, chosen once (the engine does not change while the application runs). */
    private static final EngineAdapter ADAPTER = choose(ServiceLoader.load(EngineAdapter.class, Engine.class.getClassLoader()));
    private static final Map<String, Capability> CAPABILITIES = new LinkedHashMap<>();
    private static final PendingUpgrades UPGRADES = new PendingUpgrades();
    private static final AtomicBoolean ATTACHED_ONCE = new AtomicBoolean();
    /** The connection of the handshake this worker thread is upgrading, from the filter to the end of the engine's init. */
    private static final ThreadLocal<Object> HANDSHAKE = new ThreadLocal<>();
    /**
     * The connection and peer address (the servlet request's) of the latest handshake, kept until a
     * session on that connection proves or disproves {@value #REMOTE_ADDRESS}; null once decided.
     */
    private static volatile AddressProof addressProof;

    private record AddressProof(Object connection, String peer) {
    }

    /**
     * The address proof of the handshake this thread is handling, while {@value #REMOTE_ADDRESS} is
     * untested: a session opened on the same thread (engines open it right after the 101) is that
     * handshake's, so its connection object can be compared with the handshake's and the proof
     * decides even where they differ. Left behind by a handshake whose session never opened, it
     * can only make the proof fail (another session's connection is never the handshake's), never
     * pass: the safe side, as an inactive capability falls back to the handshake's recorded address.
     */
    private static final ThreadLocal<AddressProof> ADDRESS_PROOF_HERE = new ThreadLocal<>();

    /** Pending upgrades that never leave the engine's hands are reaped after this at the latest. */
    private static final long STUCK_NANOS = 60_000_000_000L;

    /** The user property under which {@link #attach} leaves a session's write room for {@link #writeBacklog}. */
    private static final String WRITE_ROOM = "dev.duplex.platform.engine.write-room";
    /** Set once the write queue limit was seen not to do its job on this engine. */
    private static volatile boolean writeQueueBroken;

    private static volatile String name = "unknown";
    private static volatile String version = "unknown";
    private static volatile ScheduledThreadPoolExecutor timerThreads;
    private static volatile IdleTimerExecutor timers;
    private static volatile EngineAdapter.SessionScheduler sessionTimers;
    /** Removes the listener for the end of upgrade handler inits, or null when there is none. */
    private static volatile Runnable upgradeEnd;

    static {
        define();
    }

    private Engine() {
    }

    private static void define() {
        synchronized (CAPABILITIES) {
            CAPABILITIES.clear();
            add(SESSION_TIMERS, "every message schedules on the managed executor (slow)");
            add(CONNECTION_ABORT, "a connection whose peer ignores a close stays open until the peer lets go");
            add(RAW_FRAMES, "chat frames each message once per recipient through the WebSocket API");
            add(REMOTE_ADDRESS, "sessions without a recorded client address are logged as \"unknown\"");
            add(UPGRADE_REAPER, "an upgraded connection whose session failed to open stays open");
            add(WRITE_QUEUE, "writes to a client that does not read look complete until Grizzly holds four times the "
                    + "socket's send buffer (10-16 MB on Linux loopback), outside the outbox and the memory budget");
            add(READ_GUARD, "frames are buffered whole by Tyrus before their size and the memory budget are checked");
            own(READ_GUARD).probe(ReadGuard::status);
            add(CLOSE_REASONS, "close frames Tyrus writes itself carry its exception text");
            add(BOUNDED_DEFLATE, "permessage-deflate is not negotiated");
            own(BOUNDED_DEFLATE).probe(() -> BoundedDeflate.active()
                    ? Status.active(BoundedDeflate.reason()) : Status.inactive(BoundedDeflate.reason()));
        }
    }

    private static Capability own(String capability) {
        synchronized (CAPABILITIES) {
            return CAPABILITIES.get(capability);
        }
    }

    private static void add(String capability, String fallback) {
        CAPABILITIES.put(capability, new Capability(capability, fallback, Status.untested(NO_SESSION_YET)));
    }

    /**
     * The first implementation in {@code candidates} that is {@link EngineAdapter#available()} here,
     * else {@link PortableEngine}; one that cannot be loaded (its engine is absent) is skipped and logged.
     */
    static EngineAdapter choose(Iterable<EngineAdapter> candidates) {
        Iterator<EngineAdapter> it = candidates.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return PortableEngine.INSTANCE;
                }
                EngineAdapter candidate = it.next();
                if (candidate.available()) {
                    return candidate;
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                LOG.log(Level.INFO, "An engine adapter cannot be loaded here: {0}", e.toString());
            }
        }
    }

    /** The engine adapter in use: the engine's own implementation of the SPI, or the portable one. */
    public static EngineAdapter adapter() {
        return ADAPTER;
    }

    // ---- registry -------------------------------------------------------------------------------

    /**
     * The capability {@code name}, registered (untested) if it is new. For other parts of Duplex:
     * {@code Engine.capability("read-guard", "what happens instead").active("how")}.
     */
    public static Capability capability(String name, String fallback) {
        synchronized (CAPABILITIES) {
            return CAPABILITIES.computeIfAbsent(name, n -> new Capability(n, fallback, Status.untested("not reported yet")));
        }
    }

    /** The capability {@code name}, or null when nothing registered it. */
    public static Capability capability(String name) {
        synchronized (CAPABILITIES) {
            return CAPABILITIES.get(name);
        }
    }

    /** Registers a capability whose state {@code probe} tells each time it is read. */
    public static Capability probe(String name, String fallback, Supplier<Status> probe) {
        Capability capability = capability(name, fallback);
        capability.probe(probe);
        return capability;
    }

    /** Every capability's state, in a fixed order (Duplex's own first). */
    public static Map<String, Status> capabilities() {
        List<Capability> all;
        synchronized (CAPABILITIES) {
            all = List.copyOf(CAPABILITIES.values());
        }
        Map<String, Status> states = new LinkedHashMap<>();
        all.forEach(c -> states.put(c.name(), c.status()));
        return states;
    }

    /** The WebSocket engine's name ({@code Tyrus}) or {@code unknown}. */
    public static String name() {
        return name;
    }

    /** The WebSocket engine's version, e.g. {@code 2.1.5.payara-p2}, or {@code unknown}. */
    public static String version() {
        return version;
    }

    /**
     * The {@code engine} object of {@code /api/status}:
     * <pre>{"name": "Tyrus", "version": "2.1.5.payara-p2",
     *  "capabilities": {"session-timers": {"state": "active", "detail": ".."}, ..},
     *  "upgrades": {"pending": 0, "upgrading": 0, "opening": 0, "upgraded": 0, "claimed": 12, "reaped": 0, "forgotten": 0}}</pre>
     * ({@code pending} in all, and by stage: the engine handling the handshake, opening the session,
     * or done without a session and waiting for the reaper)
     */
    public static JsonObject status(JsonBuilderFactory json) {
        JsonObjectBuilder states = json.createObjectBuilder();
        capabilities().forEach((capability, status) -> states.add(capability, json.createObjectBuilder()
                .add("state", status.state().label()).add("detail", status.detail())));
        return json.createObjectBuilder()
                .add("name", name)
                .add("version", version)
                .add("capabilities", states)
                .add("upgrades", upgradeStatus(json))
                .build();
    }

    private static JsonObjectBuilder upgradeStatus(JsonBuilderFactory json) {
        Map<PendingUpgrades.Stage, Integer> stages = UPGRADES.stages();
        return json.createObjectBuilder()
                .add("pending", UPGRADES.size())
                .add("upgrading", stages.get(PendingUpgrades.Stage.UPGRADING))
                .add("opening", stages.get(PendingUpgrades.Stage.OPENING))
                .add("upgraded", stages.get(PendingUpgrades.Stage.UPGRADED))
                .add("claimed", UPGRADES.claimed())
                .add("reaped", UPGRADES.reaped())
                .add("forgotten", UPGRADES.forgotten());
    }

    // ---- life cycle -----------------------------------------------------------------------------

    /** At application start (see {@link EngineTuning}): finds the engine, prepares, reports. */
    static void start(ServletContext context) {
        Object container = context.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            synchronized (CAPABILITIES) {
                CAPABILITIES.values().forEach(c -> c.inactive("no WebSocket container"));
            }
        } else {
            identify(container.getClass());
            prepareTimers(container.getClass());
        }
        WorkerQueue.check(ADAPTER, WorkerQueue.fileDescriptorLimit());
        try {
            upgradeEnd = ADAPTER.observeUpgradeEnd(context, Engine::upgradeInitialized);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            upgradeEnd = null;
            LOG.log(Level.WARNING, "The end of a session''s opening cannot be observed ({0}): the upgrade reaper''s grace"
                    + " period runs from the 101 answer, so a loaded server may lose sessions that open later than"
                    + " duplex.limits.upgrade-grace-seconds", String.valueOf(e));
        }
        LOG.log(Level.INFO, "WebSocket engine {0} {1} on {2}, adapter {3}", name, version, context.getServerInfo(), ADAPTER.name());
        List<Capability> all;
        synchronized (CAPABILITIES) {
            all = List.copyOf(CAPABILITIES.values());
        }
        for (Capability capability : all) {
            Status status = capability.status();
            LOG.log(status.state() == Capability.State.INACTIVE ? Level.WARNING : Level.INFO, capability.reportLine());
        }
    }

    /** At application stop. */
    static void stop() {
        Runnable listener = upgradeEnd;
        upgradeEnd = null;
        if (listener != null) {
            listener.run();
        }
        ScheduledThreadPoolExecutor threads = timerThreads;
        timerThreads = null;
        timers = null;
        if (threads != null) {
            threads.shutdownNow();
        }
        UPGRADES.clear();
    }

    private static void identify(Class<?> containerType) {
        Optional<String> engineVersion;
        try {
            engineVersion = ADAPTER.version(containerType);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, () -> "engine version not found: " + e);
            engineVersion = Optional.empty();
        }
        if (engineVersion.isEmpty()) {
            name = containerType.getName();
            return;
        }
        name = ADAPTER.name();
        version = engineVersion.get();
    }

    private static void prepareTimers(Class<?> containerType) {
        Capability capability = own(SESSION_TIMERS);
        EngineAdapter.SessionScheduler fields;
        try {
            fields = ADAPTER.sessionScheduler(containerType);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            capability.inactive(ADAPTER.name() + "'s session scheduler field not usable: " + e);
            return;
        }
        sessionTimers = fields;
        ScheduledThreadPoolExecutor threads = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("duplex-websocket-timers"));
        threads.setRemoveOnCancelPolicy(true);
        timerThreads = threads;
        // proven by behaviour: the engine itself schedules its idle check on the plain timer, not merely
        // "the field could be written"
        timers = new IdleTimerExecutor(threads, fields::isIdleCheck,
                () -> capability.active(ADAPTER.name() + " schedules its idle checks on a plain timer thread (its scheduler is"
                        + " replaced under its idle-timeout " + fields.lockKind() + "); no-op idle checks are skipped"));
        capability.untested(ADAPTER.name() + "'s session scheduler is writable under its " + fields.lockKind()
                + "; proven when it schedules its first idle check on the plain timer");
    }

    // ---- sessions -------------------------------------------------------------------------------

    /**
     * Takes a new session into Duplex's care, once, at open (before any message): gives it the
     * plain scheduler, claims its pending upgrade, and answers how to drop its connection later
     * ({@link ConnectionAbort#NONE}-like no-op where that is impossible). Never throws.
     */
    public static ConnectionAbort.Abort attach(Session session, int writeQueueBytes) {
        ATTACHED_ONCE.set(true);
        giveTimers(session);
        Object connection;
        try {
            connection = ADAPTER.connectionOf(session);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            if (own(REMOTE_ADDRESS).status().state() == Capability.State.UNTESTED) {
                RemoteAddress.of(session); // reports it inactive where the engine cannot tell
            }
            own(CONNECTION_ABORT).inactive("the connection under a session cannot be reached: " + e);
            own(WRITE_QUEUE).inactive("the connection under a session cannot be reached");
            disableReaper("the connection under a session cannot be reached");
            return ConnectionAbort.NONE;
        }
        Capability abort = own(CONNECTION_ABORT);
        if (abort.status().state() == Capability.State.UNTESTED
                && !abort.status().detail().startsWith(ConnectionAbort.ENGINE_DROPPED)) { // keeps what was seen
            abort.untested("a session's connection is reachable; proven when one is seen dropped");
        }
        proveRemoteAddress(session, connection);
        limitWriteQueue(session, connection, writeQueueBytes);
        Capability reaper = own(UPGRADE_REAPER);
        if (UPGRADES.claim(connection)) {
            if (reaper.status().state() == Capability.State.UNTESTED) {
                reaper.active("every handshake's connection is claimed by its session or closed "
                        + (upgradeEnd != null ? "once the engine is done opening it" : "after the grace period from its 101 answer"));
            }
        } else if (reaper.status().state() == Capability.State.UNTESTED) {
            // every handshake goes through the filter, so the first session must match its own
            disableReaper("a session's connection was not the one its handshake registered");
        }
        return ConnectionAbort.abortOf(connection, abort);
    }

    /** The first session whose handshake's address was kept: the engine's answer must be that address. */
    private static void proveRemoteAddress(Session session, Object connection) {
        AddressProof proof = addressProof;
        AddressProof here = ADDRESS_PROOF_HERE.get();
        ADDRESS_PROOF_HERE.remove();
        Capability capability = own(REMOTE_ADDRESS);
        if (capability.status().state() != Capability.State.UNTESTED) {
            addressProof = null;
            return;
        }
        boolean ownHandshake = here != null;
        if (!ownHandshake && (proof == null || proof.connection() != connection)) {
            return; // not the handshake whose address was kept: a later session decides
        }
        if (ownHandshake) {
            proof = here;
        }
        addressProof = null;
        String says;
        try {
            says = ADAPTER.remoteAddress(session);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            capability.inactive("no peer address on " + session.getClass().getName() + ": " + e);
            return;
        }
        Status verdict = ownHandshake
                ? RemoteAddress.proveOnHandshakeThread(ADAPTER.name(), proof.connection() == connection,
                        "handshake " + proof.connection().getClass().getName() + ", session " + connection.getClass().getName(),
                        says, proof.peer())
                : RemoteAddress.prove(ADAPTER.name(), says, proof.peer());
        if (verdict.state() == Capability.State.ACTIVE) {
            capability.active(verdict.detail());
        } else {
            capability.inactive(verdict.detail());
        }
    }

    private static void limitWriteQueue(Session session, Object connection, int bytes) {
        Capability capability = own(WRITE_QUEUE);
        if (bytes <= 0) {
            capability.inactive("switched off (duplex.limits.write-queue-bytes is 0)");
            return;
        }
        if (writeQueueBroken) {
            return; // seen not to work on this engine: Grizzly's default stays, nothing is refused
        }
        int multiplier;
        try {
            multiplier = ADAPTER.writeQueueHardLimitMultiplier(connection);
            if (multiplier == 1) {
                writeQueueBroken("Grizzly refuses any write above the limit itself (pendingBytesHardLimitMultiplier 1)");
                return;
            }
            int limit = ADAPTER.limitWriteQueue(connection, bytes);
            if (limit != bytes) {
                writeQueueBroken("Grizzly kept a write queue limit of " + limit + " bytes");
                return;
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            writeQueueBroken("the write queue of a session's connection cannot be bounded: " + e);
            return;
        }
        String hard = multiplier > 0 ? "; each message larger than Grizzly's hard limit (" + multiplier
                + " x the limit) raises the limit while it is written" : "";
        if (capability.status().state() == Capability.State.UNTESTED) {
            capability.untested("limit set to " + bytes + " bytes" + hard + "; proven when a larger message goes out whole");
        }
        WriteQueue.Room room = new WriteQueue.Room(bytes, multiplier, () -> {
            try {
                return ADAPTER.writeQueued(connection);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return 0;
            }
        }, limit -> ADAPTER.limitWriteQueue(connection, limit), new WriteQueue.Room.Verdict() {
            @Override
            public void proven(long frameBytes) {
                if (!writeQueueBroken && capability.status().state() != Capability.State.ACTIVE) {
                    capability.active("a " + frameBytes + "-byte message went out whole past the limit; Grizzly holds at most "
                            + bytes + " bytes (plus one message) for a client that does not read; later writes wait in the"
                            + " outbox, which counts them" + hard);
                }
            }

            @Override
            public void broken(String why) {
                writeQueueBroken(why);
            }
        });
        session.getUserProperties().put(WRITE_ROOM, room);
    }

    /** The write queue limit did not do its job: later sessions keep Grizzly's default. */
    private static void writeQueueBroken(String why) {
        writeQueueBroken = true;
        own(WRITE_QUEUE).inactive(why);
    }

    private static void giveTimers(Session session) {
        IdleTimerExecutor plain = timers;
        EngineAdapter.SessionScheduler fields = sessionTimers;
        if (plain == null || fields == null) {
            return;
        }
        Capability capability = own(SESSION_TIMERS);
        try {
            fields.give(session, plain);
            if (!fields.uses(session, plain)) {
                sessionTimers = null;
                capability.inactive("a session's scheduler did not keep the plain timer it was given");
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            sessionTimers = null;
            capability.inactive("could not set a session's scheduler: " + e);
        }
    }

    /**
     * How many bytes the engine holds for writing to {@code session} beyond what it reported as
     * sent (the engine's write queue of the connection, see {@link EngineAdapter#writeQueued}): a probe to
     * call when a send completes and periodically, so that the memory budget can charge those
     * bytes; and the moments around each send ({@link WriteBacklog#sending}, {@link WriteBacklog#sent}),
     * which the bounded write queue needs so that no message is refused by it. A probe that always
     * answers 0 where the queue cannot be reached (logged once). Call after {@link #attach}.
     */
    public static WriteBacklog writeBacklog(Session session) {
        if (session.getUserProperties().remove(WRITE_ROOM) instanceof WriteQueue.Room room) {
            return room;
        }
        Object connection;
        try {
            connection = ADAPTER.connectionOf(session);
            ADAPTER.writeQueued(connection);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            if (!BACKLOG_WARNED.getAndSet(true)) {
                LOG.log(System.Logger.Level.WARNING, "The engine's write queue is not charged to the memory budget on this server: {0}",
                        e.toString());
            }
            return () -> 0;
        }
        Object reached = connection;
        return () -> {
            try {
                return ADAPTER.writeQueued(reached);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return 0;
            }
        };
    }

    private static final java.util.concurrent.atomic.AtomicBoolean BACKLOG_WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    /** The peer address of {@code session}, or {@link RemoteAddress#UNKNOWN}. */
    public static String remoteAddress(Session session) {
        return RemoteAddress.of(session);
    }

    /** A writer of pre-encoded frames for {@code session}, or null (send through the API). */
    public static RawFrameWriter rawFrames(Session session) {
        return RawFrameWriter.of(session);
    }

    static void rawFrames(boolean works, String detail) {
        Capability capability = own(RAW_FRAMES);
        if (works) {
            capability.active(detail);
        } else {
            capability.inactive(detail);
        }
    }

    static void remoteAddress(boolean works, String detail) {
        Capability capability = own(REMOTE_ADDRESS);
        if (works) {
            capability.active(detail);
        } else {
            capability.inactive(detail);
        }
    }

    // ---- upgrades ---------------------------------------------------------------------------------

    /**
     * Registers a WebSocket handshake from {@code address} about to be upgraded (the handshake
     * filter calls it just before the engine sees the request, after its admission), so that its
     * connection is closed if it never becomes a session. Call {@link #upgradeAnswered} on the same
     * thread once the engine has answered. Never throws.
     */
    public static void upgrading(ServletRequest handshake, String address) {
        HANDSHAKE.remove();
        ADDRESS_PROOF_HERE.remove();
        boolean reaping = own(UPGRADE_REAPER).status().state() != Capability.State.INACTIVE;
        // the latest handshake's, while untested: one that never becomes a session must not block the proof
        boolean proving = own(REMOTE_ADDRESS).status().state() == Capability.State.UNTESTED;
        if (!reaping && !proving) {
            return;
        }
        try {
            Object connection = ADAPTER.connectionOf(handshake);
            if (proving) {
                addressProof = new AddressProof(connection, handshake.getRemoteAddr());
                ADDRESS_PROOF_HERE.set(addressProof);
            }
            if (reaping) {
                UPGRADES.register(connection, address, System.nanoTime());
                HANDSHAKE.set(connection);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            disableReaper("the connection under a handshake cannot be reached: " + e);
            if (proving) {
                // no handshake can ever be matched with its session: the proof decides now instead of
                // staying untested (GlassFish 8's request facade has no field Tyrus' Payara path reads)
                own(REMOTE_ADDRESS).inactive("the connection under a handshake cannot be reached, so the engine's peer"
                        + " address cannot be proven against the handshake's; the address recorded at the handshake is used: " + e);
            }
        }
    }

    /**
     * The engine answered the handshake registered on this thread with {@code status}. With 101 the
     * session is opened next, on this thread; the grace period of the reaper starts only when
     * that is over ({@link EngineAdapter#observeUpgradeEnd}), or now where the end cannot be observed. Anything else
     * was no upgrade, and the connection is forgotten. Never throws.
     */
    public static void upgradeAnswered(int status) {
        if (status != 101) {
            ADDRESS_PROOF_HERE.remove();
        }
        Object connection = HANDSHAKE.get();
        if (connection == null) {
            return;
        }
        long now = System.nanoTime();
        UPGRADES.answered(connection, status, now);
        if (status != 101 || upgradeEnd == null) {
            HANDSHAKE.remove();
            if (status == 101) {
                UPGRADES.engineDone(connection, now);
            }
        }
    }

    /** The engine finished opening (or failing to open) the session of this thread's upgrade. */
    private static void upgradeInitialized() {
        Object connection = HANDSHAKE.get();
        if (connection != null) {
            HANDSHAKE.remove();
            UPGRADES.engineDone(connection, System.nanoTime());
        }
    }

    /**
     * Closes the upgraded connections the engine is done with and that no session claimed within
     * {@code graceNanos}; the sweep calls it. A connection whose session is still being opened is
     * never closed, however long that takes; after {@code max(12 × grace, 60 s)} without an end it
     * is forgotten, not closed. Only while the reaper is proven (or before any session
     * opened, when no connection can belong to one).
     *
     * @return how many connections were closed
     */
    public static int reapUpgrades(long now, long graceNanos) {
        Capability.State state = own(UPGRADE_REAPER).status().state();
        boolean safe = state == Capability.State.ACTIVE || state == Capability.State.UNTESTED && !ATTACHED_ONCE.get();
        if (!safe) {
            return 0;
        }
        List<Object> unclaimed = UPGRADES.reap(now, graceNanos, Math.max(12 * graceNanos, STUCK_NANOS));
        for (Object connection : unclaimed) {
            ConnectionAbort.abortOf(connection, own(CONNECTION_ABORT)).run();
        }
        if (!unclaimed.isEmpty()) {
            LOG.log(Level.WARNING, "Closed {0} upgraded connections that did not become sessions within {1} ms",
                    unclaimed.size(), graceNanos / 1_000_000);
        }
        return unclaimed.size();
    }

    /** The upgrades waiting for their sessions. */
    public static PendingUpgrades upgrades() {
        return UPGRADES;
    }

    private static void disableReaper(String why) {
        own(UPGRADE_REAPER).inactive(why);
        UPGRADES.clear();
    }

    /** Back to the state before start, for tests. */
    static void reset() {
        stop();
        sessionTimers = null;
        RawFrameWriter.forget();
        ATTACHED_ONCE.set(false);
        addressProof = null;
        writeQueueBroken = false;
        name = "unknown";
        version = "unknown";
        define();
    }
}
