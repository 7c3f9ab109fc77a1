package dev.duplex.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.feed.entity.BinaryFeedDecoder;
import dev.duplex.feed.entity.FeedError;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.JsonFeedCodec;
import dev.duplex.feed.entity.Update;
import dev.duplex.testing.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code /feed} client for tests on top of {@link WsClient}: it decodes what arrives under either
 * subprotocol (JSON text, or binary with its own connection's {@link BinaryFeedDecoder}) into
 * {@link FeedMessage}s, and keeps the updates it skips while waiting for an answer.
 */
public final class FeedClient implements AutoCloseable {

    private static final HttpClient PUBLISHER = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final WsClient ws;
    private final BinaryFeedDecoder binary = new BinaryFeedDecoder();
    private final ArrayDeque<FeedMessage> decoded = new ArrayDeque<>();
    /** Updates that arrived while the test waited for something else, in order, with their arrival (epoch µs). */
    public final List<Arrived> skipped = new ArrayList<>();

    /** An update and when it arrived, epoch microseconds. */
    public record Arrived(Update update, long atMicros) {
    }

    private FeedClient(WsClient ws) {
        this.ws = ws;
    }

    public static FeedClient connect(URI uri, String... subprotocols) throws Exception {
        return new FeedClient(WsClient.connect(uri, subprotocols));
    }

    public WsClient ws() {
        return ws;
    }

    public String subprotocol() {
        return ws.subprotocol();
    }

    public void send(String json) throws Exception {
        ws.sendText(json);
    }

    /**
     * Subscribes to the whole topic, asking again while this instance answers {@code unknown-topic}
     * (a publication made on another instance of a cluster is still on its way), for up to
     * {@code seconds}; returns once the snapshot came.
     */
    public void subscribeOnceKnown(String topic, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int id = 1; ; id++) {
            send("{\"type\":\"subscribe\",\"id\":" + id + ",\"topic\":\"" + topic + "\"}");
            FeedMessage answer = nextAnswer();
            if (answer instanceof FeedMessage.Snapshot) {
                return;
            }
            assertTrue(answer instanceof FeedMessage.Error error && error.code() == FeedError.UNKNOWN_TOPIC, answer.toString());
            assertTrue(System.nanoTime() < deadline, "topic " + topic + " never became known");
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /**
     * Publishes {@code updates} (a JSON array) to {@code topic} through the publish API of the
     * server at {@code base} with the bearer {@code token}, and checks the 202.
     */
    public static void publish(URI base, String token, String topic, String updates) throws Exception {
        HttpResponse<String> response = PUBLISHER.send(HttpRequest.newBuilder(base.resolve("api/feed/" + topic))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"updates\":" + updates + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), response.body());
    }

    /** The next message, or null when none came within {@link WsClient#TIMEOUT}. */
    public FeedMessage next() throws Exception {
        while (decoded.isEmpty()) {
            Object message = ws.next();
            if (message == null) {
                return null;
            }
            if (message instanceof String text) {
                decoded.add(JsonFeedCodec.decodeMessage(text));
            } else {
                decoded.addAll(binary.decode(ByteBuffer.wrap((byte[]) message)));
            }
        }
        return decoded.poll();
    }

    /** The next message that is not an {@code updates}: the updates on the way go to {@link #skipped}. */
    public FeedMessage nextAnswer() throws Exception {
        while (true) {
            FeedMessage message = next();
            if (message instanceof FeedMessage.Updates updates) {
                long now = now();
                for (Update update : updates.updates()) {
                    skipped.add(new Arrived(update, now));
                }
                continue;
            }
            return message;
        }
    }

    /** The next answer, which must be of this type. */
    public <T extends FeedMessage> T expect(Class<T> type) throws Exception {
        FeedMessage message = nextAnswer();
        if (!type.isInstance(message)) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + message);
        }
        return type.cast(message);
    }

    /** The next {@code updates} message, skipping nothing else: fails on any other message. */
    public FeedMessage.Updates nextUpdates() throws Exception {
        FeedMessage message = next();
        if (!(message instanceof FeedMessage.Updates updates)) {
            throw new AssertionError("expected updates, got " + message);
        }
        return updates;
    }

    public static long now() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public void close() {
        ws.close();
    }
}
