package dev.duplex.feed.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.feed.control.FeedFigures;
import dev.duplex.platform.FeedReport;
import jakarta.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The feed's figures as /api/status and /metrics read them. */
class FeedStatusReportTest {

    private static final FeedFigures FIGURES = new FeedFigures("hazelcast", "a", 2,
            List.of(new FeedFigures.TopicFigures("stocks", 200, 12), new FeedFigures.TopicFigures("weather", 50, 3)),
            9, 15, 123_456, 2_000_000, 789,
            List.of(new FeedFigures.SimulatorFigures("market", true, true, "a"),
                    new FeedFigures.SimulatorFigures("weather", true, false, "")));

    @Test
    void totalsSumTheItemsOfEveryTopic() {
        assertEquals(new FeedReport.Totals(2, 250, 9, 15, 123_456, 2_000_000, 789), FeedStatusReport.totals(FIGURES));
    }

    @Test
    void theStatusSectionHasTheDocumentedShape() {
        String json = FeedStatusReport.status(Json.createBuilderFactory(Map.of()), FIGURES,
                new FeedReport.Rates(2000.04, 48123.456, 0.25)).build().toString();
        assertEquals("{\"mode\":\"hazelcast\",\"instance\":\"a\",\"instances\":2,\"sessions\":9,\"subscriptions\":15,"
                + "\"topics\":[{\"name\":\"stocks\",\"items\":200,\"subscriptions\":12},{\"name\":\"weather\",\"items\":50,\"subscriptions\":3}],"
                + "\"updatesIn\":123456,\"updatesOut\":2000000,\"conflated\":789,"
                + "\"updatesInPerSecond\":2000.0,\"updatesOutPerSecond\":48123.5,\"conflatedPerSecond\":0.3,"
                + "\"simulators\":[{\"name\":\"market\",\"enabled\":true,\"runningHere\":true,\"leader\":\"a\"},"
                + "{\"name\":\"weather\",\"enabled\":true,\"runningHere\":false,\"leader\":\"\"}]}", json);
    }
}
