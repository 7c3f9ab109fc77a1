package dev.duplex.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a scenario reports: a one-line description, named values (in order; they become the JSON
 * line), the latency histogram in microseconds (or null) and free-text notes for the table.
 */
public final class Result {

    private final String title;
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private Histogram latency;
    private String latencyName = "Latency";

    public Result(String title) {
        this.title = title;
    }

    public Result put(String name, Object value) {
        fields.put(name, value);
        return this;
    }

    public Result note(String line) {
        notes.add(line);
        return this;
    }

    public Result latency(String name, Histogram histogram) {
        latencyName = name;
        latency = histogram;
        return this;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> fields() {
        return fields;
    }

    public Object get(String name) {
        return fields.get(name);
    }

    public List<String> notes() {
        return notes;
    }

    public Histogram latency() {
        return latency;
    }

    public String latencyName() {
        return latencyName;
    }
}
