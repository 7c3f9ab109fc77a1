package dev.duplex.feed.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.feed.FeedClient;
import dev.duplex.feed.entity.FeedError;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.ItemState;
import dev.duplex.feed.entity.Update;
import dev.duplex.testing.Deployments;
import dev.duplex.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The feed's Arquillian IT: {@code /feed} and {@code POST /api/feed/{topic}} on a real Payara Micro
 * (one instance: the local bus), with the market and weather simulators at their default rates.
 *
 * <p>Over WebSocket: subprotocol negotiation (the client's first choice wins; none, or another, is
 * closed with 1008), subscribe, snapshot, updates in seq order and unsubscribe over both {@code
 * feed.json} and {@code feed.bin}, and every bad message answered with its error while the session
 * goes on. Over HTTP, with a publish token: every refusal, and a publication that reaches a {@code
 * /feed} subscriber, the topic list, the status and the metrics. (404 without a token: {@link
 * PublishGateTest}, which needs no second server; clients that stop reading: {@link
 * FeedStalledSubscribersIT}, on the project's own harness.)
 *
 * <p>The WebSocket cases run first ({@link Order}): they expect the topic list to be exactly the
 * simulators' ({@code stocks}, {@code weather}), and the last publish case adds a topic. The
 * deployment trusts 127.0.0.1 as a proxy, so that each publish case names its own client address
 * in {@code X-Forwarded-For} and has its own rate bucket (a WebSocket client sends none and is
 * 127.0.0.1 itself).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ArquillianExtension.class)
class FeedIT {

    private static final String TOKEN = "it-publish-token-0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplexWar(Map.of("duplex.feed.publish-token", TOKEN, "duplex.feed.max-publish-rate", "5",
                "duplex.proxies.trusted", "127.0.0.1"));
    }

    @ArquillianResource
    URL base;

    @BeforeEach
    void withTheContextRoot() {
        base = Deployments.base(base);
    }

    private URI feed() {
        return Deployments.websocket(base, "feed");
    }

    @Test
    @Order(1)
    void theClientsFirstChoiceWinsAndNeitherSubprotocolIsClosedWith1008() throws Exception {
        try (FeedClient binaryFirst = FeedClient.connect(feed(), "feed.bin", "feed.json")) {
            assertEquals("feed.bin", binaryFirst.subprotocol());
            assertEquals("feed.bin", binaryFirst.expect(FeedMessage.Hello.class).protocol());
        }
        try (FeedClient jsonFirst = FeedClient.connect(feed(), "feed.json", "feed.bin")) {
            assertEquals("feed.json", jsonFirst.subprotocol());
            FeedMessage.Hello hello = jsonFirst.expect(FeedMessage.Hello.class);
            assertEquals("feed.json", hello.protocol());
            assertEquals(32, hello.maxSubscriptions());
            assertEquals(1000, hello.maxItemsPerSubscription());
            assertEquals(100, hello.maxFrequency());
            assertEquals(List.of("stocks", "weather"), hello.topics());
        }
        try (WsClient none = WsClient.connect(feed())) {
            assertEquals(new WsClient.Closed(1008, "A feed subprotocol is required (feed.json or feed.bin)"), none.awaitClose());
        }
        try (WsClient other = WsClient.connect(feed(), "chat")) {
            assertEquals(new WsClient.Closed(1008, "A feed subprotocol is required (feed.json or feed.bin)"), other.awaitClose());
        }
    }

    @Test
    @Order(2)
    void subscribeSnapshotUpdatesAndUnsubscribeOverJson() throws Exception {
        subscribeSnapshotUpdatesAndUnsubscribe("feed.json");
    }

    @Test
    @Order(3)
    void subscribeSnapshotUpdatesAndUnsubscribeOverBinary() throws Exception {
        subscribeSnapshotUpdatesAndUnsubscribe("feed.bin");
    }

    private void subscribeSnapshotUpdatesAndUnsubscribe(String protocol) throws Exception {
        try (FeedClient client = FeedClient.connect(feed(), protocol)) {
            client.expect(FeedMessage.Hello.class);
            client.send("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"stocks\"}");
            FeedMessage.Snapshot all = client.expect(FeedMessage.Snapshot.class);
            assertEquals(1, all.subscription());
            assertEquals(200, all.items().size());
            for (ItemState item : all.items()) {
                assertEquals(Set.of("last", "bid", "ask", "change", "volume", "high", "low"), item.fields().keySet(), item.toString());
                assertTrue(item.seq() >= 1);
            }
            String first = all.items().get(0).item();
            String second = all.items().get(1).item();
            client.send("{\"type\":\"subscribe\",\"id\":2,\"topic\":\"stocks\",\"items\":[\"" + first + "\",\"" + second + "\"]}");
            FeedMessage.Snapshot two = client.expect(FeedMessage.Snapshot.class);
            assertEquals(2, two.subscription());
            assertEquals(List.of(first, second), two.items().stream().map(ItemState::item).toList());
            Map<String, Long> seq = new HashMap<>();
            two.items().forEach(item -> seq.put(item.item(), item.seq()));

            // each symbol moves 10 times a second: collect the updates of subscription 2 for a while
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            int updates = 0;
            client.skipped.clear();
            while (System.nanoTime() - until < 0) {
                for (Update update : client.nextUpdates().updates()) {
                    if (update.subscription() != 2) {
                        continue;
                    }
                    long previous = seq.get(update.item());
                    assertEquals(previous + 1 + update.conflated(), update.seq(), "seq order, after the snapshot: " + update);
                    seq.put(update.item(), update.seq());
                    assertFalse(update.fields().isEmpty());
                    updates++;
                }
            }
            assertTrue(updates >= 10, "updates of two symbols in 2 s: " + updates);

            client.send("{\"type\":\"unsubscribe\",\"id\":2}");
            assertEquals(2, client.expect(FeedMessage.Unsubscribed.class).subscription());
            client.send("{\"type\":\"unsubscribe\",\"id\":1}");
            assertEquals(1, client.expect(FeedMessage.Unsubscribed.class).subscription());
            client.skipped.clear();
            client.send("{\"type\":\"topics\"}");
            FeedMessage.Topics topics = client.expect(FeedMessage.Topics.class);
            assertEquals(List.of("stocks", "weather"), topics.topics().stream().map(FeedMessage.TopicInfo::name).toList());
            assertEquals(200, topics.topics().get(0).items());
            assertEquals(List.of(), client.skipped, "no update after the unsubscribed answers");
        }
    }

    @Test
    @Order(4)
    void everyBadMessageIsAnsweredWithItsErrorAndTheSessionGoesOn() throws Exception {
        try (FeedClient client = FeedClient.connect(feed(), "feed.json")) {
            client.expect(FeedMessage.Hello.class);
            expectError(client, "not json", FeedError.BAD_JSON, 0);
            expectError(client, "[".repeat(40) + "]".repeat(40), FeedError.BAD_JSON, 0);
            expectError(client, "{\"type\":\"dance\"}", FeedError.BAD_COMMAND, 0);
            expectError(client, "{\"type\":\"subscribe\",\"id\":0,\"topic\":\"stocks\"}", FeedError.BAD_COMMAND, 0);
            expectError(client, "{\"type\":\"subscribe\",\"id\":3,\"topic\":\"nope\"}", FeedError.UNKNOWN_TOPIC, 3);
            expectError(client, "{\"type\":\"subscribe\",\"id\":4,\"topic\":\"weather\",\"items\":[\"atlantis\"]}",
                    FeedError.UNKNOWN_ITEM, 4);
            expectError(client, "{\"type\":\"subscribe\",\"id\":5,\"topic\":\"weather\",\"maxFrequency\":101}",
                    FeedError.BAD_FREQUENCY, 5);
            expectError(client, "{\"type\":\"subscribe\",\"id\":6,\"topic\":\"weather\",\"maxFrequency\":-1}",
                    FeedError.BAD_FREQUENCY, 6);
            String many = "\"a\",".repeat(1000) + "\"a\"";
            expectError(client, "{\"type\":\"subscribe\",\"id\":7,\"topic\":\"weather\",\"items\":[" + many + "]}",
                    FeedError.TOO_MANY_ITEMS, 7);
            expectError(client, "{\"type\":\"unsubscribe\",\"id\":8}", FeedError.UNKNOWN_SUBSCRIPTION, 8);
            client.ws().sendBinary(new byte[] {1, 2, 3});
            FeedMessage.Error binary = client.expect(FeedMessage.Error.class);
            assertEquals(FeedError.BINARY_NOT_ACCEPTED, binary.code());

            for (int id = 1; id <= 32; id++) {
                client.send("{\"type\":\"subscribe\",\"id\":" + id + ",\"topic\":\"weather\",\"items\":[\"berlin\"],\"maxFrequency\":1}");
                assertEquals(id, client.expect(FeedMessage.Snapshot.class).subscription());
            }
            expectError(client, "{\"type\":\"subscribe\",\"id\":32,\"topic\":\"weather\"}", FeedError.DUPLICATE_ID, 32);
            expectError(client, "{\"type\":\"subscribe\",\"id\":33,\"topic\":\"weather\"}", FeedError.TOO_MANY_SUBSCRIPTIONS, 33);
            client.send("{\"type\":\"unsubscribe\",\"id\":32}");
            assertEquals(32, client.expect(FeedMessage.Unsubscribed.class).subscription());
            client.send("{\"type\":\"subscribe\",\"id\":33,\"topic\":\"stocks\"}");
            assertEquals(200, client.expect(FeedMessage.Snapshot.class).items().size());
            assertFalse(client.ws().isClosed());

            // the command limit follows from the item limit: 1001 names of 64 characters are answered, not closed
            StringBuilder longNames = new StringBuilder();
            for (int i = 0; i <= 1000; i++) {
                longNames.append(i == 0 ? "" : ",").append('"').append("N".repeat(60)).append(String.format("%04d", i)).append('"');
            }
            expectError(client, "{\"type\":\"subscribe\",\"id\":34,\"topic\":\"stocks\",\"items\":[" + longNames + "]}",
                    FeedError.TOO_MANY_ITEMS, 34);
            client.send("{\"type\":\"topics\",\"pad\":\"" + "x".repeat(140_000) + "\"}");
            assertEquals(1009, client.ws().awaitClose().code());
        }
    }

    private static void expectError(FeedClient client, String text, FeedError code, int id) throws Exception {
        client.send(text);
        FeedMessage.Error error = client.expect(FeedMessage.Error.class);
        assertEquals(List.of(code, id), List.of(error.code(), error.subscription()), text.length() > 80 ? text.substring(0, 80) : text);
        assertNotNull(error.message());
    }

    private URI publishUri(String topic) {
        return URI.create(base + "api/feed/" + topic);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder post(String client, String topic, String body) {
        return HttpRequest.newBuilder(publishUri(topic)).header("X-Forwarded-For", client)
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static JsonObject json(HttpResponse<String> response) {
        assertEquals(Optional.of("no-store"), response.headers().firstValue("Cache-Control"), response.toString());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), response.toString());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private static void assertError(int status, String code, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(code, json(response).getString("error"), response.body());
    }

    @Test
    @Order(5)
    void credentialsMethodAndMediaTypeAreChecked() throws Exception {
        String body = "{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":1}}]}";
        HttpResponse<String> missing = send(HttpRequest.newBuilder(publishUri("it-auth")).header("X-Forwarded-For", "10.0.1.1")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertError(401, "unauthorized", missing);
        assertEquals(Optional.of("Bearer realm=\"duplex-feed\""), missing.headers().firstValue("WWW-Authenticate"));
        assertError(403, "forbidden", send(post("10.0.1.1", "it-auth", body).setHeader("Authorization", "Bearer wrong-token")));
        HttpResponse<String> get = send(HttpRequest.newBuilder(publishUri("it-auth")).header("X-Forwarded-For", "10.0.1.2")
                .header("Authorization", "Bearer " + TOKEN).GET());
        assertError(405, "method-not-allowed", get);
        assertEquals(Optional.of("POST, DELETE"), get.headers().firstValue("Allow"));
        assertError(415, "unsupported-media-type", send(post("10.0.1.2", "it-auth", body).setHeader("Content-Type", "text/plain")));
    }

    @Test
    @Order(6)
    void oversizedAndMalformedBodiesAreRefusedWithFixedTexts() throws Exception {
        String big = "{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":\"" + "y".repeat(70_000) + "\"}}]}";
        assertError(413, "payload-too-large", send(post("10.0.2.1", "it-bad", big)));
        // without Content-Length (chunked): read until one byte past the limit, then refused
        HttpResponse<String> chunked = send(post("10.0.2.1", "it-bad", "").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))));
        assertError(413, "payload-too-large", chunked);
        HttpResponse<String> notJson = send(post("10.0.2.2", "it-bad", "{\"updates\":[<script>alert(1)</script>"));
        assertError(400, "bad-request", notJson);
        assertEquals("The body is not JSON", json(notJson).getString("message"));
        HttpResponse<String> badTopic = send(post("10.0.2.2", "It-Bad", "{\"updates\":[]}"));
        assertError(400, "bad-request", badTopic);
        HttpResponse<String> notFinite = send(post("10.0.2.3", "it-bad", "{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":1e999}}]}"));
        assertError(400, "bad-request", notFinite);
        assertEquals("updates[0].fields.x must be a finite number", json(notFinite).getString("message"));
        String deep = "{\"updates\":" + "[".repeat(40) + "]".repeat(40) + "}";
        assertEquals("The body nests more than 32 levels", json(send(post("10.0.2.3", "it-bad", deep))).getString("message"));
    }

    @Test
    @Order(7)
    void anAddressThatPostsTooFastGets429() throws Exception {
        int status = 0;
        for (int i = 0; i < 50 && status != 429; i++) {
            status = send(post("10.0.3.1", "it-rate", "{}").setHeader("Authorization", "Bearer guess-" + i)).statusCode();
        }
        assertEquals(429, status, "at most 5 requests per second; 50 were sent");
        assertEquals(403, send(post("10.0.3.2", "it-rate", "{}").setHeader("Authorization", "Bearer guess")).statusCode(),
                "another address has its own bucket");
    }

    @Test
    @Order(8)
    void aPublishedUpdateReachesASubscriberTheTopicsTheStatusAndTheMetrics() throws Exception {
        String topic = "it-plant-7";
        HttpResponse<String> created = send(post("10.0.4.1", topic,
                "{\"updates\":[{\"item\":\"boiler\",\"fields\":{\"temperature\":81.5,\"state\":\"heating\"}}]}"));
        assertEquals(202, created.statusCode(), created.body());
        assertEquals(1, json(created).getInt("accepted"));

        try (WsClient feed = WsClient.connect(Deployments.websocket(base, "feed"), "feed.json")) {
            assertEquals("hello", message(feed).getString("type"));
            // the publication goes through the bus: ask for the topics until it is there
            JsonObject listed = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (listed == null && System.nanoTime() < deadline) {
                feed.sendText("{\"type\":\"topics\"}");
                JsonObject topics = message(feed);
                assertEquals("topics", topics.getString("type"), topics.toString());
                listed = topics.getJsonArray("topics").getValuesAs(JsonObject.class).stream()
                        .filter(t -> t.getString("name").equals(topic)).findFirst().orElse(null);
            }
            assertNotNull(listed, "the publisher's topic is listed");
            assertEquals(1, listed.getInt("items"));

            feed.sendText("{\"type\":\"subscribe\",\"id\":7,\"topic\":\"" + topic + "\"}");
            JsonObject snapshot = message(feed);
            assertEquals("snapshot", snapshot.getString("type"), snapshot.toString());
            JsonObject boiler = snapshot.getJsonArray("items").getJsonObject(0);
            assertEquals("boiler", boiler.getString("item"));
            assertEquals(1, boiler.getInt("seq"));
            assertEquals(Json.createObjectBuilder().add("temperature", 81.5).add("state", "heating").build(),
                    boiler.getJsonObject("fields"));

            long before = micros(Instant.now());
            HttpResponse<String> update = send(post("10.0.4.1", topic,
                    "{\"updates\":[{\"item\":\"boiler\",\"fields\":{\"temperature\":82.25}}]}"));
            long after = micros(Instant.now());
            assertEquals(202, update.statusCode(), update.body());
            JsonObject updates = message(feed);
            assertEquals("updates", updates.getString("type"), updates.toString());
            JsonObject changed = updates.getJsonArray("updates").getJsonObject(0);
            assertEquals(7, changed.getInt("id"));
            assertEquals("boiler", changed.getString("item"));
            assertEquals(2, changed.getInt("seq"));
            assertEquals(0, changed.getInt("conflated"));
            assertEquals(Json.createObjectBuilder().add("temperature", 82.25).build(), changed.getJsonObject("fields"),
                    "only the field that changed");
            long ts = changed.getJsonNumber("ts").longValueExact();
            assertTrue(ts >= before && ts <= after, "ts " + ts + " is the server's clock between " + before + " and " + after);

            JsonObject status = awaitStatus(topic);
            JsonObject section = status.getJsonObject("feed");
            assertEquals("local", section.getString("mode"));
            assertTrue(section.getInt("sessions") >= 1, section.toString());
            assertTrue(section.getJsonNumber("updatesIn").longValue() >= 2, section.toString());
            assertTrue(section.getJsonNumber("updatesOut").longValue() >= 1, section.toString());
            assertTrue(section.containsKey("updatesInPerSecond") && section.containsKey("conflatedPerSecond"), section.toString());
            assertEquals(2, section.getJsonArray("simulators").size(), section.toString());

            String metrics = awaitMetrics();
            assertTrue(sample(metrics, "duplex_feed_topics") >= 2, "weather and the publisher's topic");
            assertTrue(sample(metrics, "duplex_feed_items") >= 1);
            assertTrue(sample(metrics, "duplex_feed_subscribers") >= 1);
            assertTrue(sample(metrics, "duplex_feed_subscriptions") >= 1);
            assertTrue(sample(metrics, "duplex_feed_updates_in_total") >= 2);
            assertTrue(sample(metrics, "duplex_feed_updates_out_total") >= 1);
            assertTrue(sample(metrics, "duplex_feed_conflated_total") >= 0);
        }
    }

    /** The next message, as JSON (only the publisher's topic is subscribed to: nothing else arrives). */
    private static JsonObject message(WsClient client) throws InterruptedException {
        String text = client.nextText();
        assertNotNull(text, "a message within " + WsClient.TIMEOUT);
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** The status once its feed section lists the topic with one subscription (the sweep samples every second). */
    private JsonObject awaitStatus(String topic) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JsonObject status;
        do {
            status = json(send(HttpRequest.newBuilder(URI.create(base + "api/status")).GET()));
            JsonValue feed = status.get("feed");
            if (feed instanceof JsonObject section && section.getJsonArray("topics").getValuesAs(JsonObject.class).stream()
                    .anyMatch(t -> t.getString("name").equals(topic) && t.getInt("items") == 1 && t.getInt("subscriptions") == 1)) {
                return status;
            }
        } while (System.nanoTime() < deadline && pause());
        throw new AssertionError("no feed section listing " + topic + " with 1 item and 1 subscription: " + status);
    }

    /** /metrics once the feed counters have caught up with both publications. */
    private String awaitMetrics() throws Exception {
        URI root = URI.create(base.getProtocol() + "://" + base.getHost() + ":" + base.getPort() + "/metrics");
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String metrics;
        do {
            HttpResponse<String> response = send(HttpRequest.newBuilder(root).GET());
            if (response.statusCode() == 404) {
                response = send(HttpRequest.newBuilder(URI.create(base + "metrics")).GET());
            }
            metrics = response.body();
            if (sample(metrics, "duplex_feed_updates_out_total") >= 1 && sample(metrics, "duplex_feed_subscriptions") >= 1) {
                return metrics;
            }
        } while (System.nanoTime() < deadline && pause());
        throw new AssertionError("feed metrics did not catch up: " + metrics);
    }

    /** The value of the first sample line of {@code name} (with or without labels), or -1. */
    private static double sample(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).mapToDouble(Double::parseDouble).findFirst().orElse(-1);
    }

    /** Polling interval between two reads of a figure that is updated once a second. */
    private static boolean pause() throws InterruptedException {
        Thread.sleep(200);
        return true;
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }
}
