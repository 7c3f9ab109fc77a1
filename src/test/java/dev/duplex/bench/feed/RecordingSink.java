package dev.duplex.bench.feed;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link FeedSink} that writes down every call, for the decoder tests. */
final class RecordingSink implements FeedSink {

    record Value(int subscription, String item, long seq, long ts, long conflated, Map<String, Object> fields,
            boolean snapshot) {
    }

    final List<String> events = new ArrayList<>();
    final List<Value> values = new ArrayList<>();

    @Override
    public void hello(String protocol) {
        events.add("hello " + protocol);
    }

    @Override
    public void value(int subscription, String item, long seq, long tsMicros, long conflated, Fields fields,
            boolean snapshot) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < fields.count(); i++) {
            map.put(fields.name(i), fields.value(i));
        }
        values.add(new Value(subscription, item, seq, tsMicros, conflated, map, snapshot));
        events.add((snapshot ? "snapshot-value " : "update ") + item);
    }

    @Override
    public void snapshotEnd(int subscription) {
        events.add("snapshot-end " + subscription);
    }

    @Override
    public void error(String code, int subscription) {
        events.add("error " + code + " " + subscription);
    }

    @Override
    public void other(String type) {
        events.add("other " + type);
    }

    @Override
    public void unreadable(String why) {
        events.add("unreadable " + why);
    }
}
