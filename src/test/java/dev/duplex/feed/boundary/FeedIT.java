package dev.duplex.feed.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Map;
import java.util.Optional;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /api/feed/{topic}} on a real Payara Micro, with a publish token: every refusal over
 * HTTP, and a publication that reaches a {@code /feed} subscriber, the topic list, the status and
 * the metrics. (404 without a token: {@link PublishGateTest}, which needs no second server.)
 *
 * <p>The deployment trusts 127.0.0.1 as a proxy, so that each test names its own client address in
 * {@code X-Forwarded-For} and has its own rate bucket; the market simulator is off to spare the
 * machine (the weather one runs, at 20 changes a second).
 */
@ExtendWith(ArquillianExtension.class)
class FeedIT {

    private static final String TOKEN = "it-publish-token-0123456789";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplexWar(Map.of("duplex.feed.publish-token", TOKEN, "duplex.feed.max-publish-rate", "5",
                "duplex.proxies.trusted", "127.0.0.1", "duplex.feed.market.enabled", "false"));
    }

    @ArquillianResource
    URL base;

    @BeforeEach
    void withTheContextRoot() {
        base = Deployments.base(base);
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
        assertEquals(Optional.of("POST"), get.headers().firstValue("Allow"));
        assertError(415, "unsupported-media-type", send(post("10.0.1.2", "it-auth", body).setHeader("Content-Type", "text/plain")));
    }

    @Test
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
