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
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Optional;
import dev.duplex.game.entity.GameCheckpoint;
import java.util.function.LongSupplier;

/**
 * The rooms of this instance: matchmaking (a player goes to the fullest room with a free slot, or
 * a new one), rejoin tokens, spectators, and the ticks, which every room gets from one shared,
 * bounded scheduler at a fixed rate (never a thread per room). Plain Java: the service wires it
 * with configuration and threads, the unit tests with a manual clock and no scheduler.
 *
 * <p>On a cluster ({@link GameBus}) a room runs on the one instance that claimed it in the
 * directory; a client of another instance plays in it through the {@link Relay} (this class plays
 * both sides: the proxy of its own clients, the owner of its rooms), each room is checkpointed
 * every second ({@link #checkpointAll}), and a room whose owner left resumes here when this
 * instance wins its entry ({@link #adoptOrphans}). docs/PLAY.md, "Across the cluster".
 */
public final class GameRooms {

    private static final System.Logger LOG = System.getLogger(GameRooms.class.getName());
    /** The names of the rooms matchmaking creates: {@code arena-1}, {@code arena-2}, … */
    static final String MATCHMADE = "arena-";

    private final GameSettings settings;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Map<Room, ScheduledFuture<?>> ticking = new ConcurrentHashMap<>();
    private final Room.Counters counters = new Room.Counters();
    private final LatencyHistogram lateness = new LatencyHistogram();
    /** Ticks simulated without snapshots because they came a period or more late (see {@link Ticker}). */
    private final AtomicLong caughtUpTicks = new AtomicLong();
    /** Ticks not run at all because they came {@link Ticker#MAX_CATCH_UP_NANOS} or more late. */
    private final AtomicLong skippedTicks = new AtomicLong();
    private int nextRoom = 1;
    private long seeds;
    private final GameBus bus;
    /** Runs the grid writes (checkpoints, closes) in order, off the tick threads. */
    private final Executor control;
    /** Runs relayed clients' joins, inputs and departures in arrival order. */
    private final Executor guestWork;
    /** This instance's clients relayed to another instance's room, by their relay number. */
    private final Map<Long, Seat> proxies = new ConcurrentHashMap<>();
    private final AtomicLong proxyNumbers = new AtomicLong();
    /** Other instances' clients playing in this instance's rooms, by "member/number". */
    private final Map<String, Seat> guests = new ConcurrentHashMap<>();
    private final AtomicLong resumed = new AtomicLong();
    /** The vacancy this instance last published ({@link #publishVacancy}). */
    private volatile int vacancy;
    /** Where each tick's lateness also goes, in nanoseconds (the platform's timings, hence /metrics). */
    private volatile java.util.function.LongConsumer latenessSink = nanos -> {
    };

    /**
     * Where a client sits: its room and its place there, or, when another instance owns the room,
     * the relay to it ({@code owner} and {@code client} set, {@code room} and {@code player} null).
     */
    public static final class Seat {
        private final Room room;
        private final Player player;
        private final GameSink sink;
        private final String owner;
        /** A relayed matchmade seat's room is known once the owner's welcome passes through ({@link #asProxy}). */
        private volatile String roomName;
        private final long client;
        /** A relayed seat: the owner refused the join or closed it. */
        private volatile boolean gone;

        Seat(Room room, Player player, GameSink sink) {
            this.room = room;
            this.player = player;
            this.sink = sink;
            this.owner = null;
            this.roomName = room.name();
            this.client = 0;
        }

        Seat(String owner, String roomName, long client, GameSink sink) {
            this.room = null;
            this.player = null;
            this.sink = sink;
            this.owner = owner;
            this.roomName = roomName;
            this.client = client;
        }

        /** The room's name; empty for a relayed matchmade seat until the owner's welcome came. */
        public String room() {
            return roomName;
        }

        /** The player's ship id; 0 for a relayed seat (the welcome from the owner tells the client). */
        public int id() {
            return player == null ? 0 : player.id;
        }

        /** Whether the seat still holds: false once a relayed join was refused or closed by the owner. */
        public boolean holds() {
            return !gone;
        }

        boolean relayed() {
            return owner != null;
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
        this(settings, scheduler, clock, seed, new LocalGameBus("local"), Runnable::run, Runnable::run);
    }

    /**
     * @param bus     the cluster's room directory, checkpoints and relay ({@link LocalGameBus} alone)
     * @param control runs the grid writes in order (a single thread; the tests run them at once)
     * @param guests  runs the relayed clients' messages to this instance's rooms in arrival order (a
     *                single thread: a join may call the grid, which the bus's listener thread must not wait for)
     */
    public GameRooms(GameSettings settings, ScheduledExecutorService scheduler, LongSupplier clock, long seed, GameBus bus,
            Executor control, Executor guests) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = clock;
        this.seeds = seed;
        this.bus = bus;
        this.control = control;
        this.guestWork = guests;
        bus.listen(new GameBus.Listener() {
            @Override
            public void relay(byte[] message) {
                GameRooms.this.relay(message);
            }

            @Override
            public void memberLeft(String member) {
                onControl(() -> GameRooms.this.memberLeft(member));
            }
        });
    }

    /** Runs grid work on the control thread; once it is shut down (undeploy) the work is left undone, and said so. */
    private void onControl(Runnable work) {
        try {
            control.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Game grid work failed: {0}", e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "Game grid work after the game stopped, not done: {0}", e.toString());
        }
    }

    /** Sends each tick's lateness (nanoseconds) there too. */
    public void onLateness(java.util.function.LongConsumer sink) {
        this.latenessSink = sink;
    }

    public GameBus bus() {
        return bus;
    }

    public GameSettings settings() {
        return settings;
    }

    /**
     * Seats the client as the join asks: rejoin with a token, watch, or play (in the named room or by
     * matchmaking). A room another instance of the cluster owns is joined through the relay: the
     * seat is then a relayed one, and the owner's welcome (or error) comes through it.
     */
    public Seat join(ClientMessage.Join join, GameSink sink) throws NoPlace {
        return join(join, sink, true);
    }

    private synchronized Seat join(ClientMessage.Join join, GameSink sink, boolean mayRelay) throws NoPlace {
        if (join.token().length == GameCodec.TOKEN_BYTES && !join.spectate()) {
            Seat seat = rejoin(join, sink, mayRelay);
            if (seat != null) {
                return seat;
            }
        }
        if (join.spectate()) {
            Object target = join.room().isEmpty()
                    ? rooms.values().stream().filter(Room::hasSpectatorPlace).max(Comparator.comparingInt(Room::humans)).orElse(null)
                    : locate(join.room(), false, mayRelay);
            if (target == null) {
                throw new NoPlace(join.room().isEmpty() ? "No room to watch" : "No room " + join.room());
            }
            if (target instanceof String owner) {
                return relay(owner, join.room(), join, sink);
            }
            Room room = (Room) target;
            Player spectator = room.watch(sink);
            if (spectator == null) {
                throw new NoPlace("Room " + room.name() + " has no place for another spectator");
            }
            return new Seat(room, spectator, sink);
        }
        Object target;
        if (join.room().isEmpty()) {
            target = rooms.values().stream().filter(r -> matchmade(r) && r.hasFreeSlot())
                    .max(Comparator.comparingInt(Room::humans)).orElse(null);
            if (target == null && mayRelay) {
                target = elsewhere();
            }
            if (target == null) {
                target = createNext();
            }
        } else {
            target = locate(join.room(), true, mayRelay);
        }
        if (target instanceof String owner) {
            return relay(owner, join.room(), join, sink);
        }
        Room room = (Room) target;
        byte[] token = new byte[GameCodec.TOKEN_BYTES];
        random.nextBytes(token);
        Player player = room.join(join.name(), token, sink);
        if (player == null) {
            throw new NoPlace("Room " + room.name() + " is full");
        }
        bus.token(token, room.name());
        return new Seat(room, player, sink);
    }

    private static boolean matchmade(Room room) {
        return room.name().startsWith(MATCHMADE);
    }

    /**
     * Matchmaking with no free room here: the live other instance with the fewest free slots in its
     * fullest matchmade room (its published vacancy; ties by member id), or null when none has one.
     * The join then goes there with its empty room name and that instance matchmakes among its own
     * rooms (never further). The grid failing here is no refusal: matchmaking stays on this instance.
     */
    private String elsewhere() {
        try {
            String best = null;
            int fewest = Integer.MAX_VALUE;
            for (Map.Entry<String, Integer> entry : bus.vacancies().entrySet()) {
                String member = entry.getKey();
                int free = entry.getValue() == null ? 0 : entry.getValue();
                boolean better = best == null || free < fewest || (free == fewest && member.compareTo(best) < 0);
                if (free <= 0 || member.equals(bus.self()) || !better || !bus.live(member)) {
                    continue;
                }
                best = member;
                fewest = free;
            }
            return best;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Game matchmaking could not read the other instances'' free slots ({0}); "
                    + "the player is matched on this instance", e.toString());
            return null;
        }
    }

    /**
     * Publishes this instance's vacancy on the bus when it changed: the free slots of its fullest
     * matchmade room with one, 0 when none has (once a second, on the control thread; never on a
     * tick). A failed publish is logged and tried again at the next call.
     */
    public void publishVacancy() {
        int free = rooms.values().stream().filter(r -> matchmade(r) && r.hasFreeSlot())
                .mapToInt(r -> settings.slots() - r.humans()).filter(n -> n > 0).min().orElse(0);
        if (free == vacancy) {
            return;
        }
        try {
            bus.vacancy(free);
            vacancy = free;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not publish this instance''s game vacancy ({0} free slots): {1}", free,
                    e.toString());
        }
    }

    /** The vacancy this instance last published (0: none). */
    public int vacancy() {
        return vacancy;
    }

    /** A rejoin with a token: in a room here, or through the cluster's token index; null when no room holds it. */
    private Seat rejoin(ClientMessage.Join join, GameSink sink, boolean mayRelay) throws NoPlace {
        synchronized (this) {
            for (Room room : rooms.values()) {
                Player player = room.rejoin(join.token(), sink);
                if (player != null) {
                    return new Seat(room, player, sink);
                }
            }
        }
        Optional<String> name = lookUp(() -> bus.roomOf(join.token()));
        if (name.isEmpty()) {
            return null;
        }
        Object target = locate(name.get(), false, mayRelay);
        if (target instanceof String owner) {
            return relay(owner, name.get(), join, sink);
        }
        if (target instanceof Room room) {
            Player player = room.rejoin(join.token(), sink);
            return player == null ? null : new Seat(room, player, sink);
        }
        return null;
    }

    /**
     * The room called {@code name}: this instance's (existing, resumed from its checkpoint after its
     * owner left, or new when {@code create}), or the member id of the live instance that owns it;
     * null when there is none and {@code create} is false.
     */
    private synchronized Object locate(String name, boolean create, boolean mayRelay) throws NoPlace {
        Room room = rooms.get(name);
        if (room != null) {
            return room;
        }
        String owner = lookUp(() -> bus.claim(name));
        if (!owner.equals(bus.self())) {
            if (!mayRelay) {
                throw new NoPlace("Room " + name + " moved to another instance: join again");
            }
            return owner;
        }
        Optional<byte[]> checkpoint = lookUp(() -> bus.checkpoint(name));
        if (checkpoint.isPresent()) {
            Room resumed = resume(name, checkpoint.get());
            if (resumed != null) {
                return resumed;
            }
        }
        if (!create) {
            onControl(() -> bus.closed(name));
            return null;
        }
        return create(name);
    }

    /** A grid call of a join: a failure is a refusal the client is told about, not a crash. */
    private static <T> T lookUp(java.util.function.Supplier<T> call) throws NoPlace {
        try {
            return call.get();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "The game's data grid failed a join: {0}", e.toString());
            throw new NoPlace("The cluster did not answer; try again");
        }
    }

    /** Seats the client in another instance's room: the join goes to the owner, its answers come back through the relay. */
    private Seat relay(String owner, String room, ClientMessage.Join join, GameSink sink) {
        long number = proxyNumbers.incrementAndGet();
        Seat seat = new Seat(owner, room, number, sink);
        proxies.put(number, seat);
        bus.send(owner, Relay.of(Relay.JOIN, bus.self(), number,
                GameCodec.join(join.spectate(), join.name(), room, join.token())).encode());
        return seat;
    }

    /**
     * A new matchmade room here, under the first {@code arena-N} nobody holds: a name another live
     * instance holds is skipped (never an error), as is one resumed here from a checkpoint with
     * every slot held. Gives up after as many names as the cluster may have rooms.
     */
    private Room createNext() throws NoPlace {
        long names = (long) Math.max(1, bus.instances()) * settings.maxRooms() + 1;
        for (long tried = 0; tried < names; tried++) {
            String name = nextName();
            Object target = locate(name, true, true);
            if (target instanceof Room room && room.hasFreeSlot()) {
                return room;
            }
        }
        throw new NoPlace("Every room is taken (" + settings.maxRooms() + " per instance)");
    }

    private String nextName() {
        while (rooms.containsKey(MATCHMADE + nextRoom)) {
            nextRoom++;
        }
        return MATCHMADE + nextRoom++;
    }

    private Room create(String name) throws NoPlace {
        if (rooms.size() >= settings.maxRooms()) {
            onControl(() -> bus.closed(name));
            throw new NoPlace("Every room is taken (" + settings.maxRooms() + ")");
        }
        Room room = new Room(name, seeds++, settings, clock, counters);
        open(room);
        LOG.log(System.Logger.Level.INFO, "Game room {0} opened", name);
        return room;
    }

    /** Re-creates a room from its checkpoint here; null when the checkpoint is unreadable (then logged). */
    private Room resume(String name, byte[] bytes) {
        GameCheckpoint checkpoint;
        try {
            checkpoint = GameCheckpoint.decode(bytes);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "Game room {0}: its checkpoint is unreadable ({1}); it starts anew", name,
                    e.getMessage());
            return null;
        }
        Room room = Room.restore(name, checkpoint, settings, clock, counters);
        open(room);
        resumed.incrementAndGet();
        LOG.log(System.Logger.Level.INFO, "Game room {0} resumed on this instance from its checkpoint of tick {1} ({2} players)",
                name, checkpoint.tick(), checkpoint.players().size());
        return room;
    }

    private void open(Room room) {
        room.onRemoved(token -> bus.forget(token));
        rooms.put(room.name(), room);
        if (scheduler != null) {
            long period = TimeUnit.SECONDS.toNanos(1) / settings.tickHz();
            Ticker ticker = new Ticker(clock, clock.getAsLong() + period, period, late -> {
                lateness.record(late);
                latenessSink.accept(late);
            }, () -> tick(room, true), () -> {
                caughtUpTicks.incrementAndGet();
                tick(room, false);
            }, skippedTicks::incrementAndGet);
            ticking.put(room, scheduler.scheduleAtFixedRate(ticker, period, period, TimeUnit.NANOSECONDS));
        }
    }

    /**
     * One room's fixed-rate tick: the n-th is due at {@code start + n × period}. When the instance
     * falls behind (overloaded, or paused), the executor runs the missed ticks back to back. A tick
     * that comes a whole period or more after its time is then a catch-up: the world is simulated
     * (cheap: the room's time keeps pace with the clock, and each one takes a queued input) but no
     * snapshot is sent, since the next tick's is due already and would make it out of date at once.
     * Sending is most of a tick's cost, so the backlog clears and the next tick is on time again.
     * A tick {@link #MAX_CATCH_UP_NANOS} or more late is skipped outright: after a long pause the
     * room's time jumps rather than the instance replaying it. Every tick's lateness is recorded,
     * whatever it became, so that the figures show the overload.
     */
    static final class Ticker implements Runnable {

        /** How far behind a room still catches up by simulating; beyond it, ticks are skipped. */
        static final long MAX_CATCH_UP_NANOS = TimeUnit.SECONDS.toNanos(1);

        private final LongSupplier clock;
        private final long start;
        private final long period;
        private final java.util.function.LongConsumer late;
        private final Runnable step;
        private final Runnable catchUp;
        private final Runnable skipped;
        private long count;

        Ticker(LongSupplier clock, long start, long period, java.util.function.LongConsumer late, Runnable step, Runnable catchUp,
                Runnable skipped) {
            this.clock = clock;
            this.start = start;
            this.period = period;
            this.late = late;
            this.step = step;
            this.catchUp = catchUp;
            this.skipped = skipped;
        }

        @Override
        public void run() {
            long lateness = Math.max(0, clock.getAsLong() - (start + count++ * period));
            late.accept(lateness);
            if (lateness >= MAX_CATCH_UP_NANOS) {
                skipped.run();
            } else if (lateness >= period) {
                catchUp.run();
            } else {
                step.run();
            }
        }
    }

    private void tick(Room room, boolean send) {
        try {
            room.step(send);
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
            onControl(() -> bus.closed(room.name()));
            LOG.log(System.Logger.Level.INFO, "Game room {0} closed: nobody left", room.name());
        }
    }

    /** Ticks every room once (the tests' scheduler). */
    public void tickAll() {
        for (Room room : new ArrayList<>(rooms.values())) {
            tick(room, true);
        }
    }

    /** @return false when the player sends inputs faster than allowed (a relayed one's owner closes it itself) */
    public boolean input(Seat seat, dev.duplex.game.entity.Input input, long ack) {
        if (seat.relayed()) {
            toOwner(seat, Relay.CLIENT, GameCodec.input(input, ack));
            return true;
        }
        return seat.room.input(seat.player, input, ack);
    }

    public void acknowledge(Seat seat, long ack) {
        if (seat.relayed()) {
            toOwner(seat, Relay.CLIENT, GameCodec.ack(ack));
            return;
        }
        seat.room.acknowledge(seat.player, ack);
    }

    /**
     * Answers a ping: here with the room's tick; a relayed seat's ping goes to the owner, whose pong
     * comes back through the relay (so the page's RTT includes the relay).
     *
     * @return false when the owner answers instead
     */
    public boolean ping(Seat seat, long time) {
        if (seat.relayed()) {
            toOwner(seat, Relay.CLIENT, GameCodec.ping(time));
            return false;
        }
        seat.sink.send(GameCodec.pong(time, seat.room.tick()));
        return true;
    }

    public long tick(Seat seat) {
        return seat.relayed() ? 0 : seat.room.tick();
    }

    /** The client's connection is gone. */
    public void left(Seat seat) {
        if (seat.relayed()) {
            if (proxies.remove(seat.client, seat) && !seat.gone) {
                toOwner(seat, Relay.LEFT, java.nio.ByteBuffer.allocate(0));
            }
            return;
        }
        seat.room.left(seat.player, seat.sink);
    }

    private void toOwner(Seat seat, int kind, java.nio.ByteBuffer message) {
        if (!seat.gone) {
            bus.send(seat.owner, Relay.of(kind, bus.self(), seat.client, message).encode());
        }
    }

    // ---- the relay ---------------------------------------------------------------------------

    /** A relay message from another instance (on the bus's thread). */
    void relay(byte[] bytes) {
        Relay message;
        try {
            message = Relay.decode(bytes);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "Game relay message dropped: {0}", e.getMessage());
            return;
        }
        try {
            switch (message.kind()) {
                case Relay.JOIN, Relay.CLIENT, Relay.LEFT -> guestWork.execute(() -> {
                    try {
                        asOwner(message);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "Game relay message of kind " + message.kind() + " from "
                                + message.from() + " failed", e);
                    }
                });
                default -> asProxy(message);
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "Game relay message after the game stopped: dropped");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Game relay message of kind " + message.kind() + " from " + message.from() + " failed", e);
        }
    }

    /** A message for a room of this instance from a client relayed by another instance. */
    private void asOwner(Relay message) {
        String key = message.from() + "/" + message.client();
        switch (message.kind()) {
            case Relay.JOIN -> {
                GameSink sink = new RelaySink(message.from(), message.client());
                try {
                    if (GameCodec.decodeClient(java.nio.ByteBuffer.wrap(message.payload())) instanceof ClientMessage.Join join) {
                        guests.put(key, join(join, sink, false));
                    }
                } catch (NoPlace e) {
                    bus.send(message.from(), Relay.of(Relay.REFUSED, bus.self(), message.client(),
                            GameCodec.error(GameCodec.ERROR_NO_ROOM, e.getMessage())).encode());
                } catch (dev.duplex.game.entity.GameProtocolException e) {
                    LOG.log(System.Logger.Level.WARNING, "Relayed join from {0} unreadable: {1}", message.from(), e.getMessage());
                }
            }
            case Relay.LEFT -> {
                Seat seat = guests.remove(key);
                if (seat != null) {
                    left(seat);
                }
            }
            default -> {
                Seat seat = guests.get(key);
                if (seat == null) {
                    return; // left, or refused: its last inputs were still on the way
                }
                ClientMessage client;
                try {
                    client = GameCodec.decodeClient(java.nio.ByteBuffer.wrap(message.payload()));
                } catch (dev.duplex.game.entity.GameProtocolException e) {
                    LOG.log(System.Logger.Level.WARNING, "Relayed message from {0} unreadable: {1}", message.from(), e.getMessage());
                    return;
                }
                if (client instanceof ClientMessage.Play play) {
                    if (!input(seat, play.input(), play.ack())) {
                        seat.sink.close(1008, "Input rate over " + settings.inputRate() + "/s");
                    }
                } else if (client instanceof ClientMessage.Ack ack) {
                    acknowledge(seat, ack.ack());
                } else if (client instanceof ClientMessage.Ping ping) {
                    ping(seat, ping.time());
                }
            }
        }
    }

    /** A message from the owner of a room for a client of this instance. */
    private void asProxy(Relay message) {
        Seat seat = proxies.get(message.client());
        if (seat == null) {
            return; // the client left meanwhile
        }
        switch (message.kind()) {
            case Relay.TO_CLIENT -> {
                byte[] payload = message.payload();
                if (seat.roomName.isEmpty() && payload.length > 0 && (payload[0] & 0xFF) == GameCodec.WELCOME) {
                    learnRoom(seat, payload);
                }
                seat.sink.send(java.nio.ByteBuffer.wrap(payload));
            }
            case Relay.REFUSED -> {
                seat.gone = true;
                proxies.remove(message.client(), seat);
                seat.sink.send(java.nio.ByteBuffer.wrap(message.payload()));
            }
            default -> {
                seat.gone = true;
                proxies.remove(message.client(), seat);
                seat.sink.close(message.closeCode(), message.closeReason());
            }
        }
    }

    /** A relayed matchmade seat learns its room from the owner's welcome. */
    private static void learnRoom(Seat seat, byte[] welcome) {
        try {
            if (GameCodec.decodeServer(java.nio.ByteBuffer.wrap(welcome)) instanceof GameCodec.Welcome w) {
                seat.roomName = w.room();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Relayed welcome unreadable: {0}", e.toString());
        }
    }

    /** Close reason of a relayed client whose room's instance left the cluster: the page rejoins with its token. */
    public static final String OWNER_LEFT = "The room's instance left; rejoin with your token";

    /**
     * An instance left the cluster: its rooms resume here when this instance wins their entries
     * (from their checkpoints), its relayed clients here are closed with 1012 so that they rejoin
     * with their tokens, and its clients in rooms here are away (their grace runs).
     */
    void memberLeft(String member) {
        adoptOrphans();
        for (Seat seat : new ArrayList<>(proxies.values())) {
            if (member.equals(seat.owner)) {
                seat.gone = true;
                proxies.remove(seat.client, seat);
                seat.sink.close(1012, OWNER_LEFT);
            }
        }
        for (Map.Entry<String, Seat> guest : new ArrayList<>(guests.entrySet())) {
            if (guest.getKey().startsWith(member + "/") && guests.remove(guest.getKey(), guest.getValue())) {
                left(guest.getValue());
            }
        }
    }

    /** Resumes here the rooms whose owner left (or handed them over) when this instance wins their entries. */
    public void adoptOrphans() {
        List<String> orphans;
        try {
            orphans = bus.orphans();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not look for game rooms without an owner: {0}", e.toString());
            return;
        }
        for (String name : orphans) {
            try {
                locate(name, false, true);
            } catch (NoPlace | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not resume game room {0}: {1}", name, e.toString());
            }
        }
    }

    /** Puts every room's checkpoint in the grid (once a second, on the control thread). */
    public void checkpointAll() {
        for (Room room : new ArrayList<>(rooms.values())) {
            byte[] checkpoint = room.checkpoint().encode();
            try {
                if (rooms.get(room.name()) == room) {
                    bus.save(room.name(), checkpoint);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not checkpoint game room {0}: {1}", room.name(), e.toString());
            }
        }
    }

    /** Where a room of this instance sends to a client of another instance. */
    private final class RelaySink implements GameSink {
        private final String member;
        private final long client;

        RelaySink(String member, long client) {
            this.member = member;
            this.client = client;
        }

        @Override
        public boolean send(java.nio.ByteBuffer message) {
            bus.send(member, Relay.of(Relay.TO_CLIENT, bus.self(), client, message).encode());
            return true;
        }

        @Override
        public void close(int code, String reason) {
            guests.remove(member + "/" + client);
            bus.send(member, Relay.close(bus.self(), client, code, reason).encode());
        }

        /**
         * What a room keeps for a relayed client (its sent-snapshot ring, at most
         * {@code duplex.game.history} snapshots) is bounded but charged to no session here: the
         * client's session, and its memory account, are on the other instance.
         */
        @Override
        public boolean reserve(long bytes) {
            return true;
        }

        @Override
        public void release(long bytes) {
        }
    }

    /**
     * Stops every room's ticks (undeploy). On a cluster each room's last checkpoint is written and
     * its entry given up, so that a survivor resumes it; relayed clients are told to rejoin.
     */
    public void stop() {
        ticking.values().forEach(f -> f.cancel(false));
        ticking.clear();
        if (!"local".equals(bus.mode())) {
            for (Room room : new ArrayList<>(rooms.values())) {
                try {
                    bus.save(room.name(), room.checkpoint().encode());
                    bus.handOver(room.name());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Could not hand game room {0} over: {1}", room.name(), e.toString());
                }
            }
            for (Seat guest : new ArrayList<>(guests.values())) {
                guest.sink.close(1012, OWNER_LEFT);
            }
        }
        rooms.clear();
    }

    /** Figures for the status page and metrics. */
    public record Figures(int rooms, int players, int bots, int spectators, long inputs, long staleInputs,
            long droppedInputs, long fullSnapshots, long deltaSnapshots, long snapshotBytes, LatencyHistogram.Snapshot lateness,
            long caughtUpTicks, long skippedTicks, int relayedOut, int relayedIn, long resumed) {
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
                counters.snapshotBytes.get(), lateness.snapshot(), caughtUpTicks.get(), skippedTicks.get(), proxies.size(), guests.size(), resumed.get());
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
