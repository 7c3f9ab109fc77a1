package dev.duplex.platform;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Per-second samples of the server's totals for the last ten minutes, so that the status page can
 * draw charts of sessions, messages/s and bytes/s as soon as it opens.
 */
@ApplicationScoped
public class StatusHistory {

    /** Totals at one instant (the rates are the differences between samples). */
    public record Sample(long time, long sessions, long messagesIn, long messagesOut, long bytesIn, long bytesOut) {
    }

    static final int KEEP = 600;

    private final ArrayDeque<Sample> samples = new ArrayDeque<>(KEEP + 1);

    /** Adds a sample of the current totals. */
    public void sample(long timeMillis, Iterable<EndpointStats> endpoints) {
        long sessions = 0;
        long messagesIn = 0;
        long messagesOut = 0;
        long bytesIn = 0;
        long bytesOut = 0;
        for (EndpointStats stats : endpoints) {
            sessions += stats.openSessions();
            messagesIn += stats.messagesIn();
            messagesOut += stats.messagesOut();
            bytesIn += stats.bytesIn();
            bytesOut += stats.bytesOut();
        }
        Sample sample = new Sample(timeMillis, sessions, messagesIn, messagesOut, bytesIn, bytesOut);
        synchronized (samples) {
            samples.addLast(sample);
            while (samples.size() > KEEP) {
                samples.removeFirst();
            }
        }
    }

    /** The samples, oldest first. */
    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }
}
