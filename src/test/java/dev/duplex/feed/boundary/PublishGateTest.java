package dev.duplex.feed.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.feed.boundary.PublishGate.Answer;
import dev.duplex.feed.boundary.PublishGate.Request;
import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Every answer of POST /api/feed/{topic}, without a server (FeedIT checks them over HTTP). */
class PublishGateTest {

    private static final String TOKEN = "s3cret-token";
    private static final String BODY = "{\"updates\":[{\"item\":\"ACME\",\"fields\":{\"last\":101.2}}]}";
    private static final long NOW_MICROS = 1_796_112_000_000_001L;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<String> published = new ArrayList<>();
    private final List<List<ItemChange>> changes = new ArrayList<>();

    private PublishGate gate(String token, double rate) {
        return new PublishGate(token, 200, 3, rate, nanos::get, () -> NOW_MICROS, (topic, list) -> {
            if (topic.equals("full")) {
                throw new IllegalArgumentException("At most 64 topics");
            }
            published.add(topic);
            changes.add(list);
        });
    }

    /** A request and its body, as the servlet has them once the body has been read. */
    private record Post(Request request, byte[] body) {
    }

    private static Post post(String path, String authorization, String contentType, String body) {
        return post("POST", path, authorization, contentType, "127.0.0.1", body);
    }

    private static Post post(String method, String path, String authorization, String contentType, String client, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new Post(new Request(method, path, contentType, authorization, client, bytes.length), bytes);
    }

    private static Post valid(String path) {
        return post(path, "Bearer " + TOKEN, "application/json", BODY);
    }

    /** What the servlet does: the gate's checks, then (the body read) the publication. */
    private static Answer handle(PublishGate gate, Post post) {
        Answer refused = gate.admit(post.request());
        return refused != null ? refused : gate.publish(post.request(), post.body());
    }

    @Test
    void withoutATokenPublishingIsDisabledWith404() {
        for (String token : new String[] {null, "", "   "}) {
            PublishGate gate = gate(token, 50);
            assertEquals(false, gate.enabled());
            Answer answer = handle(gate, valid("/stocks"));
            assertEquals(404, answer.status());
            assertEquals("{\"error\":\"not-found\",\"message\":\"Publishing is disabled on this server\"}", answer.json());
        }
        assertTrue(published.isEmpty());
    }

    @Test
    void aValidRequestIsPublishedAndAnswered202() {
        Answer answer = handle(gate(TOKEN, 50), post("/my-topic.1", "bearer " + TOKEN, "Application/JSON; charset=\"UTF-8\"", BODY));
        assertEquals(202, answer.status());
        assertEquals("{\"accepted\":1}", answer.json());
        assertEquals(List.of("my-topic.1"), published);
        assertEquals(List.of(List.of(new ItemChange("ACME", Map.of("last", FieldValue.of(101.2)), NOW_MICROS))), changes);
    }

    @Test
    void credentialsAreCheckedMissing401Wrong403() {
        PublishGate gate = gate(TOKEN, 0);
        for (String missing : new String[] {null, "", "Basic dXNlcjpwYXNz", "Bearer ", "Bearer    "}) {
            Answer answer = handle(gate, post("/stocks", missing, "application/json", BODY));
            assertEquals(401, answer.status(), String.valueOf(missing));
            assertEquals(PublishGate.CHALLENGE, answer.headers().get("WWW-Authenticate"));
        }
        for (String wrong : new String[] {"Bearer s3cret", "Bearer s3cret-token2", "Bearer S3CRET-TOKEN"}) {
            assertEquals(403, handle(gate, post("/stocks", wrong, "application/json", BODY)).status(), wrong);
        }
        assertTrue(published.isEmpty());
    }

    @Test
    void onlyPostAndDeleteAreAllowed() {
        for (String method : new String[] {"GET", "PUT", "PATCH", "HEAD"}) {
            Answer answer = handle(gate(TOKEN, 50), post(method, "/stocks", "Bearer " + TOKEN, "application/json", "127.0.0.1", ""));
            assertEquals(405, answer.status(), method);
            assertEquals("POST, DELETE", answer.headers().get("Allow"));
        }
    }

    @Test
    void deleteNeedsTheTokenAndAnswersDeletedUnknownOrConflict() {
        List<String> deleted = new ArrayList<>();
        PublishGate gate = new PublishGate(TOKEN, 200, 3, 0, nanos::get, () -> NOW_MICROS, (topic, list) -> { }, topic -> {
            if (topic.equals("stocks")) {
                throw new IllegalArgumentException("A simulator's topic cannot be deleted");
            }
            return topic.equals("plant-7") && deleted.add(topic);
        });
        assertEquals(401, gate.admit(post("DELETE", "/plant-7", null, null, "127.0.0.1", "").request()).status());
        assertEquals(403, gate.admit(post("DELETE", "/plant-7", "Bearer nope", null, "127.0.0.1", "").request()).status());
        assertEquals(400, gate.admit(post("DELETE", "/Bad Name", "Bearer " + TOKEN, null, "127.0.0.1", "").request()).status());
        assertTrue(deleted.isEmpty());

        Request ok = post("DELETE", "/plant-7", "Bearer " + TOKEN, null, "127.0.0.1", "").request();
        assertNull(gate.admit(ok), "no Content-Type is needed: there is no body");
        Answer answer = gate.delete(ok);
        assertEquals(200, answer.status());
        assertEquals("{\"deleted\":\"plant-7\"}", answer.json());
        assertEquals(List.of("plant-7"), deleted);

        Answer unknown = gate.delete(post("DELETE", "/nothing", "Bearer " + TOKEN, null, "127.0.0.1", "").request());
        assertEquals(404, unknown.status());
        assertTrue(unknown.json().contains("\"unknown-topic\""));
        Answer simulator = gate.delete(post("DELETE", "/stocks", "Bearer " + TOKEN, null, "127.0.0.1", "").request());
        assertEquals(409, simulator.status());
        assertTrue(simulator.json().contains("\"conflict\""));
    }

    @Test
    void onlyJsonIsAccepted415() {
        PublishGate gate = gate(TOKEN, 0);
        for (String type : new String[] {null, "text/plain", "application/x-www-form-urlencoded", "application/json-seq",
                "application/json; charset=iso-8859-1", "multipart/form-data; boundary=x"}) {
            assertEquals(415, handle(gate, post("/stocks", "Bearer " + TOKEN, type, BODY)).status(), String.valueOf(type));
        }
    }

    @Test
    void badTopicsAndBodiesAre400WithFixedTexts() {
        PublishGate gate = gate(TOKEN, 0);
        for (String path : new String[] {null, "/", "/Stocks", "/a/b", "/..", "/" + "a".repeat(65), "/%2e"}) {
            Answer answer = handle(gate, post(path, "Bearer " + TOKEN, "application/json", BODY));
            assertEquals(400, answer.status(), String.valueOf(path));
            assertEquals("{\"error\":\"bad-request\",\"message\":\"The URL must be /api/feed/{topic} with a topic matching "
                    + "[a-z0-9][a-z0-9._-]{0,63}\"}", answer.json());
        }
        Answer notJson = handle(gate, post("/stocks", "Bearer " + TOKEN, "application/json", "{\"updates\":[<script>"));
        assertEquals(400, notJson.status());
        assertEquals("{\"error\":\"bad-request\",\"message\":\"The body is not JSON\"}", notJson.json());
        String big = "{\"updates\":[{\"item\":\"A\",\"fields\":{\"x\":\"" + "y".repeat(200) + "\"}}]}";
        assertEquals(413, handle(gate, post("/stocks", "Bearer " + TOKEN, "application/json", big)).status());
        Answer limit = handle(gate, post("/full", "Bearer " + TOKEN, "application/json", BODY));
        assertEquals(400, limit.status());
        assertEquals("{\"error\":\"bad-request\",\"message\":\"At most 64 topics\"}", limit.json());
        assertTrue(published.isEmpty());
    }

    @Test
    void tooManyUpdatesAre400() {
        PublishGate gate = new PublishGate(TOKEN, 65536, 3, 0, nanos::get, () -> NOW_MICROS, (t, l) -> published.add(t));
        String four = "{\"updates\":[" + String.join(",", java.util.Collections.nCopies(4, "{\"item\":\"A\",\"fields\":{\"x\":1}}")) + "]}";
        Answer answer = handle(gate, post("/stocks", "Bearer " + TOKEN, "application/json", four));
        assertEquals(400, answer.status());
        assertEquals("{\"error\":\"bad-request\",\"message\":\"At most 3 updates per request\"}", answer.json());
        assertTrue(published.isEmpty());
    }

    @Test
    void aLengthOverTheLimitIs413BeforeTheBodyIsReadAndALengthWithinLetsItBeRead() {
        PublishGate gate = gate(TOKEN, 0);
        Answer declared = gate.admit(new Request("POST", "/stocks", "application/json", "Bearer " + TOKEN, "127.0.0.1", 201));
        assertEquals(413, declared.status());
        assertEquals("{\"error\":\"payload-too-large\",\"message\":\"The body is larger than 200 bytes\"}", declared.json());
        assertNull(gate.admit(new Request("POST", "/stocks", "application/json", "Bearer " + TOKEN, "127.0.0.1", 200)));
        assertNull(gate.admit(new Request("POST", "/stocks", "application/json", "Bearer " + TOKEN, "127.0.0.1", -1)),
                "without a length the reader enforces the limit as bytes arrive (RequestBodiesTest)");
        assertEquals(200, gate.maxBytes());
    }

    @Test
    void eachAddressMayPostAtTheConfiguredRate() {
        PublishGate gate = gate(TOKEN, 2);
        assertEquals(202, handle(gate, valid("/stocks")).status());
        assertEquals(202, handle(gate, valid("/stocks")).status());
        Answer third = handle(gate, valid("/stocks"));
        assertEquals(429, third.status());
        assertEquals("{\"error\":\"too-many-requests\",\"message\":\"More than 2 requests per second from this address\"}", third.json());
        assertEquals(429, handle(gate, post("/stocks", "Bearer wrong", "application/json", BODY)).status(),
                "wrong tokens count too, so the token cannot be guessed at speed");
        assertEquals(202, handle(gate, post("POST", "/stocks", "Bearer " + TOKEN, "application/json", "10.0.0.2", BODY)).status(),
                "another address");
        nanos.addAndGet(500_000_000L);
        assertEquals(202, handle(gate, valid("/stocks")).status(), "a token flowed back in half a second");
        assertEquals(429, handle(gate, valid("/stocks")).status());
    }

    @Test
    void theTableOfAddressesIsBounded() {
        PublishGate gate = gate(TOKEN, 1);
        AtomicInteger accepted = new AtomicInteger();
        for (int i = 0; i < PublishGate.MAX_ADDRESSES + 10; i++) {
            if (handle(gate, post("POST", "/stocks", "Bearer " + TOKEN, "application/json", "10.1." + i, BODY)).status() == 202) {
                accepted.incrementAndGet();
            }
        }
        assertEquals(PublishGate.MAX_ADDRESSES + 10, accepted.get());
        assertTrue(gate.trackedAddresses() <= PublishGate.MAX_ADDRESSES, "tracked " + gate.trackedAddresses());
        nanos.addAndGet(3_000_000_000L);
        handle(gate, valid("/stocks"));
        assertTrue(gate.trackedAddresses() <= PublishGate.MAX_ADDRESSES);
    }
}
