package dev.duplex.platform;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one endpoint: sessions, messages and bytes each way, close codes, errors. */
public final class EndpointStats {

    private final String endpoint;
    private final LongAdder open = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final Map<Integer, LongAdder> closeCodes = new ConcurrentHashMap<>();

    EndpointStats(String endpoint) {
        this.endpoint = endpoint;
    }

    void opened() {
        open.increment();
        opened.increment();
    }

    void received(long bytes) {
        messagesIn.increment();
        bytesIn.add(bytes);
    }

    void sent(int messages, long bytes) {
        messagesOut.add(messages);
        bytesOut.add(bytes);
    }

    void closed(int code) {
        open.decrement();
        closeCodes.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    void failed() {
        errors.increment();
    }

    void refused() {
        refused.increment();
    }

    public String endpoint() {
        return endpoint;
    }

    public long openSessions() {
        return open.sum();
    }

    public long openedSessions() {
        return opened.sum();
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long errors() {
        return errors.sum();
    }

    /** Sessions refused at open (too many sessions, shutting down). */
    public long refusedSessions() {
        return refused.sum();
    }

    /** How many sessions closed with each code, by code. */
    public Map<Integer, Long> closeCodes() {
        Map<Integer, Long> codes = new TreeMap<>();
        closeCodes.forEach((code, count) -> codes.put(code, count.sum()));
        return codes;
    }
}
