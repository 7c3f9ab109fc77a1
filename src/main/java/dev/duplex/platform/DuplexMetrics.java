package dev.duplex.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Histogram;

/**
 * Publishes Duplex's figures through MicroProfile Metrics ({@code /metrics}, Prometheus text),
 * tagged by endpoint, close code, refusal reason and timing name, following the Prometheus
 * conventions: what only grows is a {@link Counter} (exported as {@code *_total}), what is a
 * current value a gauge, and durations a {@link Histogram} (a summary with quantiles, count, sum
 * and max, in microseconds).
 *
 * <p>The figures are counted by {@link Connections} and {@link EndpointStats} (which the status
 * page reads too); {@link #registerNewEndpoints} brings the counters up to those figures every second (the
 * {@link Sweeper} calls it), so counting adds nothing per message and a counter is never more
 * than a second behind. Durations go to their histogram as they are recorded ({@link Timings}).
 *
 * <p>{@link #DOCUMENTED} lists every metric with the name {@code /metrics} exports; the docs
 * list the same names, and {@code ServerLifecycleIT} checks them against a running server.
 *
 * <p>Optional (docs/SERVERS.md): {@code META-INF/beans.xml} excludes this class from the bean
 * archive when {@code org.eclipse.microprofile.metrics.MetricRegistry} is not visible to the
 * application (WildFly 39, GlassFish 8, Open Liberty without {@code mpMetrics}), and where the API
 * is visible without a registry bean the registry is looked up, not required: either way the
 * rest of the platform sees only {@link MetricsExport} and goes on without it.
 */
@ApplicationScoped
public class DuplexMetrics implements MetricsExport {

    private static final System.Logger LOG = System.getLogger(DuplexMetrics.class.getName());

    /** Kinds of metric, as {@code # TYPE} in the Prometheus text names them. */
    public enum Kind { COUNTER, GAUGE, SUMMARY }

    /**
     * One metric as registered and as exported.
     *
     * @param name     the MicroProfile name
     * @param kind     its kind
     * @param unit     its MicroProfile unit
     * @param tags     the tag names it carries
     * @param exported the name of its sample lines in {@code /metrics} (the {@code # TYPE} line's
     *                 name; a summary also has {@code _count}, {@code _sum} and {@code _max} lines)
     */
    public record Metric(String name, Kind kind, String unit, List<String> tags, String exported, String description) {
    }

    static final Metric SESSIONS_OPEN = gauge("duplex_sessions_open", MetricUnits.NONE, List.of("endpoint"),
            "Open WebSocket sessions");
    static final Metric SESSIONS_OPENED = counter("duplex_sessions_opened", MetricUnits.NONE, List.of("endpoint"),
            "Sessions opened since start");
    static final Metric SESSIONS_REFUSED = counter("duplex_sessions_refused", MetricUnits.NONE, List.of("endpoint"),
            "Sessions refused at open (limits, shutdown)");
    static final Metric MESSAGES_IN = counter("duplex_messages_received", MetricUnits.NONE, List.of("endpoint"),
            "Whole messages received");
    static final Metric MESSAGES_OUT = counter("duplex_messages_sent", MetricUnits.NONE, List.of("endpoint"),
            "Whole messages sent");
    static final Metric BYTES_IN = counter("duplex_received", MetricUnits.BYTES, List.of("endpoint"),
            "Message payload bytes received");
    static final Metric BYTES_OUT = counter("duplex_sent", MetricUnits.BYTES, List.of("endpoint"),
            "Message payload bytes sent");
    static final Metric ERRORS = counter("duplex_errors", MetricUnits.NONE, List.of("endpoint"),
            "Session errors");
    static final Metric CLOSES = counter("duplex_closes", MetricUnits.NONE, List.of("endpoint", "code"),
            "Sessions closed, by close code");
    static final Metric REFUSALS = counter("duplex_refusals", MetricUnits.NONE, List.of("reason"),
            "Handshakes refused and sessions closed by policy, by reason");
    /**
     * In microseconds, with the unit in the name and none in the metadata: Payara 6.2025.10's
     * exporter converts a duration unit to seconds on some lines of a summary and not on others
     * (a timer's quantiles stay in nanoseconds; a histogram's {@code _sum} is not converted), so
     * only a histogram without a unit reads the same on every line.
     */
    static final Metric TIMING = summary("duplex_timing_microseconds", MetricUnits.NONE, List.of("name"),
            "Server-side durations in microseconds (image operations, chat fan-out), by name");

    static final Metric MEMORY_BUDGET = gauge("duplex_memory_budget", MetricUnits.BYTES, List.of(),
            "Memory budget: bytes all sessions may hold together");
    static final Metric MEMORY_USED = gauge("duplex_memory_used", MetricUnits.BYTES, List.of(),
            "Memory budget: bytes reserved now");
    static final Metric MEMORY_ENDPOINT_USED = gauge("duplex_memory_endpoint_used", MetricUnits.BYTES, List.of("endpoint"),
            "Memory budget: bytes reserved now, by endpoint");
    static final Metric MEMORY_REFUSALS = counter("duplex_memory_refusals", MetricUnits.NONE, List.of(),
            "Memory budget: reservations refused");

    static final Metric FEED_TOPICS = gauge("duplex_feed_topics", MetricUnits.NONE, List.of(),
            "Live feed: topics");
    static final Metric FEED_ITEMS = gauge("duplex_feed_items", MetricUnits.NONE, List.of(),
            "Live feed: items over all topics");
    static final Metric FEED_SUBSCRIBERS = gauge("duplex_feed_subscribers", MetricUnits.NONE, List.of(),
            "Live feed: open /feed sessions on this instance");
    static final Metric FEED_SUBSCRIPTIONS = gauge("duplex_feed_subscriptions", MetricUnits.NONE, List.of(),
            "Live feed: open subscriptions on this instance");
    static final Metric FEED_UPDATES_IN = counter("duplex_feed_updates_in", MetricUnits.NONE, List.of(),
            "Live feed: item changes applied on this instance (published here or elsewhere in the cluster)");
    static final Metric FEED_UPDATES_OUT = counter("duplex_feed_updates_out", MetricUnits.NONE, List.of(),
            "Live feed: item updates sent to subscribers");
    static final Metric GAME_ROOMS = gauge("duplex_game_rooms", MetricUnits.NONE, List.of(),
            "Game: rooms running on this instance");
    static final Metric GAME_PLAYERS = gauge("duplex_game_players", MetricUnits.NONE, List.of(),
            "Game: players holding a slot in this instance's rooms (relayed and away ones included)");
    static final Metric GAME_SPECTATORS = gauge("duplex_game_spectators", MetricUnits.NONE, List.of(),
            "Game: spectators of this instance's rooms");
    static final Metric GAME_RELAYED = gauge("duplex_game_relayed", MetricUnits.NONE, List.of(),
            "Game: this instance's clients playing in another instance's room");
    static final Metric GAME_INPUTS = counter("duplex_game_inputs", MetricUnits.NONE, List.of(),
            "Game: player inputs taken by this instance's rooms");
    static final Metric GAME_SNAPSHOTS = counter("duplex_game_snapshots", MetricUnits.NONE, List.of(),
            "Game: snapshots sent by this instance's rooms (full and delta)");
    static final Metric GAME_RESUMED = counter("duplex_game_rooms_resumed", MetricUnits.NONE, List.of(),
            "Game: rooms resumed on this instance from a checkpoint after their instance left");
    static final Metric GAME_CAUGHT_UP_TICKS = counter("duplex_game_ticks_caught_up", MetricUnits.NONE, List.of(),
            "Game: room ticks simulated without snapshots because they came a tick period or more late (the instance fell behind)");
    static final Metric GAME_SKIPPED_TICKS = counter("duplex_game_ticks_skipped", MetricUnits.NONE, List.of(),
            "Game: room ticks not simulated because they came a second or more late (the instance was paused or overloaded)");
    static final Metric GAME_RELAY_BATCHES = counter("duplex_game_relay_batches", MetricUnits.NONE, List.of(),
            "Game: batches of relay messages this instance published to other instances");
    static final Metric GAME_RELAY_MESSAGES = counter("duplex_game_relay_messages", MetricUnits.NONE, List.of(),
            "Game: relay messages in those batches (messages / batches is the average batch)");
    static final Metric FEED_CONFLATED = counter("duplex_feed_conflated", MetricUnits.NONE, List.of(),
            "Live feed: changes merged into a later update for a subscriber that was behind or throttled");

    static final Metric DRAW_BOARDS = gauge("duplex_draw_boards", MetricUnits.NONE, List.of(),
            "Shared boards: boards this instance owns");
    static final Metric DRAW_COPIES = gauge("duplex_draw_copies", MetricUnits.NONE, List.of(),
            "Shared boards: copies of boards other instances own, kept for members connected here");
    static final Metric DRAW_MEMBERS = gauge("duplex_draw_members", MetricUnits.NONE, List.of(),
            "Shared boards: members of the boards this instance owns, wherever connected");
    static final Metric DRAW_BOARD_BYTES = gauge("duplex_draw_board", MetricUnits.BYTES, List.of(),
            "Shared boards: bytes the boards this instance owns hold (strokes and snapshots)");
    static final Metric DRAW_STROKES = counter("duplex_draw_strokes", MetricUnits.NONE, List.of(),
            "Shared boards: strokes begun on the boards this instance owns");
    static final Metric DRAW_FORWARDED = counter("duplex_draw_forwarded", MetricUnits.NONE, List.of(),
            "Shared boards: members' messages sent to the instance that owns their board");
    static final Metric DRAW_RELAYED = counter("duplex_draw_relayed", MetricUnits.NONE, List.of(),
            "Shared boards: broadcasts sent to or received from other instances (one per instance)");

    /** Every metric Duplex publishes, in the order the docs list them. */
    public static final List<Metric> DOCUMENTED = List.of(SESSIONS_OPEN, SESSIONS_OPENED, SESSIONS_REFUSED,
            MESSAGES_IN, MESSAGES_OUT, BYTES_IN, BYTES_OUT, ERRORS, CLOSES, REFUSALS, TIMING,
            MEMORY_BUDGET, MEMORY_USED, MEMORY_ENDPOINT_USED, MEMORY_REFUSALS,
            FEED_TOPICS, FEED_ITEMS, FEED_SUBSCRIBERS, FEED_SUBSCRIPTIONS, FEED_UPDATES_IN, FEED_UPDATES_OUT, FEED_CONFLATED,
            GAME_ROOMS, GAME_PLAYERS, GAME_SPECTATORS, GAME_RELAYED, GAME_INPUTS, GAME_SNAPSHOTS, GAME_RESUMED, GAME_CAUGHT_UP_TICKS, GAME_SKIPPED_TICKS,
            GAME_RELAY_BATCHES, GAME_RELAY_MESSAGES,
            DRAW_BOARDS, DRAW_COPIES, DRAW_MEMBERS, DRAW_BOARD_BYTES, DRAW_STROKES, DRAW_FORWARDED, DRAW_RELAYED);

    @Inject
    Instance<MetricRegistry> registries;

    /** The registry, or {@code null} where the API is visible but no implementation provides one. */
    private volatile MetricRegistry registry;
    private volatile boolean looked;

    @Inject
    Connections connections;

    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    /** Each counter with the figure it follows. */
    private final Map<String, Followed> counters = new ConcurrentHashMap<>();

    private record Followed(Counter counter, LongSupplier source) {
    }

    /** The feed's totals as of the last sweep; {@code null} until there is a feed. */
    private volatile FeedReport.Totals feed;

    /**
     * Brings the feed's gauges and counters to {@code totals} (the {@link FeedReport}'s, read once a
     * second by the {@link Sweeper}); registers them the first time. {@code null} (no feed) leaves
     * them as they are, absent if they never were.
     */
    @Override
    public synchronized void followFeed(FeedReport.Totals totals) {
        if (totals == null || registry() == null) {
            return;
        }
        feed = totals;
        Tag[] none = new Tag[0];
        gauge(FEED_TOPICS, none, this, m -> m.feed.topics());
        gauge(FEED_ITEMS, none, this, m -> m.feed.items());
        gauge(FEED_SUBSCRIBERS, none, this, m -> m.feed.sessions());
        gauge(FEED_SUBSCRIPTIONS, none, this, m -> m.feed.subscriptions());
        follow(FEED_UPDATES_IN, none, () -> feed.updatesIn());
        follow(FEED_UPDATES_OUT, none, () -> feed.updatesOut());
        follow(FEED_CONFLATED, none, () -> feed.conflated());
    }

    /** The game's totals as of the last sweep; {@code null} until there is a game. */
    private volatile GameReport.Totals game;

    /**
     * Brings the game's gauges and counters to {@code totals}, as {@link #followFeed} the feed's.
     * Its tick lateness is a timing ({@code duplex_timing_microseconds{name="game.tick-lateness"}}).
     */
    @Override
    public synchronized void followGame(GameReport.Totals totals) {
        if (totals == null || registry() == null) {
            return;
        }
        game = totals;
        Tag[] none = new Tag[0];
        gauge(GAME_ROOMS, none, this, m -> m.game.rooms());
        gauge(GAME_PLAYERS, none, this, m -> m.game.players());
        gauge(GAME_SPECTATORS, none, this, m -> m.game.spectators());
        gauge(GAME_RELAYED, none, this, m -> m.game.relayed());
        follow(GAME_INPUTS, none, () -> game.inputs());
        follow(GAME_SNAPSHOTS, none, () -> game.snapshots());
        follow(GAME_RESUMED, none, () -> game.resumed());
        follow(GAME_CAUGHT_UP_TICKS, none, () -> game.caughtUpTicks());
        follow(GAME_SKIPPED_TICKS, none, () -> game.skippedTicks());
        follow(GAME_RELAY_BATCHES, none, () -> game.relayBatches());
        follow(GAME_RELAY_MESSAGES, none, () -> game.relayMessages());
    }

    /** The boards' totals as of the last sweep; {@code null} until there are boards. */
    private volatile DrawReport.Totals draw;

    /**
     * Brings the boards' gauges and counters to {@code totals} (the {@link DrawReport}'s, read once a
     * second by the {@link Sweeper}); registers them the first time. {@code null} (no boards) leaves
     * them as they are, absent if they never were.
     */
    @Override
    public synchronized void followDraw(DrawReport.Totals totals) {
        if (totals == null || registry() == null) {
            return;
        }
        draw = totals;
        Tag[] none = new Tag[0];
        gauge(DRAW_BOARDS, none, this, m -> m.draw.boards());
        gauge(DRAW_COPIES, none, this, m -> m.draw.copies());
        gauge(DRAW_MEMBERS, none, this, m -> m.draw.members());
        gauge(DRAW_BOARD_BYTES, none, this, m -> m.draw.bytes());
        follow(DRAW_STROKES, none, () -> draw.strokes());
        follow(DRAW_FORWARDED, none, () -> draw.forwarded());
        follow(DRAW_RELAYED, none, () -> draw.relayed());
    }

    /**
     * Registers the metrics of endpoints, close codes and refusal reasons seen since the last call
     * and brings every counter up to its figure. Called every second by the {@link Sweeper}.
     */
    @Override
    public synchronized void registerNewEndpoints() {
        if (registry() == null) {
            return;
        }
        connections.stats().forEach((endpoint, stats) -> {
            Tag tag = new Tag("endpoint", endpoint);
            gauge(SESSIONS_OPEN, new Tag[] {tag}, stats, EndpointStats::openSessions);
            follow(SESSIONS_OPENED, new Tag[] {tag}, stats::openedSessions);
            follow(SESSIONS_REFUSED, new Tag[] {tag}, stats::refusedSessions);
            follow(MESSAGES_IN, new Tag[] {tag}, stats::messagesIn);
            follow(MESSAGES_OUT, new Tag[] {tag}, stats::messagesOut);
            follow(BYTES_IN, new Tag[] {tag}, stats::bytesIn);
            follow(BYTES_OUT, new Tag[] {tag}, stats::bytesOut);
            follow(ERRORS, new Tag[] {tag}, stats::errors);
            stats.closeCodes().keySet().forEach(code -> follow(CLOSES, new Tag[] {tag, new Tag("code", String.valueOf(code))},
                    () -> stats.closeCodes().getOrDefault(code, 0L)));
        });
        connections.refusals().keySet().forEach(reason -> follow(REFUSALS,
                new Tag[] {new Tag("reason", reason.replace(' ', '_'))},
                () -> connections.refusals().getOrDefault(reason, 0L)));
        MemoryBudget budget = connections.budget();
        gauge(MEMORY_BUDGET, new Tag[0], budget, MemoryBudget::total);
        gauge(MEMORY_USED, new Tag[0], budget, MemoryBudget::used);
        follow(MEMORY_REFUSALS, new Tag[0], budget::refusals);
        budget.usedByEndpoint().keySet().forEach(endpoint -> gauge(MEMORY_ENDPOINT_USED,
                new Tag[] {new Tag("endpoint", endpoint)}, budget, b -> b.usedByEndpoint().getOrDefault(endpoint, 0L)));
        counters.values().forEach(DuplexMetrics::catchUp);
    }

    /** Adds to the counter what its figure gained since; figures only grow, so does the counter. */
    private static void catchUp(Followed followed) {
        long gained = followed.source().getAsLong() - followed.counter().getCount();
        if (gained > 0) {
            followed.counter().inc(gained);
        }
    }

    /** The histogram of one timing name, in microseconds (the names are bounded, see {@link Timings}). */
    @Override
    public LongConsumer timing(String name) {
        MetricRegistry metrics = registry();
        if (metrics == null) {
            return micros -> { };
        }
        Histogram histogram = metrics.histogram(metadata(TIMING), new Tag("name", name));
        return histogram::update;
    }

    private MetricRegistry registry() {
        if (!looked) {
            synchronized (this) {
                if (!looked) {
                    registry = registries.isResolvable() ? registries.get() : null;
                    looked = true;
                    if (registry == null) {
                        LOG.log(System.Logger.Level.INFO,
                                "The MicroProfile Metrics API is here but no MetricRegistry bean: /metrics has no Duplex figures; /api/status has them all");
                    }
                }
            }
        }
        return registry;
    }

    private void follow(Metric metric, Tag[] tags, LongSupplier source) {
        String key = key(metric, tags);
        if (!counters.containsKey(key)) {
            counters.put(key, new Followed(registry.counter(metadata(metric), tags), source));
        }
    }

    private <T> void gauge(Metric metric, Tag[] tags, T source, ToLongFunction<T> value) {
        gauge(metric.name(), metric.description(), metric.unit(), tags, source, value);
    }

    /** A gauge: for current values only (what can go down), never for totals. */
    private <T> void gauge(String name, String description, String unit, Tag[] tags, T source, ToLongFunction<T> value) {
        if (registered.add(key(name, tags))) {
            Metadata metadata = Metadata.builder().withName(name).withDescription(description).withUnit(unit).build();
            registry.gauge(metadata, source, s -> value.applyAsLong(s), tags);
        }
    }

    private static String key(Metric metric, Tag[] tags) {
        return key(metric.name(), tags);
    }

    private static String key(String name, Tag[] tags) {
        StringBuilder key = new StringBuilder(name);
        for (Tag tag : tags) {
            key.append(',').append(tag.getTagName()).append('=').append(tag.getTagValue());
        }
        return key.toString();
    }

    private static Metadata metadata(Metric metric) {
        return Metadata.builder().withName(metric.name()).withDescription(metric.description()).withUnit(metric.unit()).build();
    }

    private static Metric counter(String name, String unit, List<String> tags, String description) {
        return new Metric(name, Kind.COUNTER, unit, tags, exported(name, Kind.COUNTER, unit), description);
    }

    private static Metric gauge(String name, String unit, List<String> tags, String description) {
        return new Metric(name, Kind.GAUGE, unit, tags, exported(name, Kind.GAUGE, unit), description);
    }

    private static Metric summary(String name, String unit, List<String> tags, String description) {
        return new Metric(name, Kind.SUMMARY, unit, tags, exported(name, Kind.SUMMARY, unit), description);
    }

    /**
     * The name Payara's Prometheus exporter (MicroProfile Metrics 5) gives a metric's samples: the
     * unit's base unit appended ({@code bytes}; time units are converted to {@code seconds}),
     * and {@code _total} for counters.
     */
    static String exported(String name, Kind kind, String unit) {
        String base = switch (unit) {
            case MetricUnits.NONE -> "";
            case MetricUnits.BYTES -> "_bytes";
            case MetricUnits.NANOSECONDS, MetricUnits.MICROSECONDS, MetricUnits.MILLISECONDS, MetricUnits.SECONDS -> "_seconds";
            default -> "_" + unit;
        };
        return name + base + (kind == Kind.COUNTER ? "_total" : "");
    }
}
