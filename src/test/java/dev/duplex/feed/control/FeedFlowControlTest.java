package dev.duplex.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.feed.entity.FeedCommand;
import dev.duplex.feed.entity.FeedError;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.Update;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Acknowledged flow control (docs/FEED.md, "Flow control"), without a server: the sink's writes
 * complete at once, as they do while the kernel's and the engine's buffers take everything, so only
 * the acknowledgements can tell the subscriber how far behind its reader is.
 */
class FeedFlowControlTest {

    private static final int WINDOW = 4096;
    private static final int ITEMS = 200;

    private final ManualTime time = new ManualTime();
    private final FeedLimits limits = new FeedLimits(4096, 4, 1000, 100, 30, 10, 1000, 256, WINDOW, 0);
    private final FeedHub hub = new FeedHub(limits, time, time, time);
    private long micros = 1_796_112_000_000_000L;
    private int tick;

    /** One market tick: every item's {@code last} changes. */
    private void tick() {
        List<ItemChange> changes = new ArrayList<>(ITEMS);
        tick++;
        for (int i = 0; i < ITEMS; i++) {
            changes.add(new ItemChange("S" + i, Map.of("last", FieldValue.of(100 + tick + i / 1000.0), "volume",
                    FieldValue.of(tick * 10 + i)), micros++));
        }
        hub.apply("stocks", changes);
        time.run();
    }

    private FeedSubscriber subscriber(FakeSink sink, boolean acknowledging) {
        tick();
        FeedSubscriber subscriber = hub.connect(sink, "test");
        time.run();
        if (acknowledging) {
            hub.handle(subscriber, new FeedCommand.Ack(1));
        }
        hub.handle(subscriber, new FeedCommand.Subscribe(1, "stocks", List.of(), 0));
        time.run();
        if (acknowledging) {
            // the snapshot (every item, larger than the window: it goes out whole) is read
            hub.handle(subscriber, new FeedCommand.Ack(sink.sent.size()));
            time.run();
        }
        return subscriber;
    }

    /** Checks that every update's seq follows its item's previous one by its conflated count + 1. */
    private static void nothingLost(FakeSink sink) {
        Map<String, Long> seqs = new HashMap<>();
        for (var item : sink.sent(FeedMessage.Snapshot.class).get(0).items()) {
            seqs.put(item.item(), item.seq());
        }
        for (Update update : sink.updates()) {
            long before = seqs.get(update.item());
            assertEquals(before + 1 + update.conflated(), update.seq(), update.item() + ": a seq jump its conflated count does not explain");
            seqs.put(update.item(), update.seq());
        }
    }

    @Test
    void aClientThatNeverAcknowledgesKeepsTheWriteCompletionPacing() {
        FakeSink sink = new FakeSink(true);
        FeedSubscriber subscriber = subscriber(sink, false);
        for (int i = 0; i < 50; i++) {
            tick();
        }
        assertFalse(subscriber.acknowledging());
        assertEquals(50 * ITEMS, sink.updates().size(), "every change goes out unmerged while writes complete");
        assertTrue(sink.updates().stream().allMatch(u -> u.conflated() == 0));
    }

    @Test
    void withoutAcknowledgementsAtMostTheWindowGoesOutAndTheRestIsConflated() {
        FakeSink sink = new FakeSink(true);
        FeedSubscriber subscriber = subscriber(sink, true);
        long sentAfterSnapshot = sink.bytes;
        for (int i = 0; i < 50; i++) {
            tick();
        }
        assertTrue(subscriber.acknowledging());
        long updateBytes = sink.bytes - sentAfterSnapshot;
        assertTrue(updateBytes > 0, "something is sent while the window has room");
        assertTrue(updateBytes <= WINDOW, "at most a window of updates unacknowledged: " + updateBytes);
        int messages = sink.sent.size();

        // the reader catches up: it gets each item's latest value, the merged changes counted
        hub.handle(subscriber, new FeedCommand.Ack(messages));
        time.run();
        assertTrue(sink.sent.size() > messages, "an acknowledgement opens the window again");
        for (int round = 0; round < 100 && sink.sent.size() > messages; round++) {
            messages = sink.sent.size();
            hub.handle(subscriber, new FeedCommand.Ack(messages));
            time.run();
        }
        assertEquals(0, subscriber.unacknowledgedBytes());
        Map<String, Update> latest = new HashMap<>();
        for (Update update : sink.updates()) {
            latest.put(update.item(), update);
        }
        assertEquals(ITEMS, latest.size());
        for (Map.Entry<String, Update> item : latest.entrySet()) {
            assertEquals(FieldValue.of(100 + tick + Integer.parseInt(item.getKey().substring(1)) / 1000.0),
                    item.getValue().fields().get("last"), item.getKey() + " ends with its latest value");
        }
        assertTrue(sink.updates().stream().mapToLong(Update::conflated).sum() > 0, "changes beyond the window were merged");
        assertTrue(sink.updates().size() < 50 * ITEMS);
        nothingLost(sink);
        assertFalse(subscriber.isClosed());
    }

    @Test
    void aReaderThatAcknowledgesAsItGoesStaysWithinTheWindowAndIsNeverClosed() {
        FakeSink sink = new FakeSink(true);
        FeedSubscriber subscriber = subscriber(sink, true);
        long maxUnacknowledged = 0;
        for (int i = 0; i < 200; i++) {
            tick();
            maxUnacknowledged = Math.max(maxUnacknowledged, subscriber.unacknowledgedBytes());
            // a slow reader: it acknowledges every other tick, a second apart
            if (i % 2 == 1) {
                hub.handle(subscriber, new FeedCommand.Ack(sink.sent.size()));
                time.run();
            }
            time.advance(TimeUnit.MILLISECONDS.toNanos(500));
            hub.sweep();
        }
        assertTrue(maxUnacknowledged <= WINDOW, "unacknowledged bytes stay within the window: " + maxUnacknowledged);
        assertFalse(subscriber.isClosed());
        assertEquals(0, sink.closeCode);
        nothingLost(sink);
    }

    @Test
    void aReaderWhoseAcknowledgementsStopIsClosedAsASlowConsumerAfterTheKeepalive() {
        FakeSink sink = new FakeSink(true);
        FeedSubscriber subscriber = subscriber(sink, true);
        FakeSink silentButIdle = new FakeSink(true);
        FeedSubscriber idle = hub.connect(silentButIdle, "test");
        time.run();
        hub.handle(idle, new FeedCommand.Ack(1));
        for (int i = 0; i < 29; i++) {
            tick();
            time.advance(TimeUnit.SECONDS.toNanos(1));
            hub.sweep();
        }
        assertEquals(0, sink.closeCode, "29 s without an acknowledgement");
        tick();
        time.advance(TimeUnit.SECONDS.toNanos(1));
        hub.sweep();
        assertEquals(1008, sink.closeCode);
        assertEquals("Slow consumer", sink.closeReason);
        assertTrue(subscriber.isClosed());
        assertFalse(idle.isClosed(), "a session with nothing unacknowledged owes no acknowledgement");
    }

    @Test
    void anAcknowledgementBackwardsOrBeyondWhatWasSentIsABadCommandAndChangesNothing() {
        FakeSink sink = new FakeSink(true);
        FeedSubscriber subscriber = subscriber(sink, true);
        int sent = sink.sent.size();
        hub.handle(subscriber, new FeedCommand.Ack(sent + 1));
        time.run();
        hub.handle(subscriber, new FeedCommand.Ack(sent));
        time.run();
        hub.handle(subscriber, new FeedCommand.Ack(1));
        time.run();
        List<FeedMessage.Error> errors = sink.sent(FeedMessage.Error.class);
        assertEquals(2, errors.size());
        assertTrue(errors.stream().allMatch(e -> e.code() == FeedError.BAD_COMMAND && e.subscription() == 0));
        assertFalse(subscriber.isClosed());
        tick();
        assertFalse(sink.updates().isEmpty(), "the session goes on");
    }
}
