package dev.duplex.game.control;

import dev.duplex.game.entity.ClientMessage;
import dev.duplex.game.entity.GameCodec;
import dev.duplex.platform.LatencyHistogram;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The rooms of this instance: matchmaking (a player goes to the fullest room with a free slot, or
 * a new one), rejoin tokens, spectators, and the ticks, which every room gets from one shared,
 * bounded scheduler at a fixed rate (never a thread per room). Plain Java: the service wires it
 * with configuration and threads, the unit tests with a manual clock and no scheduler.
 */
public final class GameRooms {

    private static final System.Logger LOG = System.getLogger(GameRooms.class.getName());

    private final GameSettings settings;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Map<Room, ScheduledFuture<?>> ticking = new ConcurrentHashMap<>();
    private final Room.Counters counters = new Room.Counters();
    private final LatencyHistogram lateness = new LatencyHistogram();
    private int nextRoom = 1;
    private long seeds;

    /** Where a client sits: its room and its place there. Null fields never. */
    public static final class Seat {
        private final Room room;
        private final Player player;
        private final GameSink sink;

        Seat(Room room, Player player, GameSink sink) {
            this.room = room;
            this.player = player;
            this.sink = sink;
        }

        public String room() {
            return room.name();
        }

        public int id() {
            return player.id;
        }
    }

    /** A join that found no place: the error to send. */
    public static final class NoPlace extends Exception {
        public NoPlace(String message) {
            super(message);
        }
    }

    /**
     * @param scheduler runs the rooms' ticks; null for the tests, which call {@link #tickAll}
     * @param clock     nanoseconds, for input rates, grace periods and lateness
     */
    public GameRooms(GameSettings settings, ScheduledExecutorService scheduler, LongSupplier clock, long seed) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = clock;
        this.seeds = seed;
    }

    public GameSettings settings() {
        return settings;
    }

    /** Seats the client as the join asks: rejoin with a token, watch, or play (in the named room or by matchmaking). */
    public synchronized Seat join(ClientMessage.Join join, GameSink sink) throws NoPlace {
        if (join.token().length == GameCodec.TOKEN_BYTES && !join.spectate()) {
            for (Room room : rooms.values()) {
                Player player = room.rejoin(join.token(), sink);
                if (player != null) {
                    return new Seat(room, player, sink);
                }
            }
        }
        if (join.spectate()) {
            Room room = join.room().isEmpty()
                    ? rooms.values().stream().filter(Room::hasSpectatorPlace).max(Comparator.comparingInt(Room::humans)).orElse(null)
                    : rooms.get(join.room());
            if (room == null) {
                throw new NoPlace(join.room().isEmpty() ? "No room to watch" : "No room " + join.room());
            }
            Player spectator = room.watch(sink);
            if (spectator == null) {
                throw new NoPlace("Room " + room.name() + " has no place for another spectator");
            }
            return new Seat(room, spectator, sink);
        }
        Room room;
        if (join.room().isEmpty()) {
            room = rooms.values().stream().filter(r -> r.name().startsWith("arena-") && r.hasFreeSlot())
                    .max(Comparator.comparingInt(Room::humans)).orElse(null);
            if (room == null) {
                room = create(nextName());
            }
        } else {
            room = rooms.get(join.room());
            if (room == null) {
                room = create(join.room());
            }
        }
        byte[] token = new byte[GameCodec.TOKEN_BYTES];
        random.nextBytes(token);
        Player player = room.join(join.name(), token, sink);
        if (player == null) {
            throw new NoPlace("Room " + room.name() + " is full");
        }
        return new Seat(room, player, sink);
    }

    private String nextName() {
        while (rooms.containsKey("arena-" + nextRoom)) {
            nextRoom++;
        }
        return "arena-" + nextRoom++;
    }

    private Room create(String name) throws NoPlace {
        if (rooms.size() >= settings.maxRooms()) {
            throw new NoPlace("Every room is taken (" + settings.maxRooms() + ")");
        }
        Room room = new Room(name, seeds++, settings, clock, counters);
        rooms.put(name, room);
        if (scheduler != null) {
            long period = TimeUnit.SECONDS.toNanos(1) / settings.tickHz();
            long start = clock.getAsLong() + period;
            long[] count = {0};
            ticking.put(room, scheduler.scheduleAtFixedRate(() -> {
                long due = start + count[0]++ * period;
                lateness.record(Math.max(0, clock.getAsLong() - due));
                tick(room);
            }, period, period, TimeUnit.NANOSECONDS));
        }
        LOG.log(System.Logger.Level.INFO, "Game room {0} opened", name);
        return room;
    }

    private void tick(Room room) {
        try {
            room.step();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Game room " + room.name() + " failed a tick", e);
        }
        if (room.empty()) {
            close(room);
        }
    }

    private synchronized void close(Room room) {
        if (room.empty() && rooms.remove(room.name(), room)) {
            ScheduledFuture<?> future = ticking.remove(room);
            if (future != null) {
                future.cancel(false);
            }
            LOG.log(System.Logger.Level.INFO, "Game room {0} closed: nobody left", room.name());
        }
    }

    /** Ticks every room once (the tests' scheduler). */
    public void tickAll() {
        for (Room room : new ArrayList<>(rooms.values())) {
            tick(room);
        }
    }

    /** @return false when the player sends inputs faster than allowed */
    public boolean input(Seat seat, dev.duplex.game.entity.Input input, long ack) {
        return seat.room.input(seat.player, input, ack);
    }

    public void acknowledge(Seat seat, long ack) {
        seat.room.acknowledge(seat.player, ack);
    }

    public long tick(Seat seat) {
        return seat.room.tick();
    }

    /** The client's connection is gone. */
    public void left(Seat seat) {
        seat.room.left(seat.player, seat.sink);
    }

    /** Stops every room's ticks (undeploy). */
    public void stop() {
        ticking.values().forEach(f -> f.cancel(false));
        ticking.clear();
        rooms.clear();
    }

    /** Figures for the status page and metrics. */
    public record Figures(int rooms, int players, int bots, int spectators, long inputs, long staleInputs,
            long droppedInputs, long fullSnapshots, long deltaSnapshots, long snapshotBytes, LatencyHistogram.Snapshot lateness) {
    }

    public Figures figures() {
        int players = 0;
        int bots = 0;
        int spectators = 0;
        List<Room> all = new ArrayList<>(rooms.values());
        for (Room room : all) {
            players += room.humans();
            bots += room.bots();
            spectators += room.spectators();
        }
        return new Figures(all.size(), players, bots, spectators, counters.inputs.get(), counters.staleInputs.get(),
                counters.droppedInputs.get(), counters.fullSnapshots.get(), counters.deltaSnapshots.get(),
                counters.snapshotBytes.get(), lateness.snapshot());
    }

    /** For the tests. */
    Room room(String name) {
        return rooms.get(name);
    }

    Player player(Seat seat) {
        return seat.player;
    }

    Room room(Seat seat) {
        return seat.room;
    }
}
