package dev.duplex.bench.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.bench.Result;
import dev.duplex.bench.Target;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The whole scenario against {@link FeedStubServer}: counted, timed, checked; and a lossy server caught. */
class FeedScenarioTest {

    private static FeedScenario.Settings settings(int port, String subprotocol, double stalled) {
        Target target = Target.parse("ws://127.0.0.1:" + port + "/feed", false);
        return new FeedScenario.Settings(List.of(target), target, 20, 5, subprotocol, stalled, "stocks", 1000,
                Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(5),
                Duration.ofSeconds(20), 2, 10, 0);
    }

    private static long number(Result r, String key) {
        return ((Number) r.get(key)).longValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"feed.json", "feed.bin"})
    void everyUpdateIsTimedCountedAndTheFinalValuesMatch(String subprotocol) throws Exception {
        try (FeedStubServer stub = new FeedStubServer(40, 10, 0)) {
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Result r = FeedScenario.run(settings(stub.port(), subprotocol, 0.2),
                    new PrintStream(log, true, StandardCharsets.UTF_8));
            String progress = log.toString(StandardCharsets.UTF_8);
            assertEquals(0, number(r, "errors"), r.notes() + progress);
            assertEquals(0, number(r, "lost"), r.notes().toString());
            assertEquals(0, number(r, "mismatches"), r.notes().toString());
            assertEquals(40, number(r, "topic_items"));
            assertEquals(16, number(r, "readers"));
            assertEquals(4, number(r, "stalled"));
            assertEquals(16 * 5, number(r, "check_pairs"));
            assertEquals(16 * 5, number(r, "check_matched") + number(r, "check_passed"));
            assertTrue(number(r, "check_matched") > 0, r.notes().toString());
            // 20 subscribers x 5 items of 40: every change reaches 20 x 5 / 40 = 2.5 subscribers, and
            // 2.0 once 4 of them stalled. Both rates are taken against the market rate the run measured
            // itself (the stub's 1 000 changes/s slow down with a busy machine, and so do the
            // deliveries), with a wide margin for the windows not being the same.
            double market = (Double) r.get("market_rate_measured");
            assertTrue(market > 0, "market " + market);
            double perChange = (Double) r.get("deliveries_per_s") / market;
            assertTrue(perChange > 1.25 && perChange < 5, "about 2.5 deliveries per change, not " + perChange + ": " + r.fields());
            double stalledPerChange = (Double) r.get("stalled_deliveries_per_s") / market;
            assertTrue(stalledPerChange > 1.0 && stalledPerChange < 4,
                    "16 readers: about 2.0 deliveries per change, not " + stalledPerChange + ": " + r.fields());
            assertTrue(number(r, "latency_samples") > 0, r.fields().toString());
            assertTrue(number(r, "stalled_latency_samples") > 0, r.fields().toString());
            double bytes = (Double) r.get("bytes_per_delivery");
            assertTrue(subprotocol.equals("feed.bin") ? bytes < 30 : bytes > 60, "bytes/delivery " + bytes);
        }
    }

    @Test
    void aServerThatDropsUpdatesIsCaught() throws Exception {
        try (FeedStubServer stub = new FeedStubServer(40, 10, 7)) {
            Result r = FeedScenario.run(settings(stub.port(), "feed.json", 0),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertTrue(number(r, "lost") > 0, r.notes().toString());
            assertTrue(number(r, "reader_gaps") > 0);
        }
    }
}
