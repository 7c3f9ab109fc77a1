package dev.duplex.feed.control;

import dev.duplex.platform.DaemonThreads;
import dev.duplex.platform.DataGrid;
import dev.duplex.platform.engine.CancelledWriteLog;
import dev.duplex.feed.entity.BadFeedCommand;
import dev.duplex.feed.entity.FeedCommand;
import dev.duplex.feed.entity.FeedError;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.JsonFeedCodec;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The live feed of this instance, wired together: the {@link FeedHub} (topics, sessions,
 * fan-out), the {@link FeedBus} chosen by {@link FeedBuses}, the market and weather simulators
 * (each run by one instance of a cluster through {@link FeedBus#lead}), and the threads they use.
 * Starts with the application and stops with it.
 */
@ApplicationScoped
public class FeedService {

    private static final System.Logger LOG = System.getLogger(FeedService.class.getName());

    @Inject
    DataGrid grid;
    @Inject
    @ConfigProperty(name = "duplex.feed.max-message-bytes")
    int maxMessageBytes;

    @Inject
    @ConfigProperty(name = "duplex.feed.max-subscriptions")
    int maxSubscriptions;

    @Inject
    @ConfigProperty(name = "duplex.feed.max-items-per-subscription")
    int maxItemsPerSubscription;

    @Inject
    @ConfigProperty(name = "duplex.feed.max-frequency")
    double maxFrequency;

    @Inject
    @ConfigProperty(name = "duplex.feed.keepalive-seconds")
    int keepaliveSeconds;

    @Inject
    @ConfigProperty(name = "duplex.feed.max-topics")
    int maxTopics;

    @Inject
    @ConfigProperty(name = "duplex.feed.max-items-per-topic")
    int maxItemsPerTopic;

    @Inject
    @ConfigProperty(name = "duplex.feed.max-queued-messages")
    int maxQueuedMessages;

    @Inject
    @ConfigProperty(name = "duplex.feed.flow-window-bytes")
    int flowWindowBytes;

    @Inject
    @ConfigProperty(name = "duplex.feed.topic-idle-seconds")
    int topicIdleSeconds;

    @Inject
    @ConfigProperty(name = "duplex.feed.cluster")
    String cluster;

    @Inject
    @ConfigProperty(name = "duplex.feed.market.enabled")
    boolean marketEnabled;

    @Inject
    @ConfigProperty(name = "duplex.feed.market.symbols")
    int marketSymbols;

    @Inject
    @ConfigProperty(name = "duplex.feed.market.rate")
    double marketRate;

    @Inject
    @ConfigProperty(name = "duplex.feed.weather.enabled")
    boolean weatherEnabled;

    @Inject
    @ConfigProperty(name = "duplex.feed.weather.stations")
    int weatherStations;

    @Inject
    @ConfigProperty(name = "duplex.feed.weather.rate")
    double weatherRate;

    private FeedLimits limits;
    private FeedHub hub;
    private FeedBus bus;
    private ExecutorService senders;
    private ScheduledThreadPoolExecutor timers;
    private final List<Simulator> simulators = new ArrayList<>();
    private CancelledWriteLog cancelledWrites;

    @PostConstruct
    void init() {
        // the platform's read guard refuses frames over the same key before they are buffered, so the
        // limit is not raised here: a value below what the item limit needs is pointed out instead
        int commandBytes = FeedLimits.commandBytes(0, maxItemsPerSubscription);
        if (commandBytes > maxMessageBytes) {
            LOG.log(Level.WARNING, "duplex.feed.max-message-bytes={0} is smaller than the {1} bytes a subscribe listing"
                    + " twice duplex.feed.max-items-per-subscription ({2}) names takes: a long item list closes the session"
                    + " with 1009 instead of getting too-many-items", maxMessageBytes, commandBytes, maxItemsPerSubscription);
        }
        limits = new FeedLimits(maxMessageBytes, maxSubscriptions, maxItemsPerSubscription, maxFrequency,
                keepaliveSeconds, maxTopics, maxItemsPerTopic, maxQueuedMessages, flowWindowBytes, topicIdleSeconds);
        // Plain pools, not managed executors: on Payara every managed submit captures the thread
        // context with a class-path scan (docs/PERFORMANCE.md), and these tasks need none.
        senders = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                DaemonThreads.numbered("duplex-feed-sender"));
        // a slow consumer's close is logged once, by its subscriber, not again as cancelled writes with a trace
        cancelledWrites = CancelledWriteLog.install();
        timers = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("duplex-feed-timer"));
        timers.setRemoveOnCancelPolicy(true);
        hub = new FeedHub(limits, senders, (task, delayNanos) -> timers.schedule(task, delayNanos, TimeUnit.NANOSECONDS),
                System::nanoTime);
        bus = FeedBuses.connect(grid, cluster, defaultInstanceName());
        bus.start(hub);
        timers.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        if (marketEnabled) {
            int symbols = Math.max(1, Math.min(marketSymbols, maxItemsPerTopic));
            lead(new MarketSimulator(symbols, marketRate, System.nanoTime(), bus::publish, hub::items, FeedService::nowMicros));
        }
        if (weatherEnabled) {
            int stations = Math.max(1, Math.min(weatherStations, WeatherSimulator.maxStations()));
            if (stations < weatherStations) {
                LOG.log(Level.WARNING, "duplex.feed.weather.stations={0}: the weather simulator knows {1} cities",
                        weatherStations, stations);
            }
            lead(new WeatherSimulator(stations, weatherRate, System.nanoTime(), bus::publish, hub::items, FeedService::nowMicros));
        }
        LOG.log(Level.INFO, "Feed runs on the {0} bus as instance {1} of {2}; limits {3}", bus.mode(), bus.instance(),
                bus.instances(), limits);
    }

    private void lead(Simulator simulator) {
        simulators.add(simulator);
        hub.keep(simulator.topic());
        bus.lead(simulator.name(), simulator::start, simulator::stop);
    }

    private void sweep() {
        try {
            hub.sweep();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Feed keepalive sweep failed", e);
        }
    }

    /** Starts the feed with the application, not at its first session: the simulators publish from the start. */
    void started(@Observes @Initialized(ApplicationScoped.class) Object application) {
        limits();
    }

    /** The publication clock: now, in epoch microseconds. */
    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private static String defaultInstanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /**
     * Publishes changes to a topic through the bus (every instance applies them).
     *
     * @throws IllegalArgumentException with a message fit for the publisher, when a name or value is
     *                                  not acceptable or the publication would exceed
     *                                  {@code duplex.feed.max-topics} or {@code duplex.feed.max-items-per-topic}
     */
    public void publish(String topic, List<ItemChange> changes) {
        hub.check(topic, changes);
        bus.publish(topic, changes);
    }

    /**
     * Deletes a topic a publisher made, with its items; its subscriptions end ({@code unsubscribed}).
     * On a cluster the deletion goes through the bus (an empty publication), so that every instance
     * applies it in the log's order.
     *
     * @return false when no such topic exists here
     * @throws IllegalArgumentException for a simulator's topic, which cannot be deleted
     */
    public boolean delete(String topic) {
        if (!hub.deletable(topic)) {
            throw new IllegalArgumentException("A simulator's topic cannot be deleted");
        }
        if (!hub.hasTopic(topic)) {
            return false;
        }
        hub.delete(topic);
        bus.publish(topic, List.of());
        return true;
    }

    /** The feed's figures on this instance. */
    public FeedFigures figures() {
        List<FeedFigures.SimulatorFigures> simulatorFigures = new ArrayList<>();
        simulatorFigures.add(simulatorFigures(MarketSimulator.ROLE, marketEnabled));
        simulatorFigures.add(simulatorFigures(WeatherSimulator.ROLE, weatherEnabled));
        return new FeedFigures(bus.mode(), bus.instance(), bus.instances(), hub.topicFigures(), hub.sessions(),
                hub.subscriptions(), hub.updatesIn(), hub.updatesOut(), hub.conflated(), simulatorFigures);
    }

    private FeedFigures.SimulatorFigures simulatorFigures(String role, boolean enabled) {
        boolean runningHere = simulators.stream().anyMatch(s -> s.name().equals(role) && s.running());
        return new FeedFigures.SimulatorFigures(role, enabled, runningHere, bus.leader(role).orElse(""));
    }

    public FeedLimits limits() {
        return limits;
    }

    /** The hub (the endpoint's sessions go through it). */
    public FeedHub hub() {
        return hub;
    }

    /** A new session; it gets its {@code hello} at once. */
    public FeedSubscriber connect(FeedSink sink) {
        return hub.connect(sink, bus.instance());
    }

    /** One whole text message of the session: a command, or an error answer when it is not one. */
    public void handle(FeedSubscriber subscriber, String text) {
        FeedCommand command;
        try {
            command = JsonFeedCodec.decodeCommand(text);
        } catch (BadFeedCommand e) {
            subscriber.error(e.code(), e.getMessage(), e.subscription());
            return;
        }
        hub.handle(subscriber, command);
    }

    /** The session sent a binary message: commands are JSON text. */
    public void binary(FeedSubscriber subscriber) {
        subscriber.error(FeedError.BINARY_NOT_ACCEPTED, "Commands are JSON text messages", 0);
    }

    /** The session ended. */
    public void disconnect(FeedSubscriber subscriber) {
        subscriber.disconnect();
    }

    /** Stops the simulators and the bus, then the threads. */
    @PreDestroy
    void stop() {
        if (bus != null) {
            bus.close();
        }
        for (Simulator simulator : simulators) {
            simulator.stop();
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (senders != null) {
            senders.shutdown();
        }
        if (cancelledWrites != null) {
            cancelledWrites.close();
        }
    }
}
