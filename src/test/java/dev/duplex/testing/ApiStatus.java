package dev.duplex.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a server's {@code /api/status} as the tests do: 200 asserted, the body as JSON. */
public final class ApiStatus {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();

    /** As long as a loaded server may take to answer (a flood in progress). */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private ApiStatus() {
    }

    /** {@code GET status} (the full {@code …/api/status} URI). */
    public static JsonObject read(URI status) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(status).timeout(PATIENCE).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), status + ": " + response.body());
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }
}
