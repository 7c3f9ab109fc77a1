package dev.duplex.game.control;

import dev.duplex.platform.DaemonThreads;
import dev.duplex.platform.DataGrid;
import dev.duplex.platform.Timings;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The game of this instance: {@link GameRooms} wired with the {@code duplex.game.*} configuration
 * and the one scheduler whose {@code duplex.game.tick-threads} threads tick every room.
 */
@ApplicationScoped
public class GameService {

    private static final System.Logger LOG = System.getLogger(GameService.class.getName());

    @Inject
    @ConfigProperty(name = "duplex.game.tick-hz")
    int tickHz;

    @Inject
    @ConfigProperty(name = "duplex.game.tick-threads")
    int tickThreads;

    @Inject
    @ConfigProperty(name = "duplex.game.slots")
    int slots;

    @Inject
    @ConfigProperty(name = "duplex.game.max-spectators")
    int maxSpectators;

    @Inject
    @ConfigProperty(name = "duplex.game.max-rooms")
    int maxRooms;

    @Inject
    @ConfigProperty(name = "duplex.game.orbs")
    int orbs;

    @Inject
    @ConfigProperty(name = "duplex.game.rejoin-grace-seconds")
    int graceSeconds;

    @Inject
    @ConfigProperty(name = "duplex.game.input-rate")
    int inputRate;

    @Inject
    @ConfigProperty(name = "duplex.game.input-burst")
    int inputBurst;

    @Inject
    @ConfigProperty(name = "duplex.game.delta")
    boolean delta;

    @Inject
    @ConfigProperty(name = "duplex.game.history")
    int history;

    @Inject
    @ConfigProperty(name = "duplex.game.view")
    int view;

    @Inject
    @ConfigProperty(name = "duplex.game.cluster")
    String cluster;

    @Inject
    DataGrid grid;

    @Inject
    Timings timings;

    private ScheduledThreadPoolExecutor scheduler;
    /** The grid work: checkpoints, take-overs and the matchmaking vacancy every second, room closes, departed instances. */
    private ScheduledExecutorService control;
    /** Relayed clients' messages to this instance's rooms, in arrival order, off Hazelcast's event threads. */
    private java.util.concurrent.ExecutorService guests;
    private GameRooms rooms;

    @PostConstruct
    void init() {
        GameSettings settings = new GameSettings(tickHz, slots, maxSpectators, maxRooms, orbs, graceSeconds, inputRate, inputBurst, delta, history, view);
        scheduler = new ScheduledThreadPoolExecutor(Math.max(1, tickThreads), DaemonThreads.numbered("duplex-game-tick"));
        scheduler.setRemoveOnCancelPolicy(true);
        control = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("duplex-game-control"));
        guests = Executors.newSingleThreadExecutor(DaemonThreads.named("duplex-game-guests"));
        GameBus bus = connect();
        rooms = new GameRooms(settings, scheduler, System::nanoTime, System.nanoTime(), bus, control, guests);
        rooms.onLateness(nanos -> timings.record("game.tick-lateness", nanos));
        if (!"local".equals(bus.mode())) {
            control.scheduleWithFixedDelay(() -> {
                rooms.checkpointAll();
                rooms.adoptOrphans();
                rooms.publishVacancy();
            }, 1, 1, TimeUnit.SECONDS);
        }
        LOG.log(Level.INFO, "Game: {0} Hz, {1} slots per room, up to {2} rooms, {3} tick threads, delta snapshots {4}; "
                + "game runs on the {5} bus", tickHz, slots, maxRooms, tickThreads, delta, bus.mode());
    }

    /** The cluster's bus when the data grid has a grid and {@code duplex.game.cluster} is not {@code local}. */
    private GameBus connect() {
        if (!"local".equalsIgnoreCase(cluster)) {
            try {
                Optional<DataGrid.Lease> lease = grid.lease("game");
                if (lease.isPresent()) {
                    return new HazelcastGameBus(lease.get().hazelcast(), lease.get());
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "The game runs on this instance alone: no data grid ({0})", e.toString());
            }
        }
        return new LocalGameBus("local");
    }

    /**
     * Starts with the application, not at the first {@code /game} client: on a cluster this
     * instance must listen to its relay mailbox and for departed instances from the start.
     */
    void started(@Observes @Initialized(ApplicationScoped.class) Object event) {
        LOG.log(Level.DEBUG, "Game ready ({0})", rooms.bus().mode());
    }

    public GameRooms rooms() {
        return rooms;
    }

    @PreDestroy
    void stop() {
        control.shutdownNow();
        guests.shutdownNow();
        try {
            rooms.stop();
        } finally {
            scheduler.shutdownNow();
            rooms.bus().close();
        }
    }
}
