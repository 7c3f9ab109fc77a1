package dev.duplex.feed.control;

import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.ItemState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The {@code stocks} topic: N symbols (3–4 letter tickers, the same for an index on every run)
 * whose prices walk at random. Fields: {@code last, bid, ask} (prices, 2 decimals), {@code change}
 * (percent since the open, 2 decimals), {@code volume} (shares traded), {@code high, low} (of the
 * session; sent when they move). Symbols move in turn, so that each moves at rate / N per second.
 */
final class MarketSimulator extends Simulator {

    static final String ROLE = "market";
    static final String TOPIC = "stocks";

    private static final class Quote {
        double open;
        double last;
        double high;
        double low;
        long volume;
    }

    private final List<String> symbols;
    private final Map<String, Quote> quotes = new HashMap<>();
    private final SplittableRandom random;
    private int cursor;

    MarketSimulator(int symbols, double rate, long seed, BiConsumer<String, List<ItemChange>> publisher,
            Function<String, List<ItemState>> current, LongSupplier micros) {
        super(ROLE, TOPIC, rate, publisher, current, micros);
        List<String> names = new ArrayList<>(symbols);
        for (int i = 0; i < symbols; i++) {
            names.add(ticker(i));
        }
        this.symbols = List.copyOf(names);
        this.random = new SplittableRandom(seed);
    }

    /**
     * The ticker of symbol {@code index}: 3 letters for even indices, 4 for odd ones, each a
     * bijection of the index (multiplication by a number coprime to 26^k), so no two collide.
     */
    static String ticker(int index) {
        int length = index % 2 == 0 ? 3 : 4;
        long space = length == 3 ? 26L * 26 * 26 : 26L * 26 * 26 * 26;
        long code = ((index / 2) * 7919L + 4231L) % space;
        char[] letters = new char[length];
        for (int i = length - 1; i >= 0; i--) {
            letters[i] = (char) ('A' + code % 26);
            code /= 26;
        }
        return new String(letters);
    }

    List<String> symbols() {
        return symbols;
    }

    @Override
    synchronized List<ItemChange> begin(List<ItemState> current) {
        Map<String, ItemState> known = new HashMap<>();
        for (ItemState state : current) {
            known.put(state.item(), state);
        }
        List<ItemChange> changes = new ArrayList<>(symbols.size());
        long now = micros.getAsLong();
        for (int i = 0; i < symbols.size(); i++) {
            String symbol = symbols.get(i);
            Quote quote = new Quote();
            ItemState state = known.get(symbol);
            double last = number(state, "last");
            if (last > 0) {
                quote.last = last;
                double change = number(state, "change");
                quote.open = round(Double.isNaN(change) ? last : last / (1 + change / 100), 2);
                quote.high = Math.max(last, orElse(number(state, "high"), last));
                quote.low = Math.min(last, orElse(number(state, "low"), last));
                quote.volume = (long) Math.max(0, orElse(number(state, "volume"), 0));
            } else {
                SplittableRandom seeded = new SplittableRandom(symbol.hashCode());
                quote.open = round(10 + seeded.nextDouble() * 490, 2);
                quote.last = quote.open;
                quote.high = quote.open;
                quote.low = quote.open;
                quote.volume = 0;
            }
            quote.open = Math.max(quote.open, 0.01);
            quotes.put(symbol, quote);
            changes.add(new ItemChange(symbol, fields(quote, true, true), now));
        }
        cursor = 0;
        return changes;
    }

    private static double number(ItemState state, String field) {
        if (state != null && state.fields().get(field) instanceof FieldValue.Num num) {
            return num.value();
        }
        return Double.NaN;
    }

    private static double orElse(double value, double otherwise) {
        return Double.isNaN(value) ? otherwise : value;
    }

    @Override
    synchronized List<ItemChange> next(int count) {
        List<ItemChange> changes = new ArrayList<>(count);
        long now = micros.getAsLong();
        for (int n = 0; n < count && !symbols.isEmpty(); n++) {
            String symbol = symbols.get(cursor);
            cursor = (cursor + 1) % symbols.size();
            Quote quote = quotes.get(symbol);
            // a random walk of about 0.1% a step, never below a cent
            double step = quote.last * random.nextGaussian() * 0.001;
            double last = Math.max(0.01, round(quote.last + step, 2));
            if (last == quote.last) {
                last = Math.max(0.01, round(quote.last + (random.nextBoolean() ? 0.01 : -0.01), 2));
            }
            quote.last = last;
            boolean high = last > quote.high;
            boolean low = last < quote.low;
            quote.high = Math.max(quote.high, last);
            quote.low = Math.min(quote.low, last);
            quote.volume += 100L * (1 + random.nextInt(50));
            changes.add(new ItemChange(symbol, fields(quote, high, low), now));
        }
        return changes;
    }

    private static Map<String, FieldValue> fields(Quote quote, boolean high, boolean low) {
        double spread = Math.max(0.01, round(quote.last * 0.0005, 2));
        Map<String, FieldValue> fields = new LinkedHashMap<>();
        fields.put("last", FieldValue.of(quote.last));
        fields.put("bid", FieldValue.of(Math.max(0.0, round(quote.last - spread, 2))));
        fields.put("ask", FieldValue.of(round(quote.last + spread, 2)));
        fields.put("change", FieldValue.of(round((quote.last - quote.open) / quote.open * 100, 2)));
        fields.put("volume", FieldValue.of(quote.volume));
        if (high) {
            fields.put("high", FieldValue.of(quote.high));
        }
        if (low) {
            fields.put("low", FieldValue.of(quote.low));
        }
        return fields;
    }
}
