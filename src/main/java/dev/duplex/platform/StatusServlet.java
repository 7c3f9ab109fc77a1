package dev.duplex.platform;

import dev.duplex.platform.engine.Engine;
import dev.duplex.platform.engine.ReadGuard;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * {@code GET /api/status}: the figures behind the status page, as JSON. Behind
 * {@link StatusTokenFilter} when {@code duplex.status.token} is set.
 *
 * <pre>
 * {
 *   "time": 1795323762228,            // server clock, ms since the epoch
 *   "uptimeSeconds": 420,
 *   "sessions": 3,                    // open sessions, all endpoints
 *   "limits": {"maxSessions": ..,     // effective: sized at start (SessionCapacity), at most the configured one
 *              "maxSessionsConfigured": 20000, "maxSessionsLimitedBy": "max-sessions|file descriptors|heap",
 *              "maxSessionsReason": "10485, set by heap (max-sessions 20000; file descriptors ..; heap ..)",
 *              "maxPendingUpgradesPerAddress": 128,
 *              "maxSessionsPerAddress": .., "messageRate": .., "messageBurst": ..,
 *              "maxQueuedBytes": .., "idleTimeoutSeconds": .., "pingIntervalSeconds": .., "pongTimeoutSeconds": ..},
 *   "endpoints": {"echo": {"open": 2, "opened": 9, "refused": 0, "messagesIn": .., "messagesOut": ..,
 *                          "bytesIn": .., "bytesOut": .., "errors": 0, "closeCodes": {"1000": 7}}},
 *   "refusals": {"origin": 1, "message rate": 0, ..},
 *   "timings": {"image.grayscale": {"count": .., "meanMicros": .., "p50Micros": .., "p90Micros": .., "p99Micros": .., "maxMicros": ..}},
 *   "jvm": {"heapUsedBytes": .., "heapMaxBytes": .., "threads": .., "processors": ..,
 *           "openFileDescriptors": .., "maxFileDescriptors": ..},   // -1 where the JVM cannot tell
 *   "history": [{"time": .., "sessions": .., "messagesIn": .., "messagesOut": .., "bytesIn": .., "bytesOut": ..}], // per second, oldest first, totals
 *   "engine": {"name": "Tyrus", "version": "2.1.5.payara-p2",       // see dev.duplex.platform.engine.Engine
 *              "capabilities": {"session-timers": {"state": "active|inactive|untested", "detail": ".."}, ..},
 *              "upgrades": {"pending": 0, "upgrading": 0, "opening": 0, "upgraded": 0, "claimed": .., "reaped": .., "forgotten": ..}},
 *   "game": {"rooms": .., "players": .., "bots": .., "spectators": .., "tickLateness": {..}, ..},   // only with the game (GameReport)
 *   "feed": {"mode": "local|hazelcast", "instance": "..", "instances": 1, "sessions": .., "subscriptions": ..,   // only with a feed
 *            "topics": [{"name": "stocks", "items": 200, "subscriptions": ..}],
 *            "updatesIn": .., "updatesOut": .., "conflated": ..,                                         // totals since start
 *            "updatesInPerSecond": .., "updatesOutPerSecond": .., "conflatedPerSecond": ..,               // over the last second
 *            "simulators": [{"name": "market", "enabled": true, "runningHere": true, "leader": ".."}]},
 *   "draw": {"boards", "members", "bytes", "copies", "connected", "strokes", "forwarded", "relayed",  // only with /draw
 *            "cluster": "local|hazelcast", "instances"}                                           // (docs/PLAY.md)
 * }
 * </pre>
 */
@WebServlet("/api/status")
public class StatusServlet extends HttpServlet {

    /** Looked up once: each Json.createXxx call looks the JSON provider up with a ServiceLoader. */
    private static final jakarta.json.JsonBuilderFactory JSON = Json.createBuilderFactory(java.util.Map.of());

    private static final long serialVersionUID = 1L;

    @Inject
    transient Connections connections;

    @Inject
    transient StatusHistory history;

    @Inject
    transient Timings timings;

    @Inject
    transient Instance<FeedReport> feed;

    @Inject
    transient Instance<DrawReport> draw;

    @Inject
    transient Instance<GameReport> game;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Limits limits = connections.limits();
        JsonObjectBuilder endpoints = JSON.createObjectBuilder();
        connections.stats().forEach((name, stats) -> {
            JsonObjectBuilder codes = JSON.createObjectBuilder();
            stats.closeCodes().forEach((code, count) -> codes.add(String.valueOf(code), count));
            endpoints.add(name, JSON.createObjectBuilder()
                    .add("open", stats.openSessions())
                    .add("opened", stats.openedSessions())
                    .add("refused", stats.refusedSessions())
                    .add("messagesIn", stats.messagesIn())
                    .add("messagesOut", stats.messagesOut())
                    .add("bytesIn", stats.bytesIn())
                    .add("bytesOut", stats.bytesOut())
                    .add("errors", stats.errors())
                    .add("closeCodes", codes));
        });
        JsonObjectBuilder refusals = JSON.createObjectBuilder();
        connections.refusals().forEach(refusals::add);
        JsonObjectBuilder timed = JSON.createObjectBuilder();
        timings.snapshot().forEach((name, t) -> timed.add(name, JSON.createObjectBuilder()
                .add("count", t.count()).add("meanMicros", t.meanMicros()).add("p50Micros", t.p50Micros())
                .add("p90Micros", t.p90Micros()).add("p99Micros", t.p99Micros()).add("maxMicros", t.maxMicros())));
        JsonArrayBuilder samples = JSON.createArrayBuilder();
        history.samples().forEach(s -> samples.add(JSON.createObjectBuilder()
                .add("time", s.time()).add("sessions", s.sessions())
                .add("messagesIn", s.messagesIn()).add("messagesOut", s.messagesOut())
                .add("bytesIn", s.bytesIn()).add("bytesOut", s.bytesOut())));
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        var status = JSON.createObjectBuilder()
                .add("time", System.currentTimeMillis())
                .add("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
                .add("sessions", connections.openCount())
                .add("limits", JSON.createObjectBuilder()
                        .add("maxSessions", limits.maxSessions())
                        .add("maxSessionsConfigured", connections.capacity().ceiling())
                        .add("maxSessionsLimitedBy", connections.capacity().limitedBy())
                        .add("maxSessionsReason", connections.capacity().reason())
                        .add("maxPendingUpgradesPerAddress", connections.maxPendingUpgradesPerAddress())
                        .add("maxSessionsPerAddress", limits.maxSessionsPerAddress())
                        .add("messageRate", limits.messageRate())
                        .add("messageBurst", limits.messageBurst())
                        .add("maxQueuedBytes", limits.maxQueuedBytes())
                        .add("idleTimeoutSeconds", limits.idleTimeout().toSeconds())
                        .add("pingIntervalSeconds", limits.pingInterval().toSeconds())
                        .add("pongTimeoutSeconds", limits.pongTimeout().toSeconds()))
                .add("endpoints", endpoints)
                .add("memory", memory(connections.budget()))
                .add("refusals", refusals)
                .add("timings", timed)
                .add("jvm", JSON.createObjectBuilder()
                        .add("heapUsedBytes", heap.getUsed())
                        .add("heapMaxBytes", heap.getMax())
                        .add("threads", ManagementFactory.getThreadMXBean().getThreadCount())
                        .add("openFileDescriptors", SessionCapacity.openFileDescriptors())
                        .add("maxFileDescriptors", SessionCapacity.fileDescriptorLimit())
                        .add("processors", Runtime.getRuntime().availableProcessors()))
                .add("history", samples)
                .add("engine", Engine.status(JSON));
        if (feed.isResolvable()) {
            status.add("feed", feed.get().status(JSON, history.feedRates()));
        }
        if (draw.isResolvable()) {
            status.add("draw", draw.get().status(JSON));
        }
        if (game.isResolvable()) {
            status.add("game", game.get().status(JSON));
        }
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(status.build().toString());
    }

    /** The memory budget's figures: {@code {"budgetBytes", "usedBytes", "perEndpointBytes", "perAddressBytes", "refusals", "usedByEndpoint":{..}, "readGuard":{"active","reason"}}}. */
    private static JsonObjectBuilder memory(MemoryBudget budget) {
        JsonObjectBuilder byEndpoint = JSON.createObjectBuilder();
        budget.usedByEndpoint().forEach(byEndpoint::add);
        return JSON.createObjectBuilder()
                .add("budgetBytes", budget.total())
                .add("usedBytes", budget.used())
                .add("perEndpointBytes", budget.perEndpoint())
                .add("perAddressBytes", budget.perAddress())
                .add("refusals", budget.refusals())
                .add("usedByEndpoint", byEndpoint)
                .add("readGuard", JSON.createObjectBuilder()
                        .add("active", ReadGuard.active())
                        .add("reason", ReadGuard.reason()));
    }
}
