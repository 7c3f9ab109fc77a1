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
 * The {@code weather} topic: stations in real cities (lower-case ids such as {@code berlin}) whose
 * readings drift at random. Fields: {@code temperature} (°C, 1 decimal), {@code wind} (km/h, 1
 * decimal), {@code humidity} (%, whole), {@code pressure} (hPa, 1 decimal), {@code conditions} (a
 * text, sent when it changes), {@code city} (the station's display name, e.g. {@code New York} for
 * {@code newyork}; a text sent in each station's first change only, so it is in every snapshot).
 */
final class WeatherSimulator extends Simulator {

    static final String ROLE = "weather";
    static final String TOPIC = "weather";

    /** Station ids, a typical temperature and the display name (the {@code city} field). */
    private static final String[][] CITIES = {
        {"berlin", "9", "Berlin"}, {"paris", "12", "Paris"}, {"london", "11", "London"}, {"madrid", "15", "Madrid"},
        {"rome", "16", "Rome"}, {"vienna", "10", "Vienna"}, {"warsaw", "8", "Warsaw"}, {"prague", "9", "Prague"},
        {"amsterdam", "10", "Amsterdam"}, {"brussels", "10", "Brussels"}, {"lisbon", "17", "Lisbon"}, {"dublin", "10", "Dublin"},
        {"oslo", "6", "Oslo"}, {"stockholm", "7", "Stockholm"}, {"helsinki", "5", "Helsinki"}, {"copenhagen", "8", "Copenhagen"},
        {"athens", "18", "Athens"}, {"budapest", "11", "Budapest"}, {"bucharest", "11", "Bucharest"}, {"zurich", "9", "Zürich"},
        {"munich", "8", "Munich"}, {"hamburg", "9", "Hamburg"}, {"milan", "13", "Milan"}, {"barcelona", "16", "Barcelona"},
        {"istanbul", "14", "Istanbul"}, {"moscow", "5", "Moscow"}, {"kyiv", "8", "Kyiv"}, {"cairo", "22", "Cairo"},
        {"lagos", "27", "Lagos"}, {"nairobi", "19", "Nairobi"}, {"johannesburg", "16", "Johannesburg"}, {"dubai", "28", "Dubai"},
        {"mumbai", "27", "Mumbai"}, {"delhi", "25", "Delhi"}, {"bangkok", "28", "Bangkok"}, {"singapore", "27", "Singapore"},
        {"jakarta", "27", "Jakarta"}, {"hongkong", "23", "Hong Kong"}, {"shanghai", "17", "Shanghai"}, {"beijing", "12", "Beijing"},
        {"seoul", "12", "Seoul"}, {"tokyo", "15", "Tokyo"}, {"sydney", "18", "Sydney"}, {"melbourne", "15", "Melbourne"},
        {"auckland", "15", "Auckland"}, {"honolulu", "25", "Honolulu"}, {"vancouver", "10", "Vancouver"}, {"seattle", "11", "Seattle"},
        {"sanfrancisco", "14", "San Francisco"}, {"losangeles", "18", "Los Angeles"}, {"denver", "10", "Denver"}, {"chicago", "10", "Chicago"},
        {"toronto", "9", "Toronto"}, {"montreal", "7", "Montréal"}, {"newyork", "13", "New York"}, {"boston", "11", "Boston"},
        {"miami", "25", "Miami"}, {"mexicocity", "16", "Mexico City"}, {"bogota", "14", "Bogotá"}, {"lima", "19", "Lima"},
        {"santiago", "14", "Santiago"}, {"buenosaires", "18", "Buenos Aires"}, {"saopaulo", "20", "São Paulo"}, {"reykjavik", "5", "Reykjavík"}
    };

    static final List<String> CONDITIONS = List.of("clear", "partly cloudy", "cloudy", "fog", "drizzle", "rain",
            "showers", "thunderstorm", "snow", "windy");

    private static final class Reading {
        double temperature;
        double wind;
        double humidity;
        double pressure;
        String conditions;
        String city;
    }

    private final List<String> stations;
    private final Map<String, Reading> readings = new HashMap<>();
    private final SplittableRandom random;
    private int cursor;

    WeatherSimulator(int stations, double rate, long seed, BiConsumer<String, List<ItemChange>> publisher,
            Function<String, List<ItemState>> current, LongSupplier micros) {
        super(ROLE, TOPIC, rate, publisher, current, micros);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < Math.min(stations, CITIES.length); i++) {
            names.add(CITIES[i][0]);
        }
        this.stations = List.copyOf(names);
        this.random = new SplittableRandom(seed);
    }

    /** How many stations exist at most. */
    static int maxStations() {
        return CITIES.length;
    }

    List<String> stations() {
        return stations;
    }

    @Override
    synchronized List<ItemChange> begin(List<ItemState> current) {
        Map<String, ItemState> known = new HashMap<>();
        for (ItemState state : current) {
            known.put(state.item(), state);
        }
        List<ItemChange> changes = new ArrayList<>();
        long now = micros.getAsLong();
        for (int i = 0; i < stations.size(); i++) {
            String station = stations.get(i);
            SplittableRandom seeded = new SplittableRandom(station.hashCode());
            Reading reading = new Reading();
            reading.temperature = round(Double.parseDouble(CITIES[i][1]) + seeded.nextDouble(-3, 3), 1);
            reading.wind = round(seeded.nextDouble(0, 30), 1);
            reading.humidity = Math.round(seeded.nextDouble(30, 90));
            reading.pressure = round(seeded.nextDouble(995, 1030), 1);
            reading.conditions = CONDITIONS.get(seeded.nextInt(CONDITIONS.size()));
            reading.city = CITIES[i][2];
            ItemState state = known.get(station);
            if (state != null) {
                reading.temperature = number(state, "temperature", reading.temperature);
                reading.wind = number(state, "wind", reading.wind);
                reading.humidity = number(state, "humidity", reading.humidity);
                reading.pressure = number(state, "pressure", reading.pressure);
                if (state.fields().get("conditions") instanceof FieldValue.Text text) {
                    reading.conditions = text.value();
                }
            }
            readings.put(station, reading);
            changes.add(new ItemChange(station, fields(reading, true, true), now));
        }
        cursor = 0;
        return changes;
    }

    private static double number(ItemState state, String field, double otherwise) {
        return state.fields().get(field) instanceof FieldValue.Num num ? num.value() : otherwise;
    }

    @Override
    synchronized List<ItemChange> next(int count) {
        List<ItemChange> changes = new ArrayList<>(count);
        long now = micros.getAsLong();
        for (int n = 0; n < count && !stations.isEmpty(); n++) {
            String station = stations.get(cursor);
            cursor = (cursor + 1) % stations.size();
            Reading reading = readings.get(station);
            reading.temperature = round(Math.max(-60, Math.min(55, reading.temperature + random.nextGaussian() * 0.3)), 1);
            reading.wind = round(Math.max(0, Math.min(200, reading.wind + random.nextGaussian())), 1);
            reading.humidity = Math.max(0, Math.min(100, reading.humidity + Math.round(random.nextGaussian() * 2)));
            reading.pressure = round(Math.max(900, Math.min(1080, reading.pressure + random.nextGaussian() * 0.5)), 1);
            boolean conditions = random.nextInt(20) == 0;
            if (conditions) {
                reading.conditions = CONDITIONS.get(random.nextInt(CONDITIONS.size()));
            }
            changes.add(new ItemChange(station, fields(reading, conditions, false), now));
        }
        return changes;
    }

    private static Map<String, FieldValue> fields(Reading reading, boolean conditions, boolean city) {
        Map<String, FieldValue> fields = new LinkedHashMap<>();
        fields.put("temperature", FieldValue.of(reading.temperature));
        fields.put("wind", FieldValue.of(reading.wind));
        fields.put("humidity", FieldValue.of(reading.humidity));
        fields.put("pressure", FieldValue.of(reading.pressure));
        if (conditions) {
            fields.put("conditions", FieldValue.of(reading.conditions));
        }
        if (city) {
            fields.put("city", FieldValue.of(reading.city));
        }
        return fields;
    }
}
