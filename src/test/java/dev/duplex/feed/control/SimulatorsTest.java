package dev.duplex.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.ItemState;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SimulatorsTest {

    private final List<List<ItemChange>> published = new ArrayList<>();
    private final AtomicLong micros = new AtomicLong(1_796_112_000_000_000L);

    private MarketSimulator market(int symbols, double rate, List<ItemState> current) {
        return new MarketSimulator(symbols, rate, 42, (topic, changes) -> {
            assertEquals("stocks", topic);
            published.add(changes);
        }, topic -> current, micros::get);
    }

    private static boolean twoDecimals(FieldValue value) {
        double number = ((FieldValue.Num) value).value();
        return new BigDecimal(Double.toString(number)).stripTrailingZeros().scale() <= 2;
    }

    @Test
    void tickersAreThreeOrFourLettersUniqueAndTheSameEveryRun() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String ticker = MarketSimulator.ticker(i);
            assertTrue(ticker.matches("[A-Z]{3,4}"), ticker);
            assertTrue(seen.add(ticker), "duplicate " + ticker);
        }
        assertEquals(MarketSimulator.ticker(17), MarketSimulator.ticker(17));
    }

    @Test
    void everySymbolStartsWithEveryFieldAndPricesMoveInCents() {
        MarketSimulator market = market(200, 2000, List.of());
        List<ItemChange> first = market.begin(List.of());
        assertEquals(200, first.size());
        for (ItemChange change : first) {
            assertEquals(Set.of("last", "bid", "ask", "change", "volume", "high", "low"), change.fields().keySet());
            assertTrue(change.fields().values().stream().allMatch(SimulatorsTest::twoDecimals), change.toString());
        }
        Map<String, FieldValue> before = first.get(0).fields();
        List<ItemChange> next = market.next(400);
        assertEquals(400, next.size());
        assertTrue(next.stream().allMatch(c -> c.fields().keySet().containsAll(Set.of("last", "bid", "ask", "change", "volume"))));
        assertTrue(next.stream().flatMap(c -> c.fields().values().stream()).allMatch(SimulatorsTest::twoDecimals));
        assertNotEquals(before.get("last"), next.get(200).fields().get("last"), "ACME-like symbol 0 moved");
        double bid = ((FieldValue.Num) next.get(0).fields().get("bid")).value();
        double ask = ((FieldValue.Num) next.get(0).fields().get("ask")).value();
        assertTrue(bid < ask);
    }

    @Test
    void eachTickPublishesItsShareOfTheRate() {
        MarketSimulator market = market(200, 2000, List.of());
        market.begin(List.of());
        for (int i = 0; i < 100; i++) {
            market.tick();
        }
        assertEquals(100, published.size());
        assertTrue(published.stream().allMatch(p -> p.size() == 20));

        WeatherSimulator weather = new WeatherSimulator(50, 20, 1, (topic, changes) -> published.add(changes),
                topic -> List.of(), micros::get);
        weather.begin(List.of());
        published.clear();
        for (int i = 0; i < 100; i++) {
            weather.tick();
        }
        assertEquals(20, published.stream().mapToInt(List::size).sum(), "20 changes in one second of ticks");
    }

    @Test
    void aSimulatorGoesOnFromTheTopicsCurrentValues() {
        String symbol = MarketSimulator.ticker(0);
        List<ItemState> current = List.of(new ItemState(symbol, 40, 1, Map.of("last", FieldValue.of(123.45),
                "change", FieldValue.of(2.5), "volume", FieldValue.of(9900), "high", FieldValue.of(130), "low", FieldValue.of(100))));
        MarketSimulator market = market(3, 300, current);
        ItemChange first = market.begin(current).get(0);
        assertEquals(FieldValue.of(123.45), first.fields().get("last"));
        assertEquals(FieldValue.of(2.5), first.fields().get("change"));
        assertEquals(FieldValue.of(9900), first.fields().get("volume"));
        assertEquals(FieldValue.of(130), first.fields().get("high"));
        double next = ((FieldValue.Num) market.next(1).get(0).fields().get("last")).value();
        assertTrue(Math.abs(next - 123.45) < 5, "no jump: " + next);

        WeatherSimulator weather = new WeatherSimulator(2, 20, 1, (topic, changes) -> { }, topic -> List.of(), micros::get);
        List<ItemState> readings = List.of(new ItemState("berlin", 3, 1, Map.of("temperature", FieldValue.of(-4.5),
                "conditions", FieldValue.of("snow"))));
        ItemChange berlin = weather.begin(readings).get(0);
        assertEquals(FieldValue.of(-4.5), berlin.fields().get("temperature"));
        assertEquals(FieldValue.of("snow"), berlin.fields().get("conditions"));
        assertEquals(FieldValue.of("Berlin"), berlin.fields().get("city"), "continuing keeps the display name");
    }

    @Test
    void weatherStationsAreCitiesWithReadings() {
        WeatherSimulator weather = new WeatherSimulator(50, 20, 1, (topic, changes) -> { }, topic -> List.of(), micros::get);
        List<ItemChange> first = weather.begin(List.of());
        assertEquals(50, first.size());
        assertEquals("berlin", first.get(0).item());
        for (ItemChange change : first) {
            assertTrue(change.item().matches("[a-z]+"), change.item());
            assertEquals(Set.of("temperature", "wind", "humidity", "pressure", "conditions", "city"), change.fields().keySet());
            assertInstanceOf(FieldValue.Text.class, change.fields().get("conditions"));
            assertInstanceOf(FieldValue.Text.class, change.fields().get("city"));
        }
        Map<String, FieldValue> cities = new HashMap<>();
        new WeatherSimulator(WeatherSimulator.maxStations(), 20, 1, (topic, changes) -> { }, topic -> List.of(), micros::get)
                .begin(List.of()).forEach(change -> cities.put(change.item(), change.fields().get("city")));
        assertEquals(FieldValue.of("New York"), cities.get("newyork"));
        assertEquals(FieldValue.of("San Francisco"), cities.get("sanfrancisco"));
        assertEquals(FieldValue.of("Berlin"), cities.get("berlin"));
        List<ItemChange> next = weather.next(100);
        assertTrue(next.stream().allMatch(c -> c.fields().keySet().containsAll(Set.of("temperature", "wind", "humidity", "pressure"))));
        assertFalse(next.stream().allMatch(c -> c.fields().equals(first.get(0).fields())));
        assertTrue(next.stream().noneMatch(c -> c.fields().containsKey("city")), "the name is not repeated in updates");
        assertTrue(WeatherSimulator.maxStations() >= 50);
    }
}
