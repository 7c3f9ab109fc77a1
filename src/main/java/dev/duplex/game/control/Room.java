package dev.duplex.game.control;

import dev.duplex.game.entity.GameCheckpoint;
import dev.duplex.game.entity.GameCodec;
import dev.duplex.game.entity.Input;
import dev.duplex.game.entity.Physics;
import dev.duplex.game.entity.SnapshotCodec;
import dev.duplex.platform.TokenBucket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One room: its {@link Arena}, the players and spectators in it, and the tick that moves the world
 * and sends every client its snapshot. Every method holds the room's lock; a tick takes it once.
 * Slots the players do not hold are flown by bots.
 */
final class Room {

    /** The close reason a session gets when the same player rejoined on another connection. */
    static final String REPLACED = "Rejoined on another connection";

    /**
     * Ticks a player's last input is held when no new one has come (jitter); after that its ship
     * coasts, so that a page that stopped sending (a hidden tab) does not fly on at full thrust.
     */
    static final int HOLD_TICKS = 6;

    /**
     * Ticks over which a player's standing input queue is measured. A client sends by its own clock,
     * so when it runs a little faster than this room ticks (clock drift, a skipped tick, a burst
     * after a stall) its inputs wait in a queue that never drains, each tick of it adding a tick of
     * input latency (eight queued: 267 ms at 30 Hz). Inputs that were waiting after every tick of a
     * whole window are that standing queue, not jitter: they are dropped at the window's end
     * (counted as dropped inputs). Every input carries the whole control state, thrust and held
     * buttons, never an event, so the newer inputs say everything the dropped ones did.
     */
    static final int TRIM_TICKS = 30;

    private final String name;
    private final GameSettings settings;
    private final Arena arena;
    private final LongSupplier clock;
    private final Map<Integer, Player> players = new LinkedHashMap<>();
    /** Ticks since the players' standing input queues were last trimmed ({@link #TRIM_TICKS}). */
    private int ticksSinceTrim;
    /** Whether the scoreboard is to go out with the next sent tick. */
    private boolean scoresDue;
    private final List<Player> spectators = new ArrayList<>();
    private int nextId = 1;
    private final Counters counters;
    private final long seed;
    /** Told the token of each player whose slot went to a bot (the cluster's token index forgets it). */
    private Consumer<byte[]> removed = token -> {
    };

    /** The sink of a restored player until it rejoins: sends nowhere, holds nothing. */
    private static final GameSink NOWHERE = new GameSink() {
        @Override
        public boolean send(ByteBuffer message) {
            return true;
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public boolean reserve(long bytes) {
            return true;
        }

        @Override
        public void release(long bytes) {
        }
    };

    /** Totals over every room of a service, read by the status and metrics. */
    static final class Counters {
        final AtomicLong inputs = new AtomicLong();
        final AtomicLong staleInputs = new AtomicLong();
        final AtomicLong droppedInputs = new AtomicLong();
        final AtomicLong fullSnapshots = new AtomicLong();
        final AtomicLong deltaSnapshots = new AtomicLong();
        final AtomicLong snapshotBytes = new AtomicLong();
    }

    Room(String name, long seed, GameSettings settings, LongSupplier clock, Counters counters) {
        this.name = name;
        this.settings = settings;
        this.clock = clock;
        this.counters = counters;
        this.seed = seed;
        this.arena = new Arena(seed, settings.tickHz(), settings.orbs(), settings.view());
        for (int i = 0; i < settings.slots(); i++) {
            arena.add(newId(), true);
        }
    }

    String name() {
        return name;
    }

    void onRemoved(Consumer<byte[]> removed) {
        this.removed = removed;
    }

    /**
     * Re-creates a room from its checkpoint (its owner left the cluster): the same tick, ships,
     * scores and orbs; its players away, each keeping its slot for the rejoin grace from now.
     * The random stream is a new one, drawn from the seed and the tick.
     */
    static Room restore(String name, GameCheckpoint checkpoint, GameSettings settings, LongSupplier clock, Counters counters) {
        Room room = new Room(name, checkpoint.seed() * 31 + checkpoint.tick(), settings, clock, counters);
        synchronized (room) {
            room.arena.restore(checkpoint);
            long now = clock.getAsLong();
            for (GameCheckpoint.Seat seat : checkpoint.players()) {
                if (room.arena.ship(seat.id()) == null) {
                    continue;
                }
                Player player = new Player(seat.id(), seat.name(), seat.token().clone(), false, NOWHERE, settings.history());
                player.awaySince = now;
                player.rate = new TokenBucket(settings.inputRate(), settings.inputBurst(), now);
                room.players.put(seat.id(), player);
            }
        }
        return room;
    }

    /** This room's checkpoint now (docs/PLAY.md, "Across the cluster"). */
    synchronized GameCheckpoint checkpoint() {
        List<GameCheckpoint.Seat> seats = new ArrayList<>();
        for (Player player : players.values()) {
            seats.add(new GameCheckpoint.Seat(player.id, player.name, player.token));
        }
        List<int[]> orbs = new ArrayList<>();
        for (int[] orb : arena.orbs()) {
            orbs.add(orb.clone());
        }
        return new GameCheckpoint(seed, arena.tick(), arena.shipStates(), orbs, seats);
    }

    /** The rejoin tokens of the players holding a slot. */
    synchronized List<byte[]> tokens() {
        return players.values().stream().map(p -> p.token).toList();
    }

    synchronized long tick() {
        return arena.tick();
    }

    /** Players (connected or away) holding a slot. */
    synchronized int humans() {
        return players.size();
    }

    synchronized int spectators() {
        return spectators.size();
    }

    synchronized int bots() {
        return (int) arena.ships().values().stream().filter(s -> s.bot).count();
    }

    /** Whether nobody is in the room any more (no player, not even an away one, and no spectator). */
    synchronized boolean empty() {
        return players.isEmpty() && spectators.isEmpty();
    }

    synchronized boolean hasFreeSlot() {
        return players.size() < settings.slots();
    }

    synchronized boolean hasSpectatorPlace() {
        return spectators.size() < settings.maxSpectators();
    }

    /** Seats a new player in place of a bot; null when every slot is held. */
    synchronized Player join(String playerName, byte[] token, GameSink sink) {
        if (players.size() >= settings.slots()) {
            return null;
        }
        arena.ships().values().stream().filter(s -> s.bot).map(s -> s.id).reduce((a, b) -> b).ifPresent(arena::remove);
        int id = newId();
        arena.add(id, false);
        Player player = new Player(id, playerName, token, false, sink, settings.history());
        player.rate = new TokenBucket(settings.inputRate(), settings.inputBurst(), clock.getAsLong());
        players.put(id, player);
        welcome(player, 0);
        sendScores();
        return player;
    }

    /** Adds a spectator; null when the room has no place left for one. */
    synchronized Player watch(GameSink sink) {
        if (spectators.size() >= settings.maxSpectators()) {
            return null;
        }
        Player spectator = new Player(0, "", new byte[GameCodec.TOKEN_BYTES], true, sink, settings.history());
        spectators.add(spectator);
        welcome(spectator, GameCodec.SPECTATOR);
        sendScores();
        return spectator;
    }

    /**
     * Gives the player holding {@code token} its ship back on a new connection; null when no
     * player here holds it. A connection still open for it is closed as replaced.
     */
    synchronized Player rejoin(byte[] token, GameSink sink) {
        for (Player player : players.values()) {
            if (java.util.Arrays.equals(player.token, token)) {
                if (!player.away()) {
                    player.sink.close(1008, REPLACED);
                }
                player.forget();
                player.sink = sink;
                player.awaySince = -1;
                player.inputs.clear();
                player.held = Input.IDLE;
                player.rate = new TokenBucket(settings.inputRate(), settings.inputBurst(), clock.getAsLong());
                welcome(player, GameCodec.REJOINED);
                sendScores();
                return player;
            }
        }
        return null;
    }

    private void welcome(Player player, int flags) {
        player.sink.send(GameCodec.welcome(new GameCodec.Welcome(player.id, settings.tickHz(), Physics.ARENA, settings.view(),
                flags, player.token, name)));
    }

    /** The connection of {@code player} went away: a spectator leaves, a player's ship waits for a rejoin. */
    synchronized void left(Player player, GameSink sink) {
        if (player.sink != sink) {
            return; // an older connection of a player that rejoined
        }
        player.forget();
        if (player.spectator) {
            spectators.remove(player);
            return;
        }
        if (players.get(player.id) == player) {
            player.awaySince = clock.getAsLong();
            player.inputs.clear();
            player.held = Input.IDLE;
            if (settings.graceSeconds() == 0) {
                remove(player);
            }
            sendScores();
        }
    }

    private void remove(Player player) {
        removed.accept(player.token);
        players.remove(player.id);
        arena.remove(player.id);
        arena.add(newId(), true);
    }

    /**
     * Takes an input of a player: stale ones (a sequence number not above the last) are dropped,
     * as are the oldest when more than {@link GameSettings#MAX_QUEUED_INPUTS} wait.
     *
     * @return false when the player sends faster than {@code duplex.game.input-rate}
     */
    synchronized boolean input(Player player, Input input, long ack) {
        if (player.spectator || player.away()) {
            return true;
        }
        if (!player.rate.tryTake(clock.getAsLong())) {
            return false;
        }
        counters.inputs.incrementAndGet();
        player.acknowledge(ack);
        if (input.seq() <= player.lastSeq) {
            counters.staleInputs.incrementAndGet();
            return true;
        }
        player.lastSeq = input.seq();
        player.inputs.addLast(input);
        while (player.inputs.size() > GameSettings.MAX_QUEUED_INPUTS) {
            player.inputs.removeFirst();
            counters.droppedInputs.incrementAndGet();
        }
        return true;
    }

    synchronized void acknowledge(Player player, long ack) {
        player.acknowledge(ack);
    }

    /**
     * One tick: drops players whose grace ran out, moves the world with one input per player,
     * sends each connected client its snapshot (delta against the newest one it acknowledged) and,
     * once a second, the scoreboard.
     */
    synchronized void step() {
        step(true);
    }

    /**
     * One tick, with the snapshots and scoreboard ({@code send}) or without (a catch-up tick of an
     * instance that fell behind: the world moves, the clients hear of it at the next sent tick; a
     * scoreboard due meanwhile goes out then).
     */
    synchronized void step(boolean send) {
        long now = clock.getAsLong();
        long grace = TimeUnit.SECONDS.toNanos(settings.graceSeconds());
        boolean changed = false;
        for (Player player : new ArrayList<>(players.values())) {
            if (player.away() && now - player.awaySince >= grace) {
                remove(player);
                changed = true;
            }
        }
        Map<Integer, Input> inputs = new HashMap<>();
        boolean trim = ++ticksSinceTrim >= TRIM_TICKS;
        if (trim) {
            ticksSinceTrim = 0;
        }
        for (Player player : players.values()) {
            Input next = player.inputs.pollFirst();
            if (next != null) {
                player.held = next;
                player.appliedSeq = next.seq();
                player.starved = 0;
            } else if (++player.starved > HOLD_TICKS) {
                player.held = Input.IDLE;
            }
            inputs.put(player.id, player.held);
            player.standing = Math.min(player.standing, player.inputs.size());
            if (trim) {
                for (int i = 0; i < player.standing; i++) {
                    player.inputs.removeFirst();
                    counters.droppedInputs.incrementAndGet();
                }
                player.standing = Integer.MAX_VALUE;
            }
        }
        arena.step(inputs);
        long tick = arena.tick();
        scoresDue |= changed || tick % settings.tickHz() == 0;
        if (!send) {
            return;
        }
        int[] leader = leader();
        // copies: a refused send closes a session, whose close may come back here on this thread
        for (Player player : new ArrayList<>(players.values())) {
            Arena.Ship ship = arena.ship(player.id);
            if (!player.away() && ship != null) {
                snapshot(player, tick, ship.state[0], ship.state[1]);
            }
        }
        for (Player spectator : new ArrayList<>(spectators)) {
            snapshot(spectator, tick, leader[0], leader[1]);
        }
        if (scoresDue) {
            scoresDue = false;
            sendScores();
        }
    }

    private void snapshot(Player player, long tick, int cx, int cy) {
        int[] view = arena.view(cx, cy, player.id);
        int[] base = settings.delta() ? player.sent(player.acked) : null;
        ByteBuffer bytes = SnapshotCodec.encode(tick, player.acked, base, player.appliedSeq, view);
        (base == null ? counters.fullSnapshots : counters.deltaSnapshots).incrementAndGet();
        counters.snapshotBytes.addAndGet(bytes.remaining());
        if (settings.delta() && !player.remember(tick, view)) {
            player.sink.close(1013, "Server busy: memory budget");
            return;
        }
        player.sink.send(bytes);
    }

    /** Where spectators look: the ship with the highest score (the lowest id among equals), else the centre. */
    private int[] leader() {
        Arena.Ship best = null;
        for (Arena.Ship ship : arena.ships().values()) {
            if (best == null || ship.score > best.score) {
                best = ship;
            }
        }
        if (best == null) {
            int centre = Physics.ARENA * Physics.SCALE / 2;
            return new int[] {centre, centre};
        }
        return best.state;
    }

    private void sendScores() {
        List<GameCodec.Score> scores = new ArrayList<>();
        for (Arena.Ship ship : arena.ships().values()) {
            Player player = players.get(ship.id);
            int flags = ship.bot ? GameCodec.SCORE_BOT : player != null && player.away() ? GameCodec.SCORE_AWAY : 0;
            scores.add(new GameCodec.Score(ship.id, ship.score, flags, ship.bot ? "bot " + ship.id : player == null ? "?" : player.name));
        }
        ByteBuffer message = GameCodec.scores(scores);
        for (Player player : new ArrayList<>(players.values())) {
            if (!player.away()) {
                player.sink.send(message.duplicate());
            }
        }
        for (Player spectator : new ArrayList<>(spectators)) {
            spectator.sink.send(message.duplicate());
        }
    }

    private int newId() {
        while (arena.ship(nextId) != null || players.containsKey(nextId)) {
            nextId = nextId % (Arena.ORB_IDS - 1) + 1;
        }
        int id = nextId;
        nextId = nextId % (Arena.ORB_IDS - 1) + 1;
        return id;
    }

    /** For the tests: the world's digest and a ship's state. */
    synchronized long digest() {
        return arena.digest();
    }

    synchronized int[] ship(int id) {
        Arena.Ship ship = arena.ship(id);
        return ship == null ? null : ship.state.clone();
    }

    synchronized int score(int id) {
        Arena.Ship ship = arena.ship(id);
        return ship == null ? -1 : ship.score;
    }
}
