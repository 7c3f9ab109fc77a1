package dev.duplex.game.control;

import dev.duplex.platform.DaemonThreads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
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
    @ConfigProperty(name = "duplex.game.delta")
    boolean delta;

    @Inject
    @ConfigProperty(name = "duplex.game.history")
    int history;

    @Inject
    @ConfigProperty(name = "duplex.game.view")
    int view;

    private ScheduledThreadPoolExecutor scheduler;
    private GameRooms rooms;

    @PostConstruct
    void init() {
        GameSettings settings = new GameSettings(tickHz, slots, maxSpectators, maxRooms, orbs, graceSeconds, inputRate, delta, history, view);
        scheduler = new ScheduledThreadPoolExecutor(Math.max(1, tickThreads), DaemonThreads.numbered("duplex-game-tick"));
        scheduler.setRemoveOnCancelPolicy(true);
        rooms = new GameRooms(settings, scheduler, System::nanoTime, System.nanoTime());
        LOG.log(Level.INFO, "Game: {0} Hz, {1} slots per room, up to {2} rooms, {3} tick threads, delta snapshots {4}",
                tickHz, slots, maxRooms, tickThreads, delta);
    }

    public GameRooms rooms() {
        return rooms;
    }

    @PreDestroy
    void stop() {
        rooms.stop();
        scheduler.shutdownNow();
    }
}
