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

    /**
     * Totals at one instant (the rates are the differences between samples); the feed's totals are
     * 0 when there is no feed.
     */
    public record Sample(long time, long sessions, long messagesIn, long messagesOut, long bytesIn, long bytesOut,
            long feedUpdatesIn, long feedUpdatesOut, long feedConflated) {
    }

    static final int KEEP = 600;

    private final ArrayDeque<Sample> samples = new ArrayDeque<>(KEEP + 1);

    /** Adds a sample of the current totals, without a feed. */
    public void sample(long timeMillis, Iterable<EndpointStats> endpoints) {
        sample(timeMillis, endpoints, null);
    }

    /**
     * Adds a sample of the current totals.
     *
     * @param feed the feed's totals, or {@code null} when there is no feed
     */
    public void sample(long timeMillis, Iterable<EndpointStats> endpoints, FeedReport.Totals feed) {
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
        Sample sample = new Sample(timeMillis, sessions, messagesIn, messagesOut, bytesIn, bytesOut,
                feed == null ? 0 : feed.updatesIn(), feed == null ? 0 : feed.updatesOut(), feed == null ? 0 : feed.conflated());
        synchronized (samples) {
            samples.addLast(sample);
            while (samples.size() > KEEP) {
                samples.removeFirst();
            }
        }
    }

    /**
     * The feed's updates in, out and conflated per second between the last two samples (about a
     * second apart), or {@link FeedReport.Rates#NONE} before there are two.
     */
    public FeedReport.Rates feedRates() {
        Sample before;
        Sample last;
        synchronized (samples) {
            if (samples.size() < 2) {
                return FeedReport.Rates.NONE;
            }
            var newest = samples.descendingIterator();
            last = newest.next();
            before = newest.next();
        }
        return feedRates(before, last);
    }

    /** The feed's rates between two samples; never negative (a restarted count reads as 0). */
    static FeedReport.Rates feedRates(Sample before, Sample last) {
        long millis = last.time() - before.time();
        if (millis <= 0) {
            return FeedReport.Rates.NONE;
        }
        return new FeedReport.Rates(perSecond(before.feedUpdatesIn(), last.feedUpdatesIn(), millis),
                perSecond(before.feedUpdatesOut(), last.feedUpdatesOut(), millis),
                perSecond(before.feedConflated(), last.feedConflated(), millis));
    }

    private static double perSecond(long before, long last, long millis) {
        return Math.max(0, last - before) * 1000.0 / millis;
    }

    /** The samples, oldest first. */
    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }
}
