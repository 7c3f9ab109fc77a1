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

    @Test
    void numbersEqualWhatDoubleParseDoubleGives() {
        java.util.Random random = new java.util.Random(12);
        StringBuilder json = new StringBuilder("{\"type\":\"updates\",\"updates\":[{\"id\":1,\"item\":\"A\",\"seq\":1,"
                + "\"ts\":1,\"conflated\":0,\"fields\":{");
        List<String> texts = new java.util.ArrayList<>(List.of("0", "-0", "0.1", "-0.42", "101.25", "123456789012345",
                "1234567890123456", "0.30000000000000004", "1e3", "-2.5E-3", "99999.99", "1.7976931348623157E308"));
        for (int i = 0; i < 2000; i++) {
            long unscaled = random.nextLong() % (random.nextBoolean() ? 1_000_000L : 1_000_000_000_000_000L);
            int scale = random.nextInt(8);
            texts.add(new java.math.BigDecimal(java.math.BigInteger.valueOf(unscaled), scale).toPlainString());
        }
        for (int i = 0; i < texts.size(); i++) {
            json.append(i > 0 ? "," : "").append("\"f").append(i).append("\":").append(texts.get(i));
        }
        json.append("}}]}");
        RecordingSink sink = read(json.toString());
        Map<String, Object> fields = sink.values.get(0).fields();
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(Double.valueOf(Double.parseDouble(texts.get(i))), fields.get("f" + i), texts.get(i));
        }
    }

    @Test
    void recurringNamesAreTheSameStringAndOtherKeysStillWork() {
        JsonFeedReader reader = new JsonFeedReader();
        RecordingSink sink = new RecordingSink();
        String msg = "{\"type\":\"updates\",\"updates\":[{\"id\":1,\"extra\":{\"a\":[1,true,null]},\"item\":\"ACME\","
                + "\"seq\":2,\"ts\":3,\"conflated\":0,\"fields\":{\"l\\u0061st\":1.5}}]}";
        reader.read(io.netty.buffer.Unpooled.copiedBuffer(msg, StandardCharsets.UTF_8), sink);
        reader.read(io.netty.buffer.Unpooled.copiedBuffer(msg, StandardCharsets.UTF_8), sink);
        assertEquals(Map.of("last", 1.5), sink.values.get(0).fields());
        assertTrue(sink.values.get(0).item() == sink.values.get(1).item(), "cached item name");
    }
}
