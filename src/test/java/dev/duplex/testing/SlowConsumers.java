package dev.duplex.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks that a client which stopped reading was closed as a slow consumer, on any endpoint. */
public final class SlowConsumers {

    private static final Pattern COUNT = Pattern.compile("\"slow consumer\":(\\d+)");

    private SlowConsumers() {
    }

    /** Sessions closed as slow consumers since the server at {@code base} started, from {@code /api/status}. */
    public static long closes(URI base) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String status = http.send(HttpRequest.newBuilder(base.resolve("api/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = COUNT.matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * The silent client's end: its close frame says 1008 "Slow consumer", unless the connection was
     * dropped (the sweep's close timeout) before the client read that far; the server counted the
     * close as a slow consumer either way.
     */
    public static void assertClosed(RawWebSocket silent, URI base, long closesBefore, String after) throws Exception {
        RawWebSocket.Frame close = silent.readUntilClose();
        if (close.closeCode() != 1006) {
            assertEquals(List.of(1008, "Slow consumer"), List.of(close.closeCode(), close.closeReason()), after);
        }
        assertEquals(closesBefore + 1, closes(base), "the server closed the session as a slow consumer " + after);
    }
}
