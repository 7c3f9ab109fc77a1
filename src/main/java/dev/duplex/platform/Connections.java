package dev.duplex.platform;

import dev.duplex.platform.deflate.DeflateSession;
import dev.duplex.platform.engine.CloseFrameReasons;
import dev.duplex.platform.engine.ConnectionAbort;
import dev.duplex.platform.engine.DataRate;
import dev.duplex.platform.engine.ControlFrames;
import dev.duplex.platform.engine.Engine;
import dev.duplex.platform.engine.ReadGuard;
import dev.duplex.platform.engine.ReadGuardFilter;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every open WebSocket session of every Duplex endpoint, the limits they live under, and what they
 * did. Endpoints call it at each step of a session's life:
 *
 * <pre>
 * &#64;OnOpen    if (!connections.opened(session, "echo")) return;   // may refuse the session (1013)
 * &#64;OnMessage if (!connections.received(session, bytes)) return;  // may close it (1008 rate)
 *            connections.send(session, reply);                    // ordered, never blocks (1008 slow consumer)
 * &#64;OnClose   connections.closed(session, reason);
 * &#64;OnError   connections.failed(session, failure);
 * </pre>
 *
 * It logs one line per session open and close (id, remote address, endpoint, duration, close code),
 * keeps per-endpoint counters, pings silent sessions and closes idle or unresponsive ones (one
 * periodic {@link #sweep}, so nothing is rescheduled per message), and, when the application
 * stops, closes every open session with 1001 "going away".
 */
@ApplicationScoped
public class Connections {

    /** The user property under which the handshake leaves the client address. */
    public static final String CLIENT_ADDRESS = "dev.duplex.client-address";

    private static final System.Logger LOG = System.getLogger(Connections.class.getName());
    private static final String STATE = Connection.class.getName();
    /** Largest frame an endpoint without a {@code duplex.<endpoint>.max-message-bytes} key reads: Tyrus' incoming buffer (web.xml). */
    private static final long DEFAULT_MAX_FRAME_BYTES = 32L * 1024 * 1024;
    /**
     * The keepalive ping's payload. Each ping gets its own array-backed buffer: Open Liberty's
     * engine sent no ping at all from a read-only one (the failure showed only at DEBUG), so every
     * healthy silent client was closed with "No pong" there (the server matrix showed it).
     */
    private static final byte[] PING = {'d', 'u', 'p', 'l', 'e', 'x'};
    /** Failed pings, at WARNING at most once a minute: a ping that never goes out closes healthy sessions. */
    private static final RateLimitedLog PING_LOG = new RateLimitedLog(LOG, Level.WARNING, TimeUnit.MINUTES.toNanos(1), System::nanoTime);

    @Inject
    @ConfigProperty(name = "duplex.limits.max-sessions")
    int maxSessions;

    @Inject
    @ConfigProperty(name = "duplex.limits.max-sessions-per-address")
    int maxSessionsPerAddress;

    @Inject
    @ConfigProperty(name = "duplex.limits.fd-headroom")
    long fdHeadroom;

    @Inject
    @ConfigProperty(name = "duplex.limits.session-heap-bytes")
    long sessionHeapBytes;

    @Inject
    @ConfigProperty(name = "duplex.limits.session-heap-fraction")
    double sessionHeapFraction;

    @Inject
    @ConfigProperty(name = "duplex.limits.max-pending-upgrades-per-address")
    int maxPendingUpgradesPerAddress;

    @Inject
    @ConfigProperty(name = "duplex.limits.message-rate")
    double messageRate;

    @Inject
    @ConfigProperty(name = "duplex.limits.message-burst")
    double messageBurst;

    @Inject
    @ConfigProperty(name = "duplex.limits.max-queued-bytes")
    long maxQueuedBytes;

    @Inject
    @ConfigProperty(name = "duplex.limits.write-queue-bytes")
    int writeQueueBytes;

    @Inject
    @ConfigProperty(name = "duplex.limits.idle-timeout-seconds")
    long idleTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "duplex.memory.budget-bytes")
    long budgetBytes;

    @Inject
    @ConfigProperty(name = "duplex.memory.heap-fraction")
    double budgetHeapFraction;

    @Inject
    @ConfigProperty(name = "duplex.memory.endpoint-share")
    double budgetEndpointShare;

    @Inject
    @ConfigProperty(name = "duplex.memory.address-share")
    double budgetAddressShare;

    @Inject
    @ConfigProperty(name = "duplex.keepalive.interval-seconds")
    long pingIntervalSeconds;

    @Inject
    @ConfigProperty(name = "duplex.keepalive.timeout-seconds")
    long pongTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "duplex.limits.close-timeout-seconds")
    long closeTimeoutSeconds;

    @Inject
    @ConfigProperty(name = "duplex.limits.min-data-rate-bytes")
    long minDataRateBytes;

    @Inject
    @ConfigProperty(name = "duplex.limits.min-data-rate-grace-seconds")
    long minDataRateGraceSeconds;

    private final Map<String, Connection> open = new ConcurrentHashMap<>();
    private final Map<String, Closing> closing = new ConcurrentHashMap<>();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    /** Places taken by admitted sessions, from their admission (before they are in {@link #open}) to their close. */
    private final java.util.concurrent.atomic.AtomicInteger sessions = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, EndpointStats> stats = new ConcurrentHashMap<>();
    private final Map<String, LongCounter> refusals = new ConcurrentHashMap<>();
    private Limits limits = Limits.none();
    private Liveness liveness = new Liveness(limits);
    /** The latest ping time that some session's pong has answered (the server's reading has caught up past it). */
    private final java.util.concurrent.atomic.AtomicLong answeredPing = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    private volatile MemoryBudget budget = MemoryBudget.unlimited();
    private final Map<String, Long> maxMessageBytes = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private volatile SessionCapacity capacity = SessionCapacity.size(0, -1, -1, 0, 0, 0, 0);

    @PostConstruct
    void configure() {
        capacity = SessionCapacity.size(maxSessions, SessionCapacity.fileDescriptorLimit(), SessionCapacity.openFileDescriptors(),
                fdHeadroom, Runtime.getRuntime().maxMemory(), sessionHeapFraction, sessionHeapBytes);
        LOG.log(capacity.effective() < maxSessions ? Level.WARNING : Level.INFO, "WebSocket sessions: at most {0}", capacity.reason());
        configure(new Limits(capacity.effective(), maxSessionsPerAddress, messageRate, messageBurst, maxQueuedBytes,
                Duration.ofSeconds(idleTimeoutSeconds), Duration.ofSeconds(pingIntervalSeconds),
                Duration.ofSeconds(pongTimeoutSeconds), Duration.ofSeconds(closeTimeoutSeconds)));
        budget(MemoryBudget.sized(budgetBytes, budgetHeapFraction, Runtime.getRuntime().maxMemory(),
                budgetEndpointShare, budgetAddressShare));
    }

    void budget(MemoryBudget budget) {
        this.budget = budget;
        LOG.log(Level.INFO, "WebSocket {0} of {1} bytes of heap; read guard {2}: {3}", budget,
                String.valueOf(Runtime.getRuntime().maxMemory()), ReadGuard.active() ? "active" : "inactive", ReadGuard.reason());
    }

    /** The memory budget every session's incoming and outgoing bytes are reserved from. */
    public MemoryBudget budget() {
        return budget;
    }

    /**
     * The session's account in the memory budget: reserve bytes from it before holding them for
     * the session, release them when they are let go. For a session that was not admitted (or has
     * ended) an account that refuses every reservation.
     */
    public MemoryBudget.Account budget(Session session) {
        Connection connection = connection(session);
        return connection != null ? connection.account() : MemoryBudget.refusing();
    }

    void configure(Limits limits) {
        this.limits = limits;
        this.liveness = new Liveness(limits);
        LOG.log(Level.INFO, "WebSocket limits: {0}", limits);
    }

    public Limits limits() {
        return limits;
    }

    /** How the effective session limit ({@link Limits#maxSessions()}) was sized at start, and why. */
    public SessionCapacity capacity() {
        return capacity;
    }

    /** Handshakes one client address may have in progress at once ({@code duplex.limits.max-pending-upgrades-per-address}). */
    public int maxPendingUpgradesPerAddress() {
        return maxPendingUpgradesPerAddress;
    }

    /** Why a handshake is answered 503 before the upgrade: a metric label and the answer's text. */
    public record Busy(String reason, String message) {
    }

    /**
     * Whether a WebSocket handshake from {@code address} may go on to the engine, checked before
     * the upgrade so that a full server answers with a cheap HTTP 503 (and {@code Retry-After})
     * instead of upgrading, opening a session and then closing it with 1013. The sessions open
     * plus the upgrades in progress count against the session limits; one address may have at
     * most {@code duplex.limits.max-pending-upgrades-per-address} handshakes in progress. The
     * same limits are checked again when the session opens (1013), for the races between both.
     *
     * @param pendingUpgrades    upgrades in progress on the whole server
     * @param pendingFromAddress upgrades in progress from {@code address}
     * @return null to go on, or why not (the refusal is counted)
     */
    public Busy admitHandshake(String address, int pendingUpgrades, int pendingFromAddress) {
        Busy busy = HandshakeAdmission.check(limits, maxPendingUpgradesPerAddress, stopping, sessions.get(), pendingUpgrades,
                perAddress.getOrDefault(address, 0), pendingFromAddress);
        if (busy != null) {
            refused(busy.reason());
        }
        return busy;
    }

    /**
     * Like {@link #opened(Session, String)} for an endpoint that speaks only the given
     * subprotocols: a session that negotiated none of them is closed with 1008 and
     * {@code requiredReason} after it was registered, so it is counted like any other.
     *
     * @return whether the session was admitted with one of the subprotocols; when false it has
     *         been closed and the endpoint must not use it
     */
    public boolean opened(Session session, String endpoint, String requiredReason, String... subprotocols) {
        if (!opened(session, endpoint)) {
            return false;
        }
        String negotiated = session.getNegotiatedSubprotocol();
        for (String subprotocol : subprotocols) {
            if (subprotocol.equals(negotiated)) {
                return true;
            }
        }
        close(session, new CloseReason(CloseCodes.VIOLATED_POLICY, requiredReason));
        return false;
    }

    /**
     * Registers a new session of the named endpoint, or refuses it with 1013 when the server or
     * the client's address has too many sessions open.
     *
     * @return whether the session was admitted; when false it has been closed and the endpoint must
     *         not use it
     */
    public boolean opened(Session session, String endpoint) {
        String address = clientAddress(session);
        EndpointStats endpointStats = stats(endpoint);
        Refusal refusal = admit(address);
        if (refusal != null) {
            refused(refusal.reason());
            endpointStats.refused();
            LOG.log(Level.WARNING, "{0} session {1} from {2} refused: {3}", endpoint, session.getId(), address, refusal.message());
            close(session, new CloseReason(refusal.code(), refusal.message()));
            return false;
        }
        long now = System.nanoTime();
        MemoryBudget.Account account = budget.account(endpoint, address);
        Connection connection = new Connection(session, endpoint, address, now, endpointStats,
                new TokenBucket(limits.messageRate(), limits.messageBurst(), now),
                new AtomicReference<>(), account, Engine.attach(session, writeQueueBytes));
        DeflateSession deflate = session.getUserProperties().get(DeflateSession.USER_PROPERTY) instanceof DeflateSession d ? d : null;
        EngineCopies copies = new EngineCopies(account, deflate, Engine.writeBacklog(session),
                () -> {
                    if (session.isOpen()) {
                        overBudget(session);
                    }
                });
        connection.activity().copies = copies;
        connection.outboxSlot().set(outbox(connection, copies.charging(Outbox.transport(session)), 0, null));
        session.getUserProperties().put(STATE, connection);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> pong(connection, System.nanoTime()));
        open.put(session.getId(), connection);
        // The guard lives in the engine's connection objects, which Grizzly keeps for its keep-alive
        // timeout after the session closed: it must hold nothing of the session, only its id.
        String id = session.getId();
        ReadGuard.install(session, maxMessageBytes(endpoint), account,
                new DataRate(minDataRateBytes, TimeUnit.SECONDS.toNanos(minDataRateGraceSeconds)), (why, announced) -> {
            Connection current = open.get(id);
            if (current != null) {
                refuseFrame(current, why, announced);
            }
        }, new ControlFrames(opcode -> controlFrame(id)));
        if (deflate != null) {
            // what a compressed message inflates to is reserved while it is being inflated and
            // assembled, and what an outgoing one compresses to while the engine writes it
            deflate.chargeTo(account::tryReserve, account::release);
        }
        // Last: it wraps the engine's writer, which the steps above walk through. Like the guard, it
        // may outlive the session in the engine's pooled objects: it holds only the reason Duplex
        // closed the session with.
        OwnCloseReason own = connection.activity().closeReason;
        CloseFrameReasons.install(session, (code, reason) -> CloseReasons.forClient(code, reason, own.text));
        endpointStats.opened();
        LOG.log(Level.INFO, "{0} session {1} opened from {2}", endpoint, session.getId(), address);
        return true;
    }

    /**
     * The largest message the endpoint reads, from its {@code duplex.<endpoint>.max-message-bytes}
     * key; without one, the web.xml's Tyrus incoming buffer (32 MiB) is the limit.
     */
    private long maxMessageBytes(String endpoint) {
        return maxMessageBytes.computeIfAbsent(endpoint, e -> {
            try {
                return ConfigProvider.getConfig().getOptionalValue("duplex." + e + ".max-message-bytes", Long.class)
                        .orElse(DEFAULT_MAX_FRAME_BYTES);
            } catch (IllegalStateException | IllegalArgumentException noConfig) {
                // no MicroProfile Config (unit tests) or an unreadable value
                return DEFAULT_MAX_FRAME_BYTES;
            }
        });
    }

    /** The read guard refused a frame (from its header, as its bytes arrived, or under the minimum data rate): close the session. */
    private void refuseFrame(Connection connection, ReadGuardFilter.Refusal refusal, long announced) {
        Session session = connection.session();
        CloseReason reason = switch (refusal) {
            case TOO_BIG -> new MessageTooBigException(maxMessageBytes(connection.endpoint())).closeReason();
            case OVER_BUDGET -> MessageTooBigException.overBudget().closeReason();
            case PROTOCOL -> new CloseReason(CloseCodes.PROTOCOL_ERROR, "Control frame longer than 125 bytes");
            case TOO_SLOW -> new CloseReason(CloseCodes.VIOLATED_POLICY, "Too slow: under " + announced + " bytes/s");
            case UNMASKED -> new CloseReason(CloseCodes.PROTOCOL_ERROR, "Unmasked frame: a client must mask every frame");
        };
        refused(switch (refusal) {
            case TOO_BIG -> "frame too big";
            case OVER_BUDGET -> "memory budget";
            case PROTOCOL -> "protocol error";
            case TOO_SLOW -> "too slow";
            case UNMASKED -> "unmasked frame";
        });
        if (refusal == ReadGuardFilter.Refusal.TOO_SLOW) {
            LOG.log(Level.WARNING, "{0} session {1} from {2}: message arriving under the minimum data rate dropped: {3} {4}",
                    connection.endpoint(), session.getId(), connection.remoteAddress(),
                    String.valueOf(reason.getCloseCode().getCode()), reason.getReasonPhrase());
        } else {
            LOG.log(Level.WARNING, "{0} session {1} from {2}: frame of {3} bytes refused before buffering: {4} {5}",
                    connection.endpoint(), session.getId(), connection.remoteAddress(), String.valueOf(announced),
                    String.valueOf(reason.getCloseCode().getCode()), reason.getReasonPhrase());
        }
        close(session, reason);
    }

    /** Counts a message refused by the memory budget where it was assembled, and closes the session with 1013. */
    public void overBudget(Session session) {
        refused("memory budget");
        close(session, MessageTooBigException.overBudget().closeReason());
    }

    /** Why a session is not admitted: a metric label, the close code and the close reason. */
    private record Refusal(String reason, CloseReason.CloseCode code, String message) {
    }

    /** Takes a place for a session from this address, or says why not. */
    private Refusal admit(String address) {
        if (stopping) {
            return new Refusal("shutting down", CloseCodes.GOING_AWAY, "Server shutting down");
        }
        int total = sessions.incrementAndGet();
        if (limits.maxSessions() > 0 && total > limits.maxSessions()) {
            sessions.decrementAndGet();
            return new Refusal("max sessions", CloseCodes.TRY_AGAIN_LATER,
                    "Too many sessions on this server (" + limits.maxSessions() + "), try again later");
        }
        int count = perAddress.merge(address, 1, Integer::sum);
        if (limits.maxSessionsPerAddress() > 0 && count > limits.maxSessionsPerAddress()) {
            release(address);
            return new Refusal("max sessions per address", CloseCodes.TRY_AGAIN_LATER,
                    "Too many sessions from your address (" + limits.maxSessionsPerAddress() + "), try again later");
        }
        return null;
    }

    /** Gives back a place taken by {@link #admit}. */
    private void release(String address) {
        sessions.decrementAndGet();
        perAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    /**
     * This bean itself rather than its CDI client proxy, to keep for a session. An endpoint calls
     * {@link #received} and {@link #send} for every message; through the proxy each call first
     * looks the instance up in the application context (Weld on Payara, in the echo benchmark S1:
     * 3.3 % of JFR's samples, 1.5 % of async-profiler's; docs/PERFORMANCE.md). The instance is
     * application-scoped, the same one for as long as the application runs. It comes wrapped in a
     * supplier because Weld's client proxy hands back itself, not the instance, from a method that
     * returns {@code this}.
     */
    public Supplier<Connections> instance() {
        Connections self = this;
        return () -> self;
    }

    /**
     * Counts a message the session received and applies the message-rate limit.
     *
     * @return whether the endpoint should handle it; false when the session has been closed
     */
    public boolean received(Session session, long bytes) {
        Connection connection = connection(session);
        if (connection == null) {
            return false;
        }
        long now = System.nanoTime();
        connection.messageAt(now);
        connection.stats().received(bytes);
        return withinRate(connection, now);
    }

    /**
     * A ping or pong from the client (seen by the read guard before the engine answers it): it
     * counts against the message rate like a message, and is a sign of life.
     *
     * @return whether it may go on to the engine; false when the session has been closed (1008)
     */
    private boolean controlFrame(String id) {
        Connection connection = open.get(id);
        if (connection == null) {
            return true;
        }
        long now = System.nanoTime();
        connection.heard(now);
        return withinRate(connection, now);
    }

    /** Takes one from the session's message rate, or closes it with 1008. */
    private boolean withinRate(Connection connection, long now) {
        boolean within;
        synchronized (connection.rate()) { // messages and control frames may be counted on different threads
            within = connection.rate().tryTake(now);
        }
        if (!within) {
            refused("message rate");
            close(connection.session(), new CloseReason(CloseCodes.VIOLATED_POLICY,
                    "Message rate over " + (long) limits.messageRate() + "/s"));
        }
        return within;
    }

    /**
     * Sends a text message to the session through its {@link Outbox}, in order and without
     * blocking. A session that lets more than {@code duplex.limits.max-queued-bytes} pile up is
     * closed with 1008 "Slow consumer"; one whose bytes the memory budget refuses with 1013
     * "Server busy: memory budget".
     *
     * @return whether the message was accepted for sending
     */
    public boolean send(Session session, String text) {
        return send(session, text, TextAssembler.utf8Length(text), null);
    }

    /** Sends a binary message; see {@link #send(Session, String)}. The buffer must not change afterwards. */
    public boolean send(Session session, ByteBuffer bytes) {
        return send(session, bytes, bytes.remaining(), null);
    }

    /**
     * As {@link #send(Session, String)}; {@code written} learns once when the message has been
     * written ({@code null}) or never will be (the failure), see {@link Outbox#offer(Object, long, Object, Consumer)}.
     */
    public boolean send(Session session, String text, Consumer<Throwable> written) {
        return send(session, text, TextAssembler.utf8Length(text), written);
    }

    /** As {@link #send(Session, ByteBuffer)}, with {@code written} as for {@link #send(Session, String, Consumer)}. */
    public boolean send(Session session, ByteBuffer bytes, Consumer<Throwable> written) {
        return send(session, bytes, bytes.remaining(), written);
    }

    private boolean send(Session session, Object message, long bytes, Consumer<Throwable> written) {
        Connection connection = connection(session);
        if (connection == null) {
            if (written != null) {
                written.accept(new IllegalStateException("session " + session.getId() + " is not open"));
            }
            return false;
        }
        if (connection.outbox().offer(message, bytes, null, written) == Outbox.Result.ACCEPTED) {
            connection.stats().sent(1, bytes);
            return true;
        }
        return false;
    }

    /**
     * Makes the session's outbox one on {@code transport} (an endpoint that frames its own
     * messages, such as chat's shared frames), with {@code duplex.limits.max-queued-bytes}, at most
     * {@code maxQueuedMessages} waiting (0: no count limit), sends started on {@code sender} (null:
     * on the offering thread), charged to the session's memory budget, each send announced to the
     * engine's write queue (so that its bound refuses no message: {@link EngineCopies#announcing}),
     * and closing the session as {@link #send} does. Call it once, right after {@link #opened}, before anything is sent; a
     * session that is not open gets an outbox that refuses everything.
     */
    public Outbox outbox(Session session, Outbox.Transport transport, int maxQueuedMessages, Executor sender) {
        Connection connection = connection(session);
        if (connection == null) {
            Outbox refusing = new Outbox(transport, 0);
            refusing.close();
            return refusing;
        }
        // The engine's write queue hears of each send, as with the session's own outbox: else a
        // message over its hard limit (Grizzly 5: four times the bound) drops the connection.
        EngineCopies copies = connection.activity().copies;
        Outbox outbox = outbox(connection, copies == null ? transport : copies.announcing(transport), maxQueuedMessages, sender);
        Outbox previous = connection.outboxSlot().getAndSet(outbox);
        if (previous != null) {
            previous.close();
        }
        return outbox;
    }

    private Outbox outbox(Connection connection, Outbox.Transport transport, int maxQueuedMessages, Executor sender) {
        Session session = connection.session();
        return new Outbox(transport, limits.maxQueuedBytes(), maxQueuedMessages, sender, connection.account(), (code, reason) -> {
            refused(code == Outbox.OVER_BUDGET_CODE ? "memory budget" : "slow consumer");
            LOG.log(Level.WARNING, "{0} session {1} from {2}: {3}, closing it with {4}", connection.endpoint(),
                    session.getId(), connection.remoteAddress(), reason, String.valueOf(code));
            close(session, new CloseReason(CloseCodes.getCloseCode(code), reason));
        });
    }

    /** Counts a message an endpoint sent to the session by itself (not through {@link #send}). */
    public void sent(Session session, long bytes) {
        sent(session, 1, bytes);
    }

    /** Counts {@code messages} sent together, with {@code bytes} of payload in all. */
    public void sent(Session session, int messages, long bytes) {
        Connection connection = connection(session);
        if (connection != null) {
            connection.stats().sent(messages, bytes);
        }
    }

    /** Unregisters a closed session. Safe to call more than once. */
    public void closed(Session session, CloseReason reason) {
        ReadGuard.release(session);
        Connection connection = open.remove(session.getId());
        if (connection == null) {
            Connection known = connection(session);
            if (known != null) {
                known.account().close();
            }
            return;
        }
        release(connection.remoteAddress());
        connection.outbox().close();
        connection.account().close();
        int code = reason == null ? CloseCodes.NO_STATUS_CODE.getCode() : reason.getCloseCode().getCode();
        connection.stats().closed(code);
        Duration lived = Duration.ofNanos(System.nanoTime() - connection.openedAt());
        LOG.log(Level.INFO, "{0} session {1} from {2} closed after {3} ms with {4} {5}", connection.endpoint(),
                session.getId(), connection.remoteAddress(), String.valueOf(lived.toMillis()), String.valueOf(code),
                reason == null ? "" : reason.getReasonPhrase());
    }

    /** Records an error; I/O errors mean the peer went away, anything else is logged as a warning. */
    public void failed(Session session, Throwable failure) {
        Connection connection = connection(session);
        String endpoint = connection == null ? "?" : connection.endpoint();
        Level level = failure instanceof IOException ? Level.DEBUG : Level.WARNING;
        LOG.log(level, () -> endpoint + " session " + session.getId() + " failed: " + failure, failure);
        if (connection != null) {
            connection.stats().failed();
            if (!session.isOpen()) {
                // the session ended with this error; onClose may not follow
                connection.account().close();
                ReadGuard.release(session);
            }
        }
    }

    /** Counts a handshake or session refused before it could be used, by reason. */
    public void refused(String reason) {
        refusals.computeIfAbsent(reason, r -> new LongCounter()).increment();
    }

    /**
     * One pass over every open session: pings the silent ones, closes those idle for the idle
     * timeout and those that left a ping unanswered for the pong timeout. Called periodically.
     */
    public void sweep(long now) {
        ReadGuard.sweep(now);
        closing.values().removeIf(c -> {
            if (now - c.deadline() < 0) {
                return false;
            }
            c.abort().run();
            c.account().close();
            return true;
        });
        long pongTimeout = limits.pongTimeout().toNanos();
        int unanswered = 0;
        for (Connection connection : open.values()) {
            if (ReadGuard.receiving(connection.session())) {
                // A message still arriving (at the minimum data rate or faster: a slower one is
                // dropped below) is activity and a sign of life: a client busy sending a large
                // message answers a ping only after its last byte, and is not idle meanwhile.
                connection.messageAt(now);
            }
            long pinged = connection.pingSentAt();
            if (pongTimeout > 0 && pinged != 0 && connection.lastHeard() < pinged && now - pinged >= pongTimeout) {
                unanswered++;
            }
        }
        long caughtUpTo = answeredPing.get();
        for (Connection connection : open.values()) {
            EngineCopies copies = connection.activity().copies;
            if (copies != null) {
                copies.settleBacklog();
            }
            if (!connection.session().isOpen()) {
                // ended without a close callback (yet): what it held goes back to the budget now
                connection.account().close();
                ReadGuard.release(connection.session());
            }
            // the minimum data rate of a message being received, checked even when no more bytes come
            ReadGuard.checkRate(connection.session(), now);
            switch (liveness.decide(now, connection.lastMessage(), connection.lastHeard(), connection.pingSentAt(),
                    Liveness.serverBehind(unanswered, caughtUpTo, connection.pingSentAt(), pongTimeout))) {
                case PING -> ping(connection, now);
                case CLOSE_IDLE -> {
                    refused("idle timeout");
                    closeOffSweep(connection, new CloseReason(CloseCodes.GOING_AWAY,
                            "Idle for " + limits.idleTimeout().toSeconds() + " s"));
                }
                case CLOSE_UNRESPONSIVE -> {
                    refused("keepalive timeout");
                    closeOffSweep(connection, new CloseReason(CloseCodes.GOING_AWAY,
                            "No pong within " + limits.pongTimeout().toSeconds() + " s"));
                }
                case NONE -> {
                }
            }
        }
    }

    /**
     * Closes a session the sweep gave up on, on {@link #sweepCloses}; its liveness is reset first so
     * that the next sweeps do not close it again while the close waits its turn.
     */
    private void closeOffSweep(Connection connection, CloseReason reason) {
        long now = System.nanoTime();
        connection.messageAt(now);
        connection.pinged(0);
        try {
            sweepCloses.execute(() -> close(connection.session(), reason));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            close(connection.session(), reason);
        }
    }

    /** A pong: the session is alive, and the server has read up to its ping. */
    private void pong(Connection connection, long now) {
        long pinged = connection.pingSentAt();
        if (pinged != 0 && connection.lastHeard() < pinged) {
            answeredPing.accumulateAndGet(pinged, Math::max);
        }
        connection.heard(now);
    }

    private static void ping(Connection connection, long now) {
        connection.pinged(now);
        try {
            connection.session().getAsyncRemote().sendPing(ByteBuffer.wrap(PING.clone()));
        } catch (IOException | RuntimeException e) {
            PING_LOG.log("Keepalive ping failed", "session " + connection.session().getId() + ": " + e);
        }
    }

    /** How many sessions are open now, over all endpoints. */
    public int openCount() {
        return open.size();
    }

    /** Figures per endpoint, by endpoint name. */
    public Map<String, EndpointStats> stats() {
        return Map.copyOf(stats);
    }

    /** Refused handshakes and closed sessions by reason: origin, limits, rate, slow consumer, timeouts. */
    public Map<String, Long> refusals() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        refusals.forEach((reason, count) -> counts.put(reason, count.get()));
        return counts;
    }

    /** Whether the application is closing its sessions to stop. */
    public boolean stopping() {
        return stopping;
    }

    EndpointStats stats(String endpoint) {
        return stats.computeIfAbsent(endpoint, EndpointStats::new);
    }

    /** Sessions closed by the server whose connections are not yet known to be gone. */
    int closingCount() {
        return closing.size();
    }

    private static Connection connection(Session session) {
        return (Connection) session.getUserProperties().get(STATE);
    }

    private static String clientAddress(Session session) {
        Object address = session.getUserProperties().get(CLIENT_ADDRESS);
        return address != null ? address.toString() : Engine.remoteAddress(session);
    }

    /**
     * Closes the session from the server's side. The peer has {@code duplex.limits.close-timeout-seconds}
     * to answer the close frame; then the sweep drops the connection (see {@link ConnectionAbort}),
     * so a client that stops reading cannot keep it. Endpoints close sessions through here.
     */
    public void close(Session session, CloseReason reason) {
        Connection connection = connection(session);
        if (connection != null && reason != null) {
            connection.activity().closeReason.text = reason.getReasonPhrase();
        }
        if (connection != null && limits.closeTimeout().toNanos() > 0) {
            closing.put(session.getId(), new Closing(connection.abort(), connection.account(),
                    System.nanoTime() + limits.closeTimeout().toNanos()));
        }
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "Session " + session.getId() + " did not close cleanly: " + e);
        }
    }

    /** A session the server closed, and when its connection is dropped if the peer has not answered. */
    private record Closing(ConnectionAbort.Abort abort, MemoryBudget.Account account, long deadline) {
    }

    /**
     * The sweep's closes (idle, no pong) run here, off the sweep's thread: an engine whose close
     * blocks while the peer reads nothing (its close frame cannot be written) would otherwise stop
     * the keepalive and idle timeouts of every session until that peer went away (seen once on
     * Open Liberty in CI: no ping went out for minutes). Two threads; closes wait their turn.
     */
    private final ExecutorService sweepCloses = Executors.newFixedThreadPool(2, DaemonThreads.named("duplex-sweep-close"));

    /** Closes every open session with 1001 before the application goes away. */
    @PreDestroy
    void goingAway() {
        sweepCloses.shutdown();
        stopping = true;
        List<Connection> all = List.copyOf(open.values());
        if (!all.isEmpty()) {
            LOG.log(Level.INFO, "Closing {0} WebSocket sessions: the server is shutting down", all.size());
        }
        CloseReason goingAway = new CloseReason(CloseCodes.GOING_AWAY, "Server shutting down");
        for (Connection connection : all) {
            close(connection.session(), goingAway);
        }
    }

    /** A counter that is cheap to increment from many threads. */
    private static final class LongCounter {
        private final java.util.concurrent.atomic.LongAdder adder = new java.util.concurrent.atomic.LongAdder();

        void increment() {
            adder.increment();
        }

        long get() {
            return adder.sum();
        }
    }

    /** One open session and what Duplex tracks of it. */
    private record Connection(Session session, String endpoint, String remoteAddress, long openedAt,
            EndpointStats stats, TokenBucket rate, AtomicReference<Outbox> outboxSlot, MemoryBudget.Account account,
            ConnectionAbort.Abort abort, Activity activity) {

        Connection(Session session, String endpoint, String remoteAddress, long openedAt, EndpointStats stats,
                TokenBucket rate, AtomicReference<Outbox> outboxSlot, MemoryBudget.Account account,
                ConnectionAbort.Abort abort) {
            this(session, endpoint, remoteAddress, openedAt, stats, rate, outboxSlot, account, abort, new Activity(openedAt));
        }

        /** The session's one outbox, through which everything sent to it goes. */
        Outbox outbox() {
            return outboxSlot.get();
        }

        void messageAt(long now) {
            activity.lastMessage = now;
            activity.lastHeard = now;
        }

        void heard(long now) {
            activity.lastHeard = now;
        }

        void pinged(long now) {
            activity.pingSentAt = now;
        }

        long lastMessage() {
            return activity.lastMessage;
        }

        long lastHeard() {
            return activity.lastHeard;
        }

        long pingSentAt() {
            return activity.pingSentAt;
        }
    }

    /** Times of a session's last message, last sign of life and outstanding ping. */
    private static final class Activity {
        volatile long lastMessage;
        volatile long lastHeard;
        volatile long pingSentAt;
        final OwnCloseReason closeReason = new OwnCloseReason();
        volatile EngineCopies copies;

        Activity(long openedAt) {
            lastMessage = openedAt;
            lastHeard = openedAt;
        }
    }

    /**
     * The reason Duplex closed a session with, the one the client's close frame may carry (see
     * {@link CloseReasons}). Its own object because the engine's close-frame writer keeps it after
     * the session ended (Grizzly pools the connection objects that hold that writer): it must lead
     * to nothing else of the session (through {@code Activity.copies} it once kept every closed
     * session's {@code Connection} reachable).
     */
    private static final class OwnCloseReason {
        volatile String text;
    }
}
