package dev.duplex.draw.control;

import dev.duplex.draw.entity.DrawCodec;
import dev.duplex.draw.entity.DrawCommand;
import dev.duplex.draw.entity.DrawError;
import dev.duplex.draw.entity.DrawProtocolException;
import dev.duplex.platform.Connections;
import dev.duplex.platform.DaemonThreads;
import dev.duplex.platform.DataGrid;
import dev.duplex.platform.MemoryBudget;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The boards of {@code /draw} on this instance, by name: routes each member's decoded messages to
 * its board, applies the per-member limits (sample rate, violations) and frees boards that stayed
 * empty for the grace ({@code duplex.draw.empty-grace-seconds}). Every answer is a {@code draw.bin}
 * ERROR message; a member that sends {@code max-violations} malformed or out-of-protocol messages
 * is closed with 1008.
 *
 * <p><b>Across a cluster</b> ({@link DrawBus}) each board has one owner, the instance its first
 * member joined it on (or the survivor that took it over); only the owner's {@link Board} decides
 * the order of strokes. A member connected to another instance is a proxy there: its instance
 * forwards each of its messages unread to the owner, which handles it exactly as a local member's
 * (limits, errors, violations included) and sends back what is for that member alone; broadcasts go
 * once per instance to its {@link BoardReplica}, which keeps a copy of the board and hands them to
 * its members. When the owner is gone, the instance that claims the board next continues it from
 * its copy ({@link Board#restore}); members on instances that did not get the board are closed with
 * 1012 and join again (their pages reconnect by themselves).
 */
@ApplicationScoped
public class DrawBoards {

    private static final System.Logger LOG = System.getLogger(DrawBoards.class.getName());
    /** The endpoint's name with the platform (sessions, limits, memory budget). */
    public static final String ENDPOINT = "draw";
    public static final int VIOLATIONS_CODE = 1008;
    public static final String TOO_MANY_VIOLATIONS = "Too many bad messages";
    /** Close code and reason for a member whose board moved to another instance: its page joins again. */
    public static final int MOVED_CODE = 1012;
    public static final String MOVED = "The board moved to another server: join again";

    @Inject
    DataGrid grid;
    @Inject
    @ConfigProperty(name = "duplex.draw.cluster")
    String cluster;

    @Inject
    Connections connections;
    @Inject
    @ConfigProperty(name = "duplex.draw.max-message-bytes")
    long maxMessageBytes;
    @Inject
    @ConfigProperty(name = "duplex.draw.samples-per-second")
    double samplesPerSecond;
    @Inject
    @ConfigProperty(name = "duplex.draw.samples-burst")
    double samplesBurst;
    @Inject
    @ConfigProperty(name = "duplex.draw.max-samples-per-stroke")
    int maxSamplesPerStroke;
    @Inject
    @ConfigProperty(name = "duplex.draw.max-strokes")
    int maxStrokes;
    @Inject
    @ConfigProperty(name = "duplex.draw.compact-after")
    int compactAfter;
    @Inject
    @ConfigProperty(name = "duplex.draw.keep-after-snapshot")
    int keepAfterSnapshot;
    @Inject
    @ConfigProperty(name = "duplex.draw.max-board-bytes")
    long maxBoardBytes;
    @Inject
    @ConfigProperty(name = "duplex.draw.max-members")
    int maxMembers;
    @Inject
    @ConfigProperty(name = "duplex.draw.max-boards")
    int maxBoards;
    @Inject
    @ConfigProperty(name = "duplex.draw.max-violations")
    int maxViolations;
    @Inject
    @ConfigProperty(name = "duplex.draw.empty-grace-seconds")
    long emptyGraceSeconds;
    @Inject
    @ConfigProperty(name = "duplex.draw.snapshot-timeout-seconds")
    long snapshotTimeoutSeconds;
    @Inject
    @ConfigProperty(name = "duplex.draw.name-pattern")
    String namePattern;
    @Inject
    @ConfigProperty(name = "duplex.draw.board-pattern")
    String boardPattern;

    private final Map<String, Board> boards = new ConcurrentHashMap<>();
    /** This instance's connections, by key. */
    private final Map<Long, DrawMember> locals = new ConcurrentHashMap<>();
    /** Members on other instances of boards this instance owns, by "instance/key". */
    private final Map<String, DrawMember> proxies = new ConcurrentHashMap<>();
    /** Copies of boards other instances own that members here are on. */
    private final Map<String, BoardReplica> replicas = new ConcurrentHashMap<>();
    private final AtomicLong keys = new AtomicLong();
    /** Guards members' moves between a copy and a board (joins elsewhere, leaves, take-overs). */
    private final Object moves = new Object();
    private final AtomicLong strokes = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong relayed = new AtomicLong();
    private DrawBus bus = new LocalDrawBus("local");
    private DrawLimits limits;
    private Function<String, MemoryBudget.Account> accounts;
    private LongSupplier clock = System::nanoTime;
    private ScheduledExecutorService sweeper;

    @PostConstruct
    void init() {
        limits = new DrawLimits(maxMessageBytes, samplesPerSecond, samplesBurst, maxSamplesPerStroke, maxStrokes, compactAfter,
                keepAfterSnapshot, maxBoardBytes, maxMembers, maxBoards, maxViolations, TimeUnit.SECONDS.toMillis(emptyGraceSeconds),
                TimeUnit.SECONDS.toMillis(snapshotTimeoutSeconds), Pattern.compile(namePattern), Pattern.compile(boardPattern));
        // each board's bytes on an account of its own: the per-address share caps one board, not one client
        accounts = board -> connections.budget().account(ENDPOINT, "board " + board);
        long period = Math.min(Math.max(limits.emptyGraceMillis() / 2, 250), 5_000);
        sweeper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("duplex-draw-sweeper"));
        sweeper.scheduleWithFixedDelay(this::sweepSafely, period, period, TimeUnit.MILLISECONDS);
        bus = chooseBus();
        bus.start(this::receive, this::ownersChanged);
        LOG.log(Level.INFO, "Draw boards run on the {0} bus as instance {1} of {2}: {3}", bus.mode(), bus.instance(),
                bus.instances(), limits);
    }

    /** Starts the boards with the application, not at the first session: the inbox listens from the start. */
    void started(@Observes @Initialized(ApplicationScoped.class) Object application) {
        limits();
    }

    private DrawBus chooseBus() {
        if (!"local".equalsIgnoreCase(cluster)) {
            Optional<DataGrid.Lease> lease = grid.lease("canvas");
            if (lease.isPresent()) {
                return HazelcastDrawBus.on(lease.get().hazelcast(), lease.get());
            }
        }
        return new LocalDrawBus("local");
    }

    /** For tests: limits, where boards' bytes are charged, and the clock (nanoseconds). */
    void start(DrawLimits limits, Function<String, MemoryBudget.Account> accounts, LongSupplier clock) {
        this.limits = limits;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** For tests: as {@link #start(DrawLimits, Function, LongSupplier)}, on {@code bus}. */
    void start(DrawLimits limits, Function<String, MemoryBudget.Account> accounts, LongSupplier clock, DrawBus bus) {
        start(limits, accounts, clock);
        this.bus = bus;
        bus.start(this::receive, this::ownersChanged);
    }

    /**
     * Frees the boards and the copies, then closes the bus (its listeners and owner entries leave
     * the grid: the instances with copies of this instance's boards take them over).
     */
    @PreDestroy
    void stop() {
        try {
            if (sweeper != null) {
                sweeper.shutdownNow();
            }
            // this instance's members of other instances' boards leave them now, not when this instance leaves the cluster
            for (DrawMember member : List.copyOf(locals.values())) {
                BoardReplica replica = member.replica;
                if (replica != null) {
                    member.replica = null;
                    bus.send(replica.owner(), DrawGridCodec.gone(replica.name(), bus.instance(), member.key));
                }
            }
            boards.values().forEach(Board::free);
            boards.clear();
            replicas.values().forEach(r -> r.close(false));
            replicas.clear();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Could not free every draw board while stopping", e);
        } finally {
            bus.close();
        }
    }

    public DrawLimits limits() {
        return limits;
    }

    /** A new connection; it joins a board with its first message. */
    public DrawMember connect(DrawPeer peer) {
        long key = keys.incrementAndGet();
        DrawMember member = new DrawMember(peer, limits, clock.getAsLong(), null, key);
        locals.put(key, member);
        return member;
    }

    /** Handles one whole binary message of {@code member}. */
    public void handle(DrawMember member, ByteBuffer message) {
        BoardReplica replica = member.replica;
        if (replica != null) {
            // on another instance's board: its owner reads it
            forwarded.incrementAndGet();
            bus.send(replica.owner(), DrawGridCodec.forward(replica.name(), bus.instance(), member.key, message));
            return;
        }
        DrawCommand command;
        try {
            command = DrawCodec.decode(message);
        } catch (DrawProtocolException e) {
            answer(member, e.error(), e.getMessage());
            return;
        }
        long now = clock.getAsLong();
        Board board = member.board;
        if (command instanceof DrawCommand.Join join) {
            if (board != null) {
                answer(member, DrawError.ALREADY_JOINED, "Already on board " + board.name());
            } else {
                join(member, join);
            }
            return;
        }
        if (board == null) {
            answer(member, DrawError.NOT_JOINED, "Join a board first");
            return;
        }
        DrawError error = null;
        if (command instanceof DrawCommand.Begin begin) {
            error = board.begin(member, begin);
            if (error == null) {
                strokes.incrementAndGet();
            }
        } else if (command instanceof DrawCommand.Points points) {
            error = points(member, board, points, now);
        } else if (command instanceof DrawCommand.End) {
            error = board.end(member, now);
        } else if (command instanceof DrawCommand.Cursor cursor) {
            if (member.samples.tryTake(now)) {
                board.cursor(member, cursor.x(), cursor.y());
            }
        } else if (command instanceof DrawCommand.Undo) {
            error = board.undo(member);
        } else if (command instanceof DrawCommand.Clear) {
            board.clear(member);
        } else if (command instanceof DrawCommand.Snapshot snapshot) {
            error = board.snapshot(member, snapshot);
        }
        if (error != null) {
            answer(member, error, message(error));
        }
    }

    private DrawError points(DrawMember member, Board board, DrawCommand.Points points, long now) {
        int n = points.count();
        int allowed = 0;
        while (allowed < n && member.samples.tryTake(now)) {
            allowed++;
        }
        DrawError error = allowed > 0 ? board.points(member, points.samples(), allowed) : null;
        if (allowed < n) {
            if (member.rateRefused) {
                return error;
            }
            member.rateRefused = true;
            return DrawError.SAMPLE_RATE;
        }
        member.rateRefused = false;
        return error;
    }

    private void join(DrawMember member, DrawCommand.Join join) {
        if (!limits.namePattern().matcher(join.name()).matches() || !limits.boardPattern().matcher(join.board()).matches()) {
            answer(member, DrawError.BAD_NAME, "Names are " + limits.namePattern() + ", boards " + limits.boardPattern());
            return;
        }
        member.name = join.name();
        // under the lock of take-overs: a board this instance just claimed is restored before anyone joins it
        synchronized (moves) {
            if (!bus.instance().equals(owner(join.board()))) {
                if (member.instance == null) {
                    joinElsewhere(member, join);
                } else {
                    // a proxy's board moved on while its join travelled: its instance asks again
                    member.peer.close(MOVED_CODE, MOVED);
                }
                return;
            }
            joinHere(member, join);
        }
    }

    private void joinHere(DrawMember member, DrawCommand.Join join) {
        while (true) {
            Board board = boards.get(join.board());
            if (board == null) {
                if (boards.size() >= limits.maxBoards()) {
                    answer(member, DrawError.TOO_MANY_BOARDS, "This server has " + limits.maxBoards() + " boards already");
                    return;
                }
                board = boards.computeIfAbsent(join.board(), name -> new Board(name, limits, accounts.apply(name), clock.getAsLong(),
                        mirrors(name)));
            }
            DrawError error = board.join(member);
            if (error == DrawError.TOO_MANY_BOARDS) {
                boards.remove(join.board(), board); // freed meanwhile: make it again
                continue;
            }
            if (error != null) {
                answer(member, error, message(error));
            }
            return;
        }
    }

    /** The owner of {@code board}; this instance when the grid cannot say (logged). */
    private String owner(String board) {
        try {
            return bus.owner(board);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not ask the grid who owns draw board " + board + "; it stays on this instance", e);
            return bus.instance();
        }
    }

    /** Where a board of this instance sends its broadcasts for the members of another instance. */
    private Function<String, Board.Mirror> mirrors(String board) {
        return instance -> new Board.Mirror() {
            @Override
            public void send(ByteBuffer message, int except) {
                relayed.incrementAndGet();
                bus.send(instance, DrawGridCodec.mirror(board, except, message));
            }

            @Override
            public void reset(List<ByteBuffer> state) {
                bus.send(instance, DrawGridCodec.reset(board, state));
            }
        };
    }

    /** The member joins a board another instance owns: it follows that board's copy here and its JOIN goes to the owner. */
    private void joinElsewhere(DrawMember member, DrawCommand.Join join) {
        String owner;
        BoardReplica replica;
        synchronized (moves) {
            owner = owner(join.board());
            replica = replicas.computeIfAbsent(join.board(), name -> new BoardReplica(name, owner, accounts.apply(name)));
            replica.attach(member);
            member.replica = replica;
        }
        byte[] name = join.name().getBytes(StandardCharsets.UTF_8);
        byte[] board = join.board().getBytes(StandardCharsets.UTF_8);
        ByteBuffer message = ByteBuffer.allocate(3 + name.length + board.length).put((byte) DrawCodec.JOIN)
                .put((byte) name.length).put(name).put((byte) board.length).put(board).flip();
        forwarded.incrementAndGet();
        bus.send(replica.owner(), DrawGridCodec.forward(join.board(), bus.instance(), member.key, message));
    }

    /** The connection closed. */
    public void disconnect(DrawMember member) {
        if (member.instance == null) {
            locals.remove(member.key);
        }
        Board board = member.board;
        if (board != null) {
            board.leave(member, clock.getAsLong());
        }
        BoardReplica replica;
        synchronized (moves) {
            replica = member.replica;
            member.replica = null;
            if (replica != null && replica.detach(member)) {
                replicas.remove(replica.name(), replica);
                replica.close(false);
            }
        }
        if (replica != null) {
            bus.send(replica.owner(), DrawGridCodec.gone(replica.name(), bus.instance(), member.key));
        }
    }

    /** A message from another instance ({@link DrawGridCodec}), on the bus's thread. */
    void receive(byte[] bytes) {
        DrawGridCodec.Envelope in;
        try {
            in = DrawGridCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Dropped a draw grid message: {0}", e.getMessage());
            return;
        }
        switch (in.kind()) {
            case DrawGridCodec.FORWARD -> {
                String id = in.from() + "/" + in.key();
                DrawMember proxy = proxies.computeIfAbsent(id, k -> new DrawMember(new RemotePeer(in.from(), in.key()), limits,
                        clock.getAsLong(), in.from(), in.key()));
                handle(proxy, in.message());
            }
            case DrawGridCodec.GONE -> {
                DrawMember proxy = proxies.remove(in.from() + "/" + in.key());
                if (proxy != null) {
                    disconnect(proxy);
                }
            }
            case DrawGridCodec.DELIVER -> {
                DrawMember member = locals.get(in.key());
                if (member != null) {
                    delivered(member, in.message());
                }
            }
            case DrawGridCodec.CLOSE -> {
                DrawMember member = locals.get(in.key());
                if (member != null) {
                    member.peer.close(in.number(), in.text());
                }
            }
            case DrawGridCodec.MIRROR -> {
                BoardReplica replica = replicas.get(in.board());
                if (replica != null) {
                    relayed.incrementAndGet();
                    replica.broadcast(in.message(), in.number());
                }
            }
            case DrawGridCodec.RESET -> {
                BoardReplica replica = replicas.get(in.board());
                if (replica != null) {
                    replica.reset(in.messages());
                }
            }
            default -> LOG.log(Level.WARNING, "Dropped a draw grid message of kind {0}", in.kind());
        }
    }

    /** A message the owner sent this instance's member alone; its WELCOME makes it a member of the copy. */
    private void delivered(DrawMember member, ByteBuffer message) {
        int type = message.get(message.position()) & 0xFF;
        if (type == DrawCodec.S_WELCOME) {
            synchronized (moves) {
                member.id = message.getShort(message.position() + 1) & 0xFFFF;
                BoardReplica replica = member.replica;
                if (replica != null) {
                    replica.joined(member);
                }
            }
        } else if (type == DrawCodec.S_ERROR && member.id == 0) {
            int code = message.get(message.position() + 1) & 0xFF;
            if (code == DrawError.BOARD_FULL.code() || code == DrawError.TOO_MANY_BOARDS.code()) {
                // the owner refused the join: the member may try again, here or elsewhere
                synchronized (moves) {
                    BoardReplica replica = member.replica;
                    member.replica = null;
                    if (replica != null && replica.detach(member)) {
                        replicas.remove(replica.name(), replica);
                        replica.close(false);
                    }
                }
            }
        }
        member.peer.send(message);
    }

    /**
     * An instance left the cluster or an owner gave a board up: the proxies of instances that are
     * gone leave their boards, and each copy whose owner is gone is taken over by this instance
     * (when it wins the claim) or left (its members here are asked to join again).
     */
    void ownersChanged() {
        for (DrawMember proxy : List.copyOf(proxies.values())) {
            if (!bus.alive(proxy.instance) && proxies.remove(proxy.instance + "/" + proxy.key, proxy)) {
                disconnect(proxy);
            }
        }
        for (BoardReplica replica : List.copyOf(replicas.values())) {
            synchronized (moves) {
                if (replicas.get(replica.name()) != replica || bus.alive(replica.owner()) && owner(replica.name()).equals(replica.owner())) {
                    continue;
                }
                String owner = owner(replica.name());
                replicas.remove(replica.name());
                List<DrawMember> joined = new ArrayList<>(replica.locals());
                List<DrawMember> waiting = replica.attached().stream().filter(m -> !joined.contains(m)).toList();
                if (owner.equals(bus.instance()) && !replica.incomplete()) {
                    replica.close(true);
                    Board board = Board.restore(replica.name(), limits, replica, joined, clock.getAsLong(), mirrors(replica.name()));
                    boards.put(replica.name(), board);
                    joined.forEach(m -> m.replica = null);
                    LOG.log(Level.INFO, "Draw board {0} continues on this instance from its copy: {1} strokes, {2} members here",
                            replica.name(), board.strokeCount(), joined.size());
                    moveOn(waiting);
                } else {
                    replica.close(false);
                    if (owner.equals(bus.instance())) {
                        bus.release(replica.name());
                        LOG.log(Level.WARNING, "The copy of draw board {0} is incomplete: its members join again", replica.name());
                    }
                    moveOn(replica.attached());
                }
            }
        }
    }

    /** Members whose board moved or whose join was lost: they are closed with 1012 and join again. */
    private void moveOn(List<DrawMember> members) {
        for (DrawMember member : members) {
            member.replica = null;
            member.peer.close(MOVED_CODE, MOVED);
        }
    }

    /** A member on another instance, as its board's owner sees it: what it is sent goes to that instance. */
    private final class RemotePeer implements DrawPeer {
        private final String instance;
        private final long key;

        RemotePeer(String instance, long key) {
            this.instance = instance;
            this.key = key;
        }

        @Override
        public String id() {
            return instance + "/" + key;
        }

        @Override
        public void send(ByteBuffer message) {
            bus.send(instance, DrawGridCodec.deliver(key, message));
        }

        @Override
        public void close(int code, String reason) {
            bus.send(instance, DrawGridCodec.close(key, code, reason));
        }
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Draw board sweep failed", e);
        }
    }

    /** Frees boards empty for the grace and asks again for snapshots that did not come (tests call it). */
    void sweep() {
        long now = clock.getAsLong();
        long before = now - limits.emptyGraceMillis() * 1_000_000L;
        boards.values().removeIf(board -> {
            if (!board.freeIfEmptySince(before)) {
                return false;
            }
            try {
                bus.release(board.name());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not give draw board " + board.name() + " up on the grid", e);
            }
            return true;
        });
        boards.values().forEach(board -> board.askForSnapshot(now));
    }

    public int boardCount() {
        return boards.size();
    }

    /** Members of the boards this instance owns (also those connected elsewhere). */
    public int memberCount() {
        return boards.values().stream().mapToInt(Board::memberCount).sum();
    }

    /** Boards of other instances that members here are on (a copy each). */
    public int copyCount() {
        return replicas.size();
    }

    /** Members connected to this instance (on any board, or not joined yet). */
    public int connectionCount() {
        return locals.size();
    }

    /** Strokes begun on the boards this instance owns, since start. */
    public long strokesBegun() {
        return strokes.get();
    }

    /** Members' messages sent to another instance's board, since start. */
    public long forwarded() {
        return forwarded.get();
    }

    /** Broadcasts sent to or received from other instances (one per instance, not per member), since start. */
    public long relayed() {
        return relayed.get();
    }

    /** "local" or "hazelcast". */
    public String busMode() {
        return bus.mode();
    }

    /** Instances sharing the boards, this one included (1 on the local bus). */
    public int busInstances() {
        return bus.instances();
    }

    /** Bytes all boards hold (strokes and snapshots). */
    public long bytes() {
        return boards.values().stream().mapToLong(Board::bytes).sum();
    }

    /** For tests: the board of that name, if it lives. */
    Board board(String name) {
        return boards.get(name);
    }

    private void answer(DrawMember member, DrawError error, String message) {
        member.peer.send(DrawCodec.error(error, message));
        if (error.violation() && ++member.violations >= limits.maxViolations()) {
            LOG.log(Level.WARNING, "Draw session {0}: {1} bad messages, closing it", member.peer.id(), member.violations);
            member.peer.close(VIOLATIONS_CODE, TOO_MANY_VIOLATIONS);
        }
    }

    private String message(DrawError error) {
        return switch (error) {
            case BOARD_FULL -> "The board has " + limits.maxMembers() + " members already";
            case SAMPLE_RATE -> "Over " + (long) limits.samplesPerSecond() + " samples per second: samples dropped";
            case TOO_MANY_STROKES -> "The board holds " + limits.maxStrokes() + " strokes already";
            case BOARD_BYTES -> "The board is full (" + limits.maxBoardBytes() + " bytes or the memory budget)";
            case NO_STROKE -> "No stroke in progress";
            case NOTHING_TO_UNDO -> "Nothing of yours left to undo";
            case SNAPSHOT_REFUSED -> "No such snapshot was asked for";
            case STROKE_TOO_LONG -> "A stroke has at most " + limits.maxSamplesPerStroke() + " samples";
            default -> error.name();
        };
    }
}
