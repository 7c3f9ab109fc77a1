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
            // 1 000 changes/s over 40 items, 20 subscribers x 5 items: 20 x 5 / 40 x 1 000 = 2 500 deliveries/s.
            double rate = (Double) r.get("deliveries_per_s");
            assertTrue(rate > 1_500 && rate < 3_500, "deliveries/s " + rate);
            double stalledRate = (Double) r.get("stalled_deliveries_per_s");
            assertTrue(stalledRate > 1_200 && stalledRate < 2_800, "16 readers: about 2 000/s, not " + stalledRate);
            assertTrue(number(r, "latency_samples") > 500);
            assertTrue(number(r, "stalled_latency_samples") > 500);
            double bytes = (Double) r.get("bytes_per_delivery");
            assertTrue(subprotocol.equals("feed.bin") ? bytes < 30 : bytes > 60, "bytes/delivery " + bytes);
            double market = (Double) r.get("market_rate_measured");
            assertTrue(market > 700 && market < 1_300, "market " + market);
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
