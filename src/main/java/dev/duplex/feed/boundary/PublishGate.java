package dev.duplex.feed.boundary;

import dev.duplex.feed.control.PublishRequest;
import dev.duplex.feed.entity.FeedNames;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.platform.BearerToken;
import dev.duplex.platform.TokenBucket;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * What {@code POST /api/feed/{topic}} answers, decided in plain Java so that every answer is tested
 * without a server ({@link FeedPublishServlet} only copies a request in, has its body read, and
 * copies an {@link Answer} out).
 * The checks, in order (the first that fails answers):
 *
 * <ol>
 * <li>no {@code duplex.feed.publish-token} configured: <b>404</b> (publishing is off; the URL
 * does not exist as far as clients can tell)</li>
 * <li>a method other than POST: <b>405</b> with {@code Allow: POST}</li>
 * <li>more than {@code duplex.feed.max-publish-rate} requests per second from the client's
 * address: <b>429</b> (before the token check, so the token cannot be guessed at speed)</li>
 * <li>no bearer credentials: <b>401</b> with {@code WWW-Authenticate: Bearer realm="duplex-feed"};
 * a wrong token: <b>403</b> (compared in constant time, {@link BearerToken})</li>
 * <li>a {@code Content-Type} other than {@code application/json} (charset UTF-8 if named):
 * <b>415</b></li>
 * <li>a topic name that breaks {@link FeedNames#TOPIC_RULE}: <b>400</b></li>
 * <li>a {@code Content-Length} over {@code duplex.feed.max-publish-bytes}: <b>413</b> before
 * reading ({@link #admit} ends here; the servlet then reads the body with
 * {@link dev.duplex.platform.RequestBodies}, which answers 413 for a longer body without a length,
 * 408 for one slower than its deadline or rate, and 503/429 when too many bodies are in flight,
 * each with {@code Connection: close})</li>
 * <li>a body {@link PublishRequest} refuses, or a publication the feed refuses (topic or item
 * limits): <b>400</b> {@code {"error":"bad-request","message":"…"}} with a fixed text</li>
 * <li>else the changes are published: <b>202</b> {@code {"accepted":n}}</li>
 * </ol>
 *
 * <p>Every answer is a JSON object {@code {"error":code,"message":text}} (or the 202's), sent
 * with {@code Cache-Control: no-store}.
 */
final class PublishGate {

    /** The {@code WWW-Authenticate} value sent with a 401. */
    static final String CHALLENGE = "Bearer realm=\"duplex-feed\"";

    /** Above this many remembered addresses, idle ones are forgotten on the next request. */
    static final int MAX_ADDRESSES = 10_000;

    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    /** The request as the gate sees it. */
    record Request(String method, String pathInfo, String contentType, String authorization, String client,
            long contentLength) {
    }

    /** The answer: the status, the JSON body and headers besides Content-Type and Cache-Control. */
    record Answer(int status, String json, Map<String, String> headers) {
    }

    /** A bucket and when it was last used (guarded by the bucket). */
    private static final class Rate {
        final TokenBucket bucket;
        long lastUsed;

        Rate(TokenBucket bucket, long now) {
            this.bucket = bucket;
            this.lastUsed = now;
        }
    }

    private final BearerToken token;
    private final int maxBytes;
    private final int maxUpdates;
    private final double ratePerSecond;
    private final LongSupplier nanos;
    private final LongSupplier micros;
    private final BiConsumer<String, List<ItemChange>> publish;
    private final Predicate<String> delete;
    private final Map<String, Rate> rates = new ConcurrentHashMap<>();
    /** A bucket idle this long is full again (burst / rate, at least 2 s) and may be forgotten. */
    private final long forgetNanos;

    /**
     * @param token         the configured publish token; empty or {@code null}: publishing is off
     * @param maxBytes      the largest body, in bytes
     * @param maxUpdates    the most updates per request
     * @param ratePerSecond requests per second per client address (burst the same); 0: unlimited
     * @param nanos         a monotonic clock for the rate (System::nanoTime)
     * @param micros        the wall clock in epoch microseconds, stamped on the changes
     * @param publish       where accepted changes go ({@code FeedService::publish}); an
     *                      {@link IllegalArgumentException} from it is a refusal whose message is
     *                      safe to show
     */
    PublishGate(String token, int maxBytes, int maxUpdates, double ratePerSecond, LongSupplier nanos, LongSupplier micros,
            BiConsumer<String, List<ItemChange>> publish) {
        this(token, maxBytes, maxUpdates, ratePerSecond, nanos, micros, publish, topic -> false);
    }

    /**
     * @param delete where {@code DELETE /api/feed/{topic}} goes ({@code FeedService::delete}): true
     *               when the topic was deleted, false when there was none; an
     *               {@link IllegalArgumentException} is a refusal (409) whose message is safe to show
     */
    PublishGate(String token, int maxBytes, int maxUpdates, double ratePerSecond, LongSupplier nanos, LongSupplier micros,
            BiConsumer<String, List<ItemChange>> publish, Predicate<String> delete) {
        this.delete = delete;
        this.token = new BearerToken(token);
        this.maxBytes = maxBytes;
        this.maxUpdates = maxUpdates;
        this.ratePerSecond = ratePerSecond;
        this.nanos = nanos;
        this.micros = micros;
        this.publish = publish;
        this.forgetNanos = ratePerSecond <= 0 ? 0 : Math.max(2_000_000_000L, (long) (1e9 * Math.max(1, ratePerSecond) / ratePerSecond));
    }

    /** Whether publishing is on (a token is configured). */
    boolean enabled() {
        return token.required();
    }

    /**
     * Checks 1 to 7 (everything but the body itself): the answer when one fails, or {@code null}
     * when the body is to be read (at most {@link #maxBytes()}) and given to {@link #publish}.
     */
    Answer admit(Request request) {
        if (!token.required()) {
            return error(404, "not-found", "Publishing is disabled on this server");
        }
        boolean deleting = "DELETE".equals(request.method());
        if (!"POST".equals(request.method()) && !deleting) {
            return new Answer(405, errorJson("method-not-allowed", "Only POST and DELETE are allowed"),
                    Map.of("Allow", "POST, DELETE"));
        }
        if (!allowed(request.client())) {
            return new Answer(429, errorJson("too-many-requests", "More than " + fmt(ratePerSecond)
                    + " requests per second from this address"), Map.of("Retry-After", "1"));
        }
        String authorization = request.authorization();
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            return new Answer(401, errorJson("unauthorized", "Send Authorization: Bearer <duplex.feed.publish-token>"),
                    Map.of("WWW-Authenticate", CHALLENGE));
        }
        if (!token.permits(authorization)) {
            return error(403, "forbidden", "The bearer token is not the publish token");
        }
        if (deleting) {
            return topic(request) == null
                    ? badRequest("The URL must be /api/feed/{topic} with a topic matching " + FeedNames.TOPIC_RULE)
                    : null;
        }
        if (!isJson(request.contentType())) {
            return error(415, "unsupported-media-type", "The body must be Content-Type: application/json (UTF-8)");
        }
        if (topic(request) == null) {
            return badRequest("The URL must be /api/feed/{topic} with a topic matching " + FeedNames.TOPIC_RULE);
        }
        if (request.contentLength() > maxBytes) {
            return tooLarge();
        }
        return null;
    }

    /**
     * Checks 8 and 9 for a request {@link #admit} let through, with its whole body (of at most
     * {@link #maxBytes()} bytes): the 400 or the 202.
     */
    Answer publish(Request request, byte[] body) {
        String topic = topic(request);
        if (topic == null || body.length > maxBytes) {
            throw new IllegalArgumentException("not admitted");
        }
        List<ItemChange> changes;
        try {
            changes = PublishRequest.parse(body, maxUpdates, micros.getAsLong());
        } catch (PublishRequest.Invalid e) {
            return badRequest(e.getMessage());
        }
        try {
            publish.accept(topic, changes);
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage() == null ? "The feed refused the update" : e.getMessage());
        }
        return new Answer(202, JSON.createObjectBuilder().add("accepted", changes.size()).build().toString(), Map.of());
    }

    /**
     * A {@code DELETE} that {@link #admit} let through: 200 {@code {"deleted":"<topic>"}}, 404
     * {@code unknown-topic}, or 409 {@code conflict} for a simulator's topic. No body is read.
     */
    Answer delete(Request request) {
        String topic = topic(request);
        if (topic == null || !"DELETE".equals(request.method())) {
            throw new IllegalArgumentException("not admitted");
        }
        try {
            if (!delete.test(topic)) {
                return error(404, "unknown-topic", "No such topic");
            }
        } catch (IllegalArgumentException e) {
            return error(409, "conflict", e.getMessage() == null ? "The topic cannot be deleted" : e.getMessage());
        }
        return new Answer(200, JSON.createObjectBuilder().add("deleted", topic).build().toString(), Map.of());
    }

    /** The largest body, in bytes. */
    int maxBytes() {
        return maxBytes;
    }

    /** The topic named by the URL, or {@code null} when it breaks the rule. */
    private static String topic(Request request) {
        String path = request.pathInfo();
        String topic = path == null || !path.startsWith("/") ? "" : path.substring(1);
        return FeedNames.isTopic(topic) ? topic : null;
    }

    /** application/json, with no parameter but an optional charset=utf-8. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT).replace("\"", "");
            if (!parameter.isEmpty() && !parameter.replace(" ", "").equals("charset=utf-8")) {
                return false;
            }
        }
        return true;
    }

    private boolean allowed(String client) {
        if (ratePerSecond <= 0) {
            return true;
        }
        long now = nanos.getAsLong();
        if (rates.size() >= MAX_ADDRESSES) {
            forgetIdle(now);
            if (rates.size() >= MAX_ADDRESSES) {
                // Every remembered address was active within the last seconds: start afresh rather
                // than grow without bound (each address may then burst once more).
                rates.clear();
            }
        }
        Rate rate = rates.computeIfAbsent(client == null ? "" : client,
                c -> new Rate(new TokenBucket(ratePerSecond, ratePerSecond, now), now));
        synchronized (rate) {
            rate.lastUsed = now;
            return rate.bucket.tryTake(now);
        }
    }

    private void forgetIdle(long now) {
        for (Iterator<Rate> i = rates.values().iterator(); i.hasNext();) {
            Rate rate = i.next();
            synchronized (rate) {
                if (now - rate.lastUsed > forgetNanos) {
                    i.remove();
                }
            }
        }
    }

    /** How many client addresses have a bucket now. */
    int trackedAddresses() {
        return rates.size();
    }

    private Answer tooLarge() {
        return error(413, "payload-too-large", "The body is larger than " + maxBytes + " bytes");
    }

    private static Answer badRequest(String message) {
        return error(400, "bad-request", message);
    }

    private static Answer error(int status, String code, String message) {
        return new Answer(status, errorJson(code, message), Map.of());
    }

    static String errorJson(String code, String message) {
        return JSON.createObjectBuilder().add("error", code).add("message", message).build().toString();
    }

    private static String fmt(double rate) {
        return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
    }
}
