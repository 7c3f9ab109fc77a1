package dev.duplex.bench.draw;

import dev.duplex.bench.Target;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The few figures of the server's {@code /api/status} (see StatusServlet) the draw bench reports:
 * the heap and the boards. -1 where the status lacks a figure.
 */
record ServerStatus(long heapUsedBytes, long heapMaxBytes, long boards, long members, long boardBytes) {

    /** The status of the server behind {@code target}, or null when it cannot be read (the reason in {@code why[0]}). */
    static ServerStatus read(Target target, String[] why) {
        URI uri = URI.create((target.tls() ? "https" : "http") + "://" + target.host() + ":" + target.port() + "/api/status");
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                why[0] = uri + " answered " + response.statusCode();
                return null;
            }
            return parse(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why[0] = uri + ": interrupted";
            return null;
        } catch (Exception e) {
            why[0] = uri + ": " + e;
            return null;
        }
    }

    static ServerStatus parse(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonObject status = reader.readObject();
            JsonObject jvm = object(status, "jvm");
            JsonObject draw = object(status, "draw");
            return new ServerStatus(number(jvm, "heapUsedBytes"), number(jvm, "heapMaxBytes"), number(draw, "boards"),
                    number(draw, "members"), number(draw, "bytes"));
        }
    }

    private static JsonObject object(JsonObject parent, String name) {
        JsonValue value = parent.get(name);
        return value instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
    }

    private static long number(JsonObject o, String name) {
        JsonValue value = o.get(name);
        return value instanceof JsonNumber n ? n.longValue() : -1;
    }
}
