package dev.duplex.bench.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonFeedReaderTest {

    private static RecordingSink read(String json) {
        RecordingSink sink = new RecordingSink();
        new JsonFeedReader().read(Unpooled.copiedBuffer(json, StandardCharsets.UTF_8), sink);
        return sink;
    }

    @Test
    void readsTheContractsHelloSnapshotAndUpdates() {
        assertEquals(List.of("hello feed.json"), read("{\"type\":\"hello\",\"protocol\":\"feed.json\",\"instance\":\"a\","
                + "\"maxSubscriptions\":32,\"topics\":[\"stocks\",\"weather\"]}").events);

        RecordingSink snapshot = read("{\"type\":\"snapshot\",\"id\":1,\"topic\":\"stocks\",\"items\":[{\"item\":\"ACME\","
                + "\"seq\":17,\"ts\":1796112000123456,\"fields\":{\"last\":101.23,\"bid\":101.2,\"ask\":101.26}}]}");
        assertEquals(List.of("snapshot-value ACME", "snapshot-end 1"), snapshot.events);
        assertEquals(new RecordingSink.Value(1, "ACME", 17, 1796112000123456L, 0,
                Map.of("last", 101.23, "bid", 101.2, "ask", 101.26), true), snapshot.values.get(0));

        RecordingSink updates = read("{\"type\":\"updates\",\"updates\":[{\"id\":1,\"item\":\"ACME\",\"seq\":18,"
                + "\"ts\":1796112000124001,\"conflated\":2,\"fields\":{\"last\":101.25,\"volume\":1200,\"note\":\"a \\\"b\\\"\"}},"
                + "{\"id\":3,\"item\":\"berlin\",\"seq\":4,\"ts\":5,\"conflated\":0,\"fields\":{\"temperature\":-1.5e1}}]}");
        assertEquals(new RecordingSink.Value(1, "ACME", 18, 1796112000124001L, 2,
                Map.of("last", 101.25, "volume", 1200.0, "note", "a \"b\""), false), updates.values.get(0));
        assertEquals(new RecordingSink.Value(3, "berlin", 4, 5, 0, Map.of("temperature", -15.0), false),
                updates.values.get(1));
    }

    @Test
    void snapshotIdMayComeAfterItsItemsAndAnEmptySnapshotStillEnds() {
        RecordingSink sink = read("{\"items\":[{\"fields\":{},\"ts\":1,\"seq\":2,\"item\":\"X\"}],\"type\":\"snapshot\","
                + "\"id\":7}");
        assertEquals(List.of("snapshot-value X", "snapshot-end 7"), sink.events);
        assertEquals(7, sink.values.get(0).subscription());
        assertEquals(List.of("snapshot-end 2"), read("{\"type\":\"snapshot\",\"id\":2,\"topic\":\"t\",\"items\":[]}").events);
    }

    @Test
    void errorsAndOtherTypesAreReportedAndBrokenJsonIsUnreadable() {
        assertEquals(List.of("error unknown-topic 1"), read("{\"type\":\"error\",\"code\":\"unknown-topic\","
                + "\"message\":\"No such topic\",\"id\":1}").events);
        assertEquals(List.of("other unsubscribed"), read("{\"type\":\"unsubscribed\",\"id\":1}").events);
        assertTrue(read("{\"type\":\"updates\",\"updates\":[{\"item\":\"A\"").events.get(0).startsWith("unreadable"));
        assertTrue(read("{\"id\":1}").events.get(0).startsWith("unreadable"));
        assertTrue(read("{\"type\":\"updates\",\"updates\":[{\"seq\":1.5,\"item\":\"A\"}]}").events.get(0)
                .startsWith("unreadable"));
    }
}
