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
 * text, sent when it changes).
 */
final class WeatherSimulator extends Simulator {

    static final String ROLE = "weather";
    static final String TOPIC = "weather";

    /** Station ids and a typical temperature. */
    private static final String[][] CITIES = {
        {"berlin", "9"}, {"paris", "12"}, {"london", "11"}, {"madrid", "15"}, {"rome", "16"},
        {"vienna", "10"}, {"warsaw", "8"}, {"prague", "9"}, {"amsterdam", "10"}, {"brussels", "10"},
        {"lisbon", "17"}, {"dublin", "10"}, {"oslo", "6"}, {"stockholm", "7"}, {"helsinki", "5"},
        {"copenhagen", "8"}, {"athens", "18"}, {"budapest", "11"}, {"bucharest", "11"}, {"zurich", "9"},
        {"munich", "8"}, {"hamburg", "9"}, {"milan", "13"}, {"barcelona", "16"}, {"istanbul", "14"},
        {"moscow", "5"}, {"kyiv", "8"}, {"cairo", "22"}, {"lagos", "27"}, {"nairobi", "19"},
        {"johannesburg", "16"}, {"dubai", "28"}, {"mumbai", "27"}, {"delhi", "25"}, {"bangkok", "28"},
        {"singapore", "27"}, {"jakarta", "27"}, {"hongkong", "23"}, {"shanghai", "17"}, {"beijing", "12"},
        {"seoul", "12"}, {"tokyo", "15"}, {"sydney", "18"}, {"melbourne", "15"}, {"auckland", "15"},
        {"honolulu", "25"}, {"vancouver", "10"}, {"seattle", "11"}, {"sanfrancisco", "14"}, {"losangeles", "18"},
        {"denver", "10"}, {"chicago", "10"}, {"toronto", "9"}, {"montreal", "7"}, {"newyork", "13"},
        {"boston", "11"}, {"miami", "25"}, {"mexicocity", "16"}, {"bogota", "14"}, {"lima", "19"},
        {"santiago", "14"}, {"buenosaires", "18"}, {"saopaulo", "20"}, {"reykjavik", "5"}
    };

    static final List<String> CONDITIONS = List.of("clear", "partly cloudy", "cloudy", "fog", "drizzle", "rain",
            "showers", "thunderstorm", "snow", "windy");

    private static final class Reading {
        double temperature;
        double wind;
        double humidity;
        double pressure;
        String conditions;
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
            changes.add(new ItemChange(station, fields(reading, true), now));
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
            changes.add(new ItemChange(station, fields(reading, conditions), now));
        }
        return changes;
    }

    private static Map<String, FieldValue> fields(Reading reading, boolean conditions) {
        Map<String, FieldValue> fields = new LinkedHashMap<>();
        fields.put("temperature", FieldValue.of(reading.temperature));
        fields.put("wind", FieldValue.of(reading.wind));
        fields.put("humidity", FieldValue.of(reading.humidity));
        fields.put("pressure", FieldValue.of(reading.pressure));
        if (conditions) {
            fields.put("conditions", FieldValue.of(reading.conditions));
        }
        return fields;
    }
}
