package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TimingsTest {

    @Test
    void tenThousandDistinctChainsMakeABoundedSetOfNames() {
        Timings timings = new Timings();
        timings.record("chat.fanout", 1_000);
        for (int i = 0; i < 10_000; i++) {
            timings.record("image.blur+rotate" + i, 2_000);
        }
        Map<String, LatencyHistogram.Snapshot> all = timings.snapshot();
        assertEquals(Timings.MAX_NAMES, timings.names());
        assertEquals(Timings.MAX_NAMES + 1, all.size(), "the first names and " + Timings.OTHER);
        assertEquals(10_001 - Timings.MAX_NAMES, all.get(Timings.OTHER).count());
        assertEquals(1, timings.snapshot("chat.fanout").count(), "names seen first keep their own histogram");
        assertEquals(1, timings.snapshot("image.blur+rotate0").count());
        assertEquals(0, timings.snapshot("image.blur+rotate9999").count(), "a late name has none");
    }

    @Test
    void knownNamesKeepRecordingAfterTheBoundIsReached() {
        Timings timings = new Timings(2);
        timings.record("a", 1_000);
        timings.record("b", 1_000);
        timings.record("c", 1_000);
        timings.record("a", 1_000);
        timings.record(Timings.OTHER, 1_000);
        assertEquals(2, timings.snapshot("a").count());
        assertEquals(2, timings.snapshot(Timings.OTHER).count());
        assertTrue(timings.snapshot().keySet().containsAll(java.util.List.of("a", "b", Timings.OTHER)));
        assertEquals(3, timings.snapshot().size());
    }
}
