package dev.duplex.chat.control;

import dev.duplex.chat.entity.BadCommandException;
import dev.duplex.chat.entity.ChatCommand;
import dev.duplex.chat.entity.ChatCommandDecoder;
import dev.duplex.chat.entity.ChatEvent;
import dev.duplex.chat.entity.ChatEvent.PresenceEvent;
import dev.duplex.chat.entity.ChatEventEncoder;
import dev.duplex.chat.entity.ChatMessage;
import dev.duplex.chat.entity.ErrorCode;
import dev.duplex.platform.Connections;
import dev.duplex.platform.DaemonThreads;
import dev.duplex.platform.DataGrid;
import dev.duplex.platform.RateLimitedLog;
import dev.duplex.platform.TextAssembler;
import dev.duplex.platform.Timings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The chat of this server instance: its sessions, the rooms they are in here, and the
 * {@link ChatBus} that joins it to the other instances. The endpoint hands it each session's
 * messages; it answers, fans out, and keeps presence.
 *
 * <p>The bus is chosen at start-up: {@link HazelcastBus} when the {@link DataGrid} has a grid
 * (Payara's embedded Hazelcast, or the application's own member from {@code duplex.cluster.*}),
 * otherwise (or with {@code duplex.chat.cluster=local}) the in-memory {@link LocalBus}.
 */
@ApplicationScoped
public class ChatRooms {

    /** Close code for a session whose nickname a newer connection (same rejoin token) took over. */
    public static final int REPLACED = 4001;
    /** Close code (Try Again Later) when this instance lost messages of the room: reconnect and catch up. */
    public static final int TRY_AGAIN_LATER = 1013;
    public static final int POLICY_VIOLATION = 1008;
    public static final int UNSUPPORTED_DATA = 1003;

    static final String TOO_MANY_VIOLATIONS = "Too many rejected messages";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final System.Logger LOG = System.getLogger(ChatRooms.class.getName());
    /** What clients do wrong is logged at most once a second per kind, without stack traces. */
    private static final RateLimitedLog CLIENT_ERRORS = new RateLimitedLog(LOG, Level.WARNING);
    private static final RateLimitedLog REFUSALS = new RateLimitedLog(LOG, Level.INFO);

    @Inject
    Timings timings;
    @Inject
    DataGrid grid;

    /** Counts the refused messages by kind ("chat rate-limited"...), for the status page and the metrics. */
    @Inject
    Connections connections;

    @Inject
    @ConfigProperty(name = "duplex.chat.max-text-bytes")
    int maxTextBytes;
    @Inject
    @ConfigProperty(name = "duplex.chat.max-message-bytes")
    int maxMessageBytes;
    @Inject
    @ConfigProperty(name = "duplex.chat.history-size")
    int historySize;
    @Inject
    @ConfigProperty(name = "duplex.chat.rate-per-second")
    double ratePerSecond;
    @Inject
    @ConfigProperty(name = "duplex.chat.rate-burst")
    int rateBurst;
    @Inject
    @ConfigProperty(name = "duplex.chat.max-violations")
    int maxViolations;
    @Inject
    @ConfigProperty(name = "duplex.chat.max-backlog")
    int maxBacklog;
    @Inject
    @ConfigProperty(name = "duplex.chat.nick-pattern")
    String nickPattern;
    @Inject
    @ConfigProperty(name = "duplex.chat.room-pattern")
    String roomPattern;
    @Inject
    @ConfigProperty(name = "duplex.chat.cluster")
    String cluster;
    @Inject
    @ConfigProperty(name = "duplex.chat.empty-room-grace-seconds")
    long emptyRoomGraceSeconds;
    @Inject
    @ConfigProperty(name = "duplex.chat.rejoin-grace-ms")
    long rejoinGraceMillis;

    private final ChatCommandDecoder decoder = new ChatCommandDecoder();
    private final ChatEventEncoder encoder = new ChatEventEncoder();
    private final SecureRandom random = new SecureRandom();
    /** Sessions of this instance, by session id. */
    private final Map<String, ChatMember> sessions = new ConcurrentHashMap<>();
    /** Rooms with members on this instance, and those members. */
    private final Map<String, Set<ChatMember>> rooms = new ConcurrentHashMap<>();
    /**
     * Nicknames whose connection closed without a leave, still held in the bus until the
     * deadline ({@link System#nanoTime} scale): a reload or a short network loss comes back with
     * its token and takes the nickname over, and the others see neither a leave nor a join.
     */
    private final Map<ChatMember.Membership, Long> held = new ConcurrentHashMap<>();

    private ChatLimits limits;
    private ChatBus bus;
    private LongSupplier nanoClock = System::nanoTime;
    /**
     * Where members' sends start (tests: the calling thread). Without it, the thread that read a
     * message would write it to every member itself, one system call per member; with it, that
     * thread only queues, and a member that fell behind gets what waits in one write.
     */
    private Executor sender = Runnable::run;
    private ExecutorService senderPool;
    private ScheduledExecutorService reaper;
    private volatile boolean stopped;
    private volatile long rejoinGraceNanos;

    @PostConstruct
    void init() {
        ChatLimits configured = new ChatLimits(maxTextBytes, maxMessageBytes, historySize, ratePerSecond, rateBurst,
                maxViolations, maxBacklog, Pattern.compile(nickPattern), Pattern.compile(roomPattern));
        start(configured, this::chooseBus, System::nanoTime);
        // A plain pool, not a ManagedExecutorService: on Payara every managed submit captures the
        // thread context with a class-path scan (docs/PERFORMANCE.md), and these tasks need none.
        senderPool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
                DaemonThreads.numbered("duplex-chat-sender"));
        sender = senderPool;
        long graceMillis = TimeUnit.SECONDS.toMillis(Math.max(0, emptyRoomGraceSeconds));
        long period = Math.min(Math.max(graceMillis / 2, 250), 30_000);
        reaper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("duplex-chat-reaper"));
        reaper.scheduleWithFixedDelay(() -> discardEmptyRooms(graceMillis), period, period, TimeUnit.MILLISECONDS);
        rejoinGrace(rejoinGraceMillis);
        long heldPeriod = Math.min(Math.max(rejoinGraceMillis / 10, 50), 1_000);
        reaper.scheduleWithFixedDelay(this::departHeld, heldPeriod, heldPeriod, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "Chat runs on the {0} bus as instance {1} of {2}; limits {3}; empty rooms are freed after {4} s;"
                + " a closed connection keeps its nickname for {5} ms",
                bus.mode(), bus.instance(), bus.instances(), limits, graceMillis / 1000, rejoinGraceNanos / 1_000_000);
    }

    /** Starts the chat with the application, not at its first session: the bus listens from the start. */
    void started(@Observes @Initialized(ApplicationScoped.class) Object application) {
        limits();
    }

    /** Starts on the bus {@code busFactory} makes for this chat's presence listener (tests call it directly). */
    void start(ChatLimits limits, Function<Consumer<PresenceNotice>, ChatBus> busFactory, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
        this.bus = busFactory.apply(this::presence);
    }

    private ChatBus chooseBus(Consumer<PresenceNotice> presence) {
        LongSupplier clock = System::currentTimeMillis;
        if (!"local".equalsIgnoreCase(cluster)) {
            Optional<DataGrid.Lease> lease = grid.lease("chat");
            if (lease.isPresent()) {
                return HazelcastBus.on(lease.get().hazelcast(), limits.historySize(), presence, clock, lease.get());
            }
        }
        return new LocalBus(limits.historySize(), presence, clock);
    }

    /**
     * How long a connection that closed without a leave keeps its nickname for a rejoin with its
     * token ({@code duplex.chat.rejoin-grace-ms}; 0: it departs at once). Tests call it directly.
     */
    void rejoinGrace(long millis) {
        rejoinGraceNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
    }

    public ChatLimits limits() {
        return limits;
    }

    /** A new session; the endpoint hands its messages to {@link #handle} and its end to {@link #disconnect}. */
    public ChatMember connect(Peer peer) {
        ChatMember member = new ChatMember(peer, limits, nanoClock, sender);
        sessions.put(member.id(), member);
        return member;
    }

    /** One whole text message of the session. */
    public void handle(ChatMember member, String json) {
        if (member.isClosing()) {
            return;
        }
        if (!member.admit()) {
            reject(member, ErrorCode.RATE_LIMITED, "Slow down: at most " + limits.rateBurst() + " messages at once and "
                    + formatRate(limits.ratePerSecond()) + " a second");
            return;
        }
        ChatCommand command;
        try {
            command = decoder.decode(json);
        } catch (BadCommandException e) {
            reject(member, e.code(), e.getMessage());
            return;
        }
        try {
            if (command instanceof ChatCommand.Join join) {
                join(member, join);
            } else if (command instanceof ChatCommand.Say say) {
                say(member, say);
            } else {
                leave(member);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Chat session " + member.id() + " could not be served", e);
            reject(member, ErrorCode.UNAVAILABLE, "The chat is unavailable right now; try again");
        }
    }

    /** A binary message: the chat speaks JSON text only. */
    public void binary(ChatMember member) {
        member.close(UNSUPPORTED_DATA, "Chat messages are JSON text");
    }

    /**
     * The session closed: it is out of its room here at once, but its nickname stays held for the
     * rejoin grace (a reload comes back with its token and takes it over without a leave or join
     * for the others); {@link #departHeld} lets it go after that. A session the server closed for
     * what it did ({@link ChatMember#expelled}) departs at once. Safe to call more than once.
     */
    public void disconnect(ChatMember member, int closeCode) {
        member.closedWith(closeCode);
        disconnect(member);
    }

    /** As {@link #disconnect(ChatMember, int)}, for a session whose close code is not known. */
    public void disconnect(ChatMember member) {
        sessions.remove(member.id());
        ChatMember.Membership membership = member.closed();
        if (membership == null) {
            return;
        }
        long grace = rejoinGraceNanos;
        if (grace <= 0 || stopped || member.expelled()) {
            depart(member, membership);
            return;
        }
        exit(membership.room(), member);
        held.put(membership, nanoClock.getAsLong() + grace);
    }

    /**
     * Lets go of the nicknames whose rejoin grace is over: released and announced as left, unless
     * a rejoin took them over meanwhile (then the release finds another holder and says nothing).
     * Runs periodically; tests call it directly. Never throws.
     *
     * @return how many held nicknames were let go
     */
    int departHeld() {
        long now = nanoClock.getAsLong();
        int departed = 0;
        for (Map.Entry<ChatMember.Membership, Long> entry : held.entrySet()) {
            if (now - entry.getValue() >= 0 && held.remove(entry.getKey(), entry.getValue())) {
                release(entry.getKey());
                departed++;
            }
        }
        return departed;
    }

    /**
     * Frees the rooms that have been empty (cluster-wide) for at least {@code graceMillis}: their
     * history and roster. Runs periodically ({@code duplex.chat.empty-room-grace-seconds}); tests
     * call it directly. Never throws: a failing grid is logged and tried again next time.
     */
    int discardEmptyRooms(long graceMillis) {
        if (stopped) {
            return 0;
        }
        try {
            return bus.discardEmptyRooms(graceMillis);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not free empty chat rooms: {0}", e.toString());
            return 0;
        }
    }

    /** Figures for the status endpoint. */
    public ChatStatus status() {
        int members = rooms.values().stream().mapToInt(Set::size).sum();
        return new ChatStatus(bus.mode(), bus.instance(), bus.instances(), rooms.size(), sessions.size(), members,
                bus.keptRooms(), held.size());
    }

    private void join(ChatMember member, ChatCommand.Join join) {
        if (member.state() != ChatMember.State.OUTSIDE) {
            reject(member, ErrorCode.ALREADY_JOINED, "Already in room " + member.room() + ": leave it first");
            return;
        }
        String room = join.room();
        String nick = Normalizer.normalize(join.nick(), Normalizer.Form.NFC);
        if (!limits.validRoom(room)) {
            reject(member, ErrorCode.BAD_ROOM, "A room name must match " + limits.roomPattern().pattern());
            return;
        }
        if (!limits.validNick(nick)) {
            reject(member, ErrorCode.BAD_NICK, "A nickname must match " + limits.nickPattern().pattern());
            return;
        }
        if (!NickKey.visible(nick)) {
            reject(member, ErrorCode.BAD_NICK, "A nickname must not have invisible or blank characters, or stacked marks");
            return;
        }
        if (join.token() != null && !TOKEN.matcher(join.token()).matches()) {
            reject(member, ErrorCode.BAD_REQUEST, "\"token\" must be a token from an earlier welcome");
            return;
        }
        String token = join.token() != null ? join.token() : newToken();
        Holder holder = new Holder(bus.instance(), member.id(), Holder.hash(token), nick);
        Claim claim = bus.claim(room, holder);
        if (!claim.granted()) {
            reject(member, ErrorCode.NICK_TAKEN, "Someone in " + room + " is already called " + nick
                    + " or a name that looks the same");
            return;
        }
        member.beginJoin(room, holder);
        enter(room, member);
        History history;
        List<String> members;
        try {
            history = bus.history(room, join.since(), limits.historySize());
            members = bus.members(room);
        } catch (RuntimeException e) {
            member.leave();
            exit(room, member);
            bus.release(room, holder);
            throw e;
        }
        // Announced before the welcome goes out, so that nobody who joins because of this
        // welcome hears of this arrival again afterwards.
        if (claim.replaced() != null) {
            LOG.log(Level.INFO, "Chat session {0} took {1} in {2} over from session {3}", member.id(), nick, room,
                    claim.replaced().session());
            bus.announce(new PresenceNotice(PresenceNotice.Kind.REPLACED, room, claim.replaced()));
        } else {
            bus.announce(new PresenceNotice(PresenceNotice.Kind.JOINED, room, holder));
        }
        member.completeJoin(encoder.encode(new ChatEvent.Welcome(room, nick, members, history.messages(), token,
                history.truncated())), history.lastId());
    }

    private void say(ChatMember member, ChatCommand.Say say) {
        Holder holder = member.holder();
        String room = member.room();
        if (member.state() != ChatMember.State.JOINED || holder == null) {
            reject(member, ErrorCode.NOT_JOINED, "Join a room first");
            return;
        }
        if (say.text().isEmpty()) {
            reject(member, ErrorCode.EMPTY_TEXT, "Say something");
            return;
        }
        long bytes = TextAssembler.utf8Length(say.text());
        if (bytes > limits.maxTextBytes()) {
            reject(member, ErrorCode.TEXT_TOO_LONG, "The text is " + bytes + " bytes; the limit is " + limits.maxTextBytes());
            return;
        }
        bus.append(room, holder.nick(), say.text());
    }

    private void leave(ChatMember member) {
        ChatMember.Membership membership = member.leave();
        if (membership == null) {
            reject(member, ErrorCode.NOT_JOINED, "Not in a room");
            return;
        }
        depart(member, membership);
        List<String> members = bus.members(membership.room());
        member.send(encoder.encode(new ChatEvent.Presence(membership.room(), PresenceEvent.LEFT,
                membership.holder().nick(), members)));
    }

    private void depart(ChatMember member, ChatMember.Membership membership) {
        exit(membership.room(), member);
        release(membership);
    }

    private void release(ChatMember.Membership membership) {
        if (stopped) {
            return;
        }
        try {
            if (bus.release(membership.room(), membership.holder())) {
                bus.announce(new PresenceNotice(PresenceNotice.Kind.LEFT, membership.room(), membership.holder()));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not release " + membership.holder().nick() + " in " + membership.room(), e);
        }
    }

    private void enter(String room, ChatMember member) {
        rooms.compute(room, (name, members) -> {
            Set<ChatMember> present = members;
            if (present == null) {
                present = ConcurrentHashMap.newKeySet();
                bus.follow(name, new Feed(name));
            }
            present.add(member);
            return present;
        });
    }

    private void exit(String room, ChatMember member) {
        rooms.computeIfPresent(room, (name, members) -> {
            members.remove(member);
            if (members.isEmpty()) {
                bus.unfollow(name);
                return null;
            }
            return members;
        });
    }

    /** A presence notice from any instance (this one included). */
    void presence(PresenceNotice notice) {
        if (stopped) {
            return;
        }
        if (notice.kind() == PresenceNotice.Kind.REPLACED) {
            if (notice.holder().instance().equals(bus.instance())) {
                // taken over within its rejoin grace: nothing left to let go
                held.remove(new ChatMember.Membership(notice.room(), notice.holder()));
                ChatMember replaced = sessions.get(notice.holder().session());
                if (replaced != null) {
                    replaced.close(REPLACED, "Replaced by a newer connection");
                }
            }
            return;
        }
        Set<ChatMember> present = rooms.get(notice.room());
        if (present == null || present.isEmpty()) {
            return;
        }
        PresenceEvent event = notice.kind() == PresenceNotice.Kind.JOINED ? PresenceEvent.JOINED : PresenceEvent.LEFT;
        String json = encoder.encode(new ChatEvent.Presence(notice.room(), event, notice.holder().nick(),
                bus.members(notice.room())));
        for (ChatMember member : present) {
            // A joiner learns of its own arrival from its welcome.
            if (event != PresenceEvent.JOINED || !notice.holder().equals(member.holder())) {
                member.deliverPresence(json);
            }
        }
    }

    private void reject(ChatMember member, ErrorCode code, String message) {
        member.send(encoder.encode(new ChatEvent.Error(code, message)));
        if (code.isViolation()) {
            REFUSALS.log("Chat message refused: " + code.wireName(), "session " + member.id() + ": " + message);
            if (connections != null) {
                connections.refused("chat " + code.wireName());
            }
        }
        if (code.isViolation() && !member.forgive()) {
            CLIENT_ERRORS.log("Chat session closed: too many rejected messages",
                    "session " + member.id() + ", last " + code.wireName());
            member.close(POLICY_VIOLATION, TOO_MANY_VIOLATIONS);
        }
    }

    private String newToken() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String formatRate(double rate) {
        return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
    }

    /**
     * Leaves every room (so that other instances see the members go at once, held nicknames too:
     * nobody here is left to end their grace) and disconnects the bus.
     */
    @PreDestroy
    void stop() {
        rejoinGraceNanos = 0;
        try {
            for (ChatMember member : List.copyOf(sessions.values())) {
                disconnect(member);
            }
            for (ChatMember.Membership membership : List.copyOf(held.keySet())) {
                if (held.remove(membership) != null) {
                    release(membership);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // Whatever failed, the bus below must still go: on a shared grid its listeners would
            // outlive the application (issue 19).
            LOG.log(Level.WARNING, "Could not release every chat member while stopping", e);
        } finally {
            stopped = true;
            if (reaper != null) {
                reaper.shutdownNow();
            }
            bus.close();
            if (senderPool != null) {
                senderPool.shutdown();
            }
        }
    }

    /** Delivers one room's messages to its members on this instance. */
    private final class Feed implements RoomFeed {
        private final String room;

        Feed(String room) {
            this.room = room;
        }

        @Override
        public void deliver(ChatMessage message) {
            Set<ChatMember> present = rooms.get(room);
            if (present == null) {
                return;
            }
            String json = encoder.encode(new ChatEvent.Message(message));
            for (ChatMember member : present) {
                member.deliver(message.id(), json);
            }
            if (timings != null) {
                // from the server timestamp, set where it was said (any instance), to this fan-out:
                // a millisecond clock, so each figure stands for the middle of its millisecond
                timings.record("chat.fanout", Math.max(0, System.currentTimeMillis() - message.ts()) * 1_000_000, 1_000_000);
            }
        }

        @Override
        public void fellBehind(long lost) {
            Set<ChatMember> present = rooms.get(room);
            if (present != null) {
                for (ChatMember member : present) {
                    member.close(TRY_AGAIN_LATER, "Missed " + lost + " messages: reconnect to catch up");
                }
            }
        }
    }
}
