package dev.duplex.draw.control;

import dev.duplex.draw.entity.DrawCodec;
import dev.duplex.draw.entity.DrawCommand;
import dev.duplex.draw.entity.DrawError;
import dev.duplex.draw.entity.DrawProtocolException;
import dev.duplex.platform.Connections;
import dev.duplex.platform.DaemonThreads;
import dev.duplex.platform.MemoryBudget;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 */
@ApplicationScoped
public class DrawBoards {

    private static final System.Logger LOG = System.getLogger(DrawBoards.class.getName());
    /** The endpoint's name with the platform (sessions, limits, memory budget). */
    public static final String ENDPOINT = "draw";
    public static final int VIOLATIONS_CODE = 1008;
    public static final String TOO_MANY_VIOLATIONS = "Too many bad messages";

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
        LOG.log(Level.INFO, "Draw boards: {0}", limits);
    }

    /** For tests: limits, where boards' bytes are charged, and the clock (nanoseconds). */
    void start(DrawLimits limits, Function<String, MemoryBudget.Account> accounts, LongSupplier clock) {
        this.limits = limits;
        this.accounts = accounts;
        this.clock = clock;
    }

    @PreDestroy
    void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        boards.values().forEach(Board::free);
        boards.clear();
    }

    public DrawLimits limits() {
        return limits;
    }

    /** A new connection; it joins a board with its first message. */
    public DrawMember connect(DrawPeer peer) {
        return new DrawMember(peer, limits, clock.getAsLong());
    }

    /** Handles one whole binary message of {@code member}. */
    public void handle(DrawMember member, ByteBuffer message) {
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
        while (true) {
            Board board = boards.get(join.board());
            if (board == null) {
                if (boards.size() >= limits.maxBoards()) {
                    answer(member, DrawError.TOO_MANY_BOARDS, "This server has " + limits.maxBoards() + " boards already");
                    return;
                }
                board = boards.computeIfAbsent(join.board(), name -> new Board(name, limits, accounts.apply(name), clock.getAsLong()));
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

    /** The connection closed. */
    public void disconnect(DrawMember member) {
        Board board = member.board;
        if (board != null) {
            board.leave(member, clock.getAsLong());
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
        boards.values().removeIf(board -> board.freeIfEmptySince(before));
        boards.values().forEach(board -> board.askForSnapshot(now));
    }

    public int boardCount() {
        return boards.size();
    }

    public int memberCount() {
        return boards.values().stream().mapToInt(Board::memberCount).sum();
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
