package dev.duplex.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.feed.entity.FeedCommand;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.ItemState;
import dev.duplex.feed.entity.Update;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FeedHubTest {

    private final ManualTime time = new ManualTime();
    private final FeedLimits limits = new FeedLimits(4096, 3, 5, 100, 30, 4, 50, 256);
    private final FeedHub hub = new FeedHub(limits, time, time, time);
    private long micros = 1_796_112_000_000_000L;

    private void publish(String topic, String item, Object... fieldsAndValues) {
        hub.apply(topic, List.of(change(item, fieldsAndValues)));
    }

    private ItemChange change(String item, Object... fieldsAndValues) {
        Map<String, FieldValue> fields = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            Object value = fieldsAndValues[i + 1];
            fields.put((String) fieldsAndValues[i], value instanceof String text ? FieldValue.of(text)
                    : FieldValue.of(((Number) value).doubleValue()));
        }
        return new ItemChange(item, fields, micros++);
    }

    private FeedSubscriber subscribe(FakeSink sink, int id, String topic, List<String> items, double frequency) {
        FeedSubscriber subscriber = hub.connect(sink, "test");
        hub.handle(subscriber, new FeedCommand.Subscribe(id, topic, items, frequency));
        time.run();
        return subscriber;
    }

    @Test
    void helloThenSnapshotThenUpdatesInSeqOrder() {
        publish("stocks", "ACME", "last", 10, "bid", 9.9);
        publish("stocks", "BOLT", "last", 20);
        publish("stocks", "ACME", "last", 11);
        FakeSink sink = new FakeSink(true);
        subscribe(sink, 1, "stocks", List.of(), 0);

        FeedMessage.Hello hello = assertInstanceOf(FeedMessage.Hello.class, sink.sent.get(0));
        assertEquals(List.of("stocks"), hello.topics());
        FeedMessage.Snapshot snapshot = assertInstanceOf(FeedMessage.Snapshot.class, sink.sent.get(1));
        assertEquals(1, snapshot.subscription());
        assertEquals(List.of(new ItemState("ACME", 2, micros - 1, Map.of("last", FieldValue.of(11), "bid", FieldValue.of(9.9))),
                new ItemState("BOLT", 1, micros - 2, Map.of("last", FieldValue.of(20)))), snapshot.items());

        for (int i = 0; i < 5; i++) {
            publish("stocks", "ACME", "last", 12 + i);
            time.run();
        }
        List<Update> updates = sink.updates();
        assertEquals(5, updates.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(3 + i, updates.get(i).seq());
            assertEquals(0, updates.get(i).conflated());
            assertEquals(Map.of("last", FieldValue.of(12 + i)), updates.get(i).fields());
        }
        assertEquals(5, hub.updatesOut());
        assertEquals(8, hub.updatesIn());
    }

    @Test
    void changesBetweenSubscribeAndSnapshotAreInTheSnapshotNotBeforeIt() {
        publish("stocks", "ACME", "last", 10);
        FakeSink sink = new FakeSink(true);
        FeedSubscriber subscriber = hub.connect(sink, "test");
        hub.handle(subscriber, new FeedCommand.Subscribe(1, "stocks", List.of("ACME"), 0));
        // published after the subscribe but before the flush took the snapshot
        publish("stocks", "ACME", "last", 11);
        time.run();
        publish("stocks", "ACME", "last", 12);
        time.run();

        assertEquals(List.of(FeedMessage.Hello.class, FeedMessage.Snapshot.class, FeedMessage.Updates.class),
                sink.sent.stream().map(Object::getClass).toList());
        FeedMessage.Snapshot snapshot = (FeedMessage.Snapshot) sink.sent.get(1);
        assertEquals(2, snapshot.items().get(0).seq());
        assertEquals(FieldValue.of(11), snapshot.items().get(0).fields().get("last"));
        assertEquals(List.of(3L), sink.updates().stream().map(Update::seq).toList());
    }

    @Test
    void aStalledSubscriberEndsWithTheLatestValueOfEachItemAndTheCountOfMergedChanges() {
        publish("stocks", "ACME", "last", 10, "volume", 0);
        publish("stocks", "BOLT", "last", 20, "volume", 0);
        FakeSink slow = new FakeSink(false);
        FakeSink fast = new FakeSink(true);
        subscribe(slow, 1, "stocks", List.of(), 0);
        slow.complete();
        time.run();
        subscribe(fast, 7, "stocks", List.of(), 0);

        publish("stocks", "ACME", "last", 11);
        time.run();
        assertTrue(slow.writing(), "the first update is in flight and never completes yet");
        for (int i = 0; i < 1000; i++) {
            publish("stocks", i % 2 == 0 ? "ACME" : "BOLT", "last", 100 + i);
            if (i % 10 == 0) {
                publish("stocks", "BOLT", "volume", i);
            }
            time.run();
        }
        // the fast one got every change on its own
        assertEquals(1 + 1000 + 100, fast.updates().size());
        assertTrue(fast.updates().stream().allMatch(u -> u.conflated() == 0));

        slow.clear();
        slow.complete();
        time.run();
        List<Update> merged = slow.updates();
        assertEquals(2, merged.size());
        Update acme = merged.stream().filter(u -> u.item().equals("ACME")).findFirst().orElseThrow();
        Update bolt = merged.stream().filter(u -> u.item().equals("BOLT")).findFirst().orElseThrow();
        assertEquals(Map.of("last", FieldValue.of(1098)), acme.fields());
        assertEquals(500 - 1, acme.conflated());
        assertEquals(2 + 500, acme.seq());
        assertEquals(Map.of("last", FieldValue.of(1099), "volume", FieldValue.of(990)), bolt.fields());
        assertEquals(500 + 100 - 1, bolt.conflated());
        assertEquals(1 + 500 + 100, bolt.seq());
        assertEquals(499 + 599, hub.conflated());
    }

    @Test
    void anUnmergedUpdateSharesTheChangesFieldsAndAMergedOneHasItsOwn() {
        publish("stocks", "ACME", "last", 10, "bid", 9);
        FakeSink a = new FakeSink(true);
        FakeSink b = new FakeSink("feed.bin", true);
        FakeSink slow = new FakeSink(false);
        subscribe(a, 1, "stocks", List.of("ACME"), 0);
        subscribe(b, 2, "stocks", List.of(), 0);
        subscribe(slow, 3, "stocks", List.of("ACME"), 0); // its hello and snapshot stay in flight
        ItemChange first = change("ACME", "last", 11, "bid", 10);
        hub.apply("stocks", List.of(first));
        time.run();
        hub.apply("stocks", List.of(change("ACME", "last", 12)));
        time.run();

        // delivered on its own: the change's one immutable map, not a copy per subscriber
        Update toA = a.updates().get(0);
        assertSame(first.fields(), toA.fields());
        assertSame(first.fields(), b.updates().get(0).fields());
        assertEquals(0, toA.conflated());

        slow.complete();
        time.run();
        Update merged = slow.updates().get(0);
        assertEquals(1, merged.conflated());
        assertEquals(3, merged.seq());
        assertNotSame(first.fields(), merged.fields());
        assertEquals(List.of("last", "bid"), List.copyOf(merged.fields().keySet()), "the first change's order");
        assertEquals(Map.of("last", FieldValue.of(12), "bid", FieldValue.of(10)), merged.fields());
        // merging did not write into the shared map others were sent
        assertEquals(Map.of("last", FieldValue.of(11), "bid", FieldValue.of(10)), toA.fields());
        assertEquals(Map.of("last", FieldValue.of(11), "bid", FieldValue.of(10)), first.fields());
        assertThrows(UnsupportedOperationException.class, () -> merged.fields().put("x", FieldValue.of(1)));

        // after a merged delivery the next unmerged one shares its change's map again
        ItemChange third = change("ACME", "bid", 11);
        hub.apply("stocks", List.of(third));
        time.run();
        slow.complete();
        time.run();
        assertSame(third.fields(), slow.updates().get(1).fields());
        assertEquals(0, slow.updates().get(1).conflated());
    }

    @Test
    void memoryOfAStalledSubscriberIsItsItemsNotTheRate() {
        publish("stocks", "ACME", "last", 10);
        FakeSink slow = new FakeSink(false);
        FeedSubscriber subscriber = subscribe(slow, 1, "stocks", List.of(), 0);
        for (int i = 0; i < 20_000; i++) {
            publish("stocks", "ACME", "last", i);
            time.run();
        }
        assertEquals(1, slow.groups, "nothing more is handed to a session whose write has not completed");
        assertEquals(0, time.tasksQueued());
        assertTrue(subscriber.sending());
    }

    @Test
    void maxFrequencyHoldsChangesBackUntilTheirTimeComes() {
        publish("stocks", "ACME", "last", 10);
        FakeSink sink = new FakeSink(true);
        subscribe(sink, 1, "stocks", List.of("ACME"), 10);
        sink.clear();

        publish("stocks", "ACME", "last", 11);
        time.run();
        assertEquals(List.of(2L), sink.updates().stream().map(Update::seq).toList());

        time.advance(TimeUnit.MILLISECONDS.toNanos(10));
        publish("stocks", "ACME", "last", 12);
        time.run();
        time.advance(TimeUnit.MILLISECONDS.toNanos(40));
        publish("stocks", "ACME", "bid", 11.5);
        time.run();
        assertEquals(1, sink.updates().size(), "held back: less than 100 ms since the last one");

        time.advance(TimeUnit.MILLISECONDS.toNanos(49));
        assertEquals(1, sink.updates().size());
        time.advance(TimeUnit.MILLISECONDS.toNanos(1));
        assertEquals(2, sink.updates().size(), "sent when 1/f has passed, by the timer");
        Update second = sink.updates().get(1);
        assertEquals(4, second.seq());
        assertEquals(1, second.conflated());
        assertEquals(Map.of("last", FieldValue.of(12), "bid", FieldValue.of(11.5)), second.fields());

        // a change long after the last send goes at once
        time.advance(TimeUnit.SECONDS.toNanos(1));
        publish("stocks", "ACME", "last", 13);
        time.run();
        assertEquals(3, sink.updates().size());
    }

    @Test
    void unsubscribeDropsWhatIsPendingAndNothingFollowsTheAnswer() {
        publish("stocks", "ACME", "last", 10);
        FakeSink sink = new FakeSink(false);
        FeedSubscriber subscriber = subscribe(sink, 1, "stocks", List.of(), 0);
        sink.complete();
        publish("stocks", "ACME", "last", 11);
        time.run();
        publish("stocks", "ACME", "last", 12);
        publish("stocks", "ACME", "last", 13);
        hub.handle(subscriber, new FeedCommand.Unsubscribe(1));
        publish("stocks", "ACME", "last", 14);
        sink.complete();
        time.run();

        List<FeedMessage> sent = sink.sent;
        assertInstanceOf(FeedMessage.Unsubscribed.class, sent.get(sent.size() - 1));
        assertEquals(List.of(2L), sink.updates().stream().map(Update::seq).toList());
        assertEquals(2, hub.conflated(), "the two changes pending at the unsubscribe");
        assertEquals(0, hub.subscriptions());
        assertEquals(0, hub.topicFigures().get(0).subscriptions());
    }

    @Test
    void everyBadCommandGetsItsErrorAndTheSessionGoesOn() {
        publish("stocks", "ACME", "last", 10);
        FakeSink sink = new FakeSink(true);
        FeedSubscriber subscriber = hub.connect(sink, "test");
        hub.handle(subscriber, new FeedCommand.Subscribe(1, "nope", List.of(), 0));
        hub.handle(subscriber, new FeedCommand.Subscribe(2, "stocks", List.of("ACME", "NOPE"), 0));
        hub.handle(subscriber, new FeedCommand.Subscribe(3, "stocks", List.of(), 101));
        hub.handle(subscriber, new FeedCommand.Subscribe(4, "stocks", List.of(), -1));
        hub.handle(subscriber, new FeedCommand.Subscribe(5, "stocks", List.of("A", "B", "C", "D", "E", "F"), 0));
        hub.handle(subscriber, new FeedCommand.Unsubscribe(6));
        hub.handle(subscriber, new FeedCommand.Subscribe(7, "stocks", List.of(), 0));
        hub.handle(subscriber, new FeedCommand.Subscribe(7, "stocks", List.of(), 0));
        hub.handle(subscriber, new FeedCommand.Subscribe(8, "stocks", List.of(), 0));
        hub.handle(subscriber, new FeedCommand.Subscribe(9, "stocks", List.of(), 0));
        hub.handle(subscriber, new FeedCommand.Subscribe(10, "stocks", List.of(), 0));
        time.run();

        List<String> errors = new ArrayList<>();
        for (FeedMessage.Error error : sink.sent(FeedMessage.Error.class)) {
            errors.add(error.code().code() + ":" + error.subscription());
        }
        assertEquals(List.of("unknown-topic:1", "unknown-item:2", "bad-frequency:3", "bad-frequency:4", "too-many-items:5",
                "unknown-subscription:6", "duplicate-id:7", "too-many-subscriptions:10"), errors);
        assertEquals(List.of(7, 8, 9), sink.sent(FeedMessage.Snapshot.class).stream().map(FeedMessage.Snapshot::subscription).toList());
        publish("stocks", "ACME", "last", 11);
        time.run();
        assertEquals(3, sink.updates().size());
        assertFalse(subscriber.isClosed());
    }

    @Test
    void topicsListsNamesItemCountsAndFields() {
        publish("stocks", "ACME", "last", 10, "bid", 9);
        publish("weather", "berlin", "conditions", "rain");
        FakeSink sink = new FakeSink(true);
        FeedSubscriber subscriber = hub.connect(sink, "test");
        hub.handle(subscriber, new FeedCommand.ListTopics());
        time.run();
        assertEquals(List.of(new FeedMessage.TopicInfo("stocks", 1, List.of("last", "bid")),
                new FeedMessage.TopicInfo("weather", 1, List.of("conditions"))),
                sink.sent(FeedMessage.Topics.class).get(0).topics());
    }

    @Test
    void captureAndRestoreCarryEveryItemWithItsSeq() {
        publish("stocks", "ACME", "last", 10, "bid", 9);
        publish("stocks", "ACME", "last", 11);
        publish("weather", "berlin", "temperature", 7.5);
        Map<String, List<ItemState>> captured = hub.capture();

        FeedHub other = new FeedHub(limits, time, time, time);
        other.restore(captured);
        assertEquals(captured, other.capture());
        other.apply("stocks", List.of(change("ACME", "last", 12)));
        assertEquals(3, other.items("stocks").get(0).seq());
        assertEquals(Map.of("last", FieldValue.of(12), "bid", FieldValue.of(9)), other.items("stocks").get(0).fields());
    }

    @Test
    void publicationsBeyondTheLimitsAreRefusedWithAReason() {
        for (int i = 0; i < 4; i++) {
            publish("topic" + i, "x", "v", 1);
        }
        IllegalArgumentException topics = assertThrows(IllegalArgumentException.class,
                () -> hub.check("topic9", List.of(change("x", "v", 1))));
        assertTrue(topics.getMessage().contains("at most 4"), topics.getMessage());
        hub.check("topic0", List.of(change("y", "v", 1)));

        List<ItemChange> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(change("item" + i, "v", i));
        }
        IllegalArgumentException items = assertThrows(IllegalArgumentException.class, () -> hub.check("topic0", many));
        assertTrue(items.getMessage().contains("at most 50"), items.getMessage());
        assertThrows(IllegalArgumentException.class, () -> hub.check("bad topic", List.of(change("x", "v", 1))));
        assertThrows(IllegalArgumentException.class, () -> hub.check("topic0", List.of(change("x", "bad field", 1))));
        assertThrows(IllegalArgumentException.class, () -> hub.check("topic0", List.of(change("x", "v", "é".repeat(129)))));
        assertThrows(IllegalArgumentException.class, () -> hub.check("topic0", List.of(change("a\u0000b", "v", 1))));

        // and the hub itself never grows past them, whatever reaches it
        hub.apply("topic9", List.of(change("x", "v", 1)));
        assertFalse(hub.hasTopic("topic9"));
        hub.apply("topic0", many);
        assertEquals(50, hub.items("topic0").size());
    }

    @Test
    void aSessionWhoseWriteHangsPastTheKeepaliveIsClosedAsASlowConsumer() {
        publish("stocks", "ACME", "last", 10);
        FakeSink stuck = new FakeSink(false);
        FakeSink fine = new FakeSink(true);
        FeedSubscriber stalled = subscribe(stuck, 1, "stocks", List.of(), 0);
        FeedSubscriber reading = subscribe(fine, 1, "stocks", List.of(), 0);
        publish("stocks", "ACME", "last", 11);
        time.run();
        time.advance(TimeUnit.SECONDS.toNanos(29));
        hub.sweep();
        assertEquals(0, stuck.closeCode);
        time.advance(TimeUnit.SECONDS.toNanos(1));
        hub.sweep();
        assertEquals(1008, stuck.closeCode);
        assertEquals("Slow consumer", stuck.closeReason);
        assertTrue(stalled.isClosed());
        assertEquals(0, fine.closeCode);
        assertFalse(reading.isClosed());
        assertEquals(1, hub.sessions());
        assertEquals(1, hub.conflated(), "ACME's pending change, never sent");
    }

    @Test
    void aClientThatLetsAnswersPileUpIsClosed() {
        FeedLimits few = new FeedLimits(4096, 3, 5, 100, 30, 4, 50, 4);
        FeedHub small = new FeedHub(few, time, time, time);
        FakeSink sink = new FakeSink(false);
        FeedSubscriber subscriber = small.connect(sink, "test");
        time.run();
        for (int i = 0; i < 5; i++) {
            small.handle(subscriber, new FeedCommand.Unsubscribe(i + 1));
        }
        assertEquals(1008, sink.closeCode);
        assertTrue(subscriber.isClosed());
    }

    @Test
    void subscribingToListedItemsGetsOnlyThose() {
        publish("stocks", "ACME", "last", 10);
        publish("stocks", "BOLT", "last", 20);
        FakeSink sink = new FakeSink(true);
        subscribe(sink, 3, "stocks", List.of("BOLT"), 0);
        publish("stocks", "ACME", "last", 11);
        publish("stocks", "BOLT", "last", 21);
        time.run();
        assertEquals(List.of("BOLT"), sink.sent(FeedMessage.Snapshot.class).get(0).items().stream().map(ItemState::item).toList());
        assertEquals(List.of("BOLT"), sink.updates().stream().map(Update::item).toList());
    }

    @Test
    void anUnmergedChangeIsWrittenOnceForEverySubscriberAndAMergedOneIsNot() {
        publish("stocks", "ACME", "last", 10);
        FakeSink first = new FakeSink(true);
        FakeSink second = new FakeSink(true);
        FakeSink slow = new FakeSink(false);
        subscribe(first, 1, "stocks", List.of(), 0);
        subscribe(second, 2, "stocks", List.of(), 0);
        subscribe(slow, 1, "stocks", List.of(), 0);
        slow.complete();
        time.run();
        publish("stocks", "ACME", "last", 11);
        time.run();
        String tail = first.tails.get(first.updates().get(0));
        assertTrue(tail != null && tail.contains("\"seq\":2") && tail.contains("\"conflated\":0"), tail);
        assertTrue(tail == second.tails.get(second.updates().get(0)), "the same string, written once");
        assertTrue(tail == slow.tails.get(slow.updates().get(0)));

        publish("stocks", "ACME", "last", 12);
        publish("stocks", "ACME", "last", 13);
        slow.complete();
        time.run();
        Update merged = slow.updates().get(1);
        assertEquals(1, merged.conflated());
        assertFalse(slow.tails.containsKey(merged), "a merged update is written for its subscriber alone");

        FakeSink binary = new FakeSink("feed.bin", true);
        subscribe(binary, 1, "stocks", List.of(), 0);
        publish("stocks", "ACME", "last", 14);
        time.run();
        assertTrue(binary.tails.isEmpty(), "no JSON for a feed.bin session");
    }

    @Test
    void aPublisherTopicExpiresWhenIdleAndUnsubscribedAndDeletingEndsItsSubscriptions() {
        FeedLimits expiring = new FeedLimits(4096, 3, 5, 100, 30, 4, 50, 256, 16384, 60);
        FeedHub feed = new FeedHub(expiring, time, time, time);
        feed.keep("stocks");
        feed.apply("stocks", List.of(change("ACME", "last", 1)));
        feed.apply("plant-7", List.of(change("boiler", "t", 80)));
        feed.apply("typo", List.of(change("boiler", "t", 80)));
        FakeSink sink = new FakeSink(true);
        FeedSubscriber subscriber = feed.connect(sink, "test");
        feed.handle(subscriber, new FeedCommand.Subscribe(1, "plant-7", List.of(), 0));
        time.run();

        time.advance(TimeUnit.SECONDS.toNanos(59));
        feed.sweep();
        assertTrue(feed.hasTopic("typo"), "idle for 59 s of 60");
        time.advance(TimeUnit.SECONDS.toNanos(1));
        feed.sweep();
        assertFalse(feed.hasTopic("typo"), "idle and unsubscribed for 60 s: expired");
        assertTrue(feed.hasTopic("plant-7"), "a subscribed topic stays");
        assertTrue(feed.hasTopic("stocks"), "a simulator's topic never expires");

        assertFalse(feed.delete("stocks"));
        assertTrue(feed.delete("plant-7"));
        time.run();
        assertFalse(feed.hasTopic("plant-7"));
        assertEquals(1, sink.sent(FeedMessage.Unsubscribed.class).size(), "its subscription ended with unsubscribed");
        assertEquals(0, subscriber.subscriptionCount());
        feed.apply("plant-7", List.of(change("boiler", "t", 81)));
        time.run();
        assertTrue(sink.updates().isEmpty(), "nothing of a deleted topic reaches its former subscriber");
        assertEquals(1, feed.items("plant-7").get(0).seq(), "a topic made again starts afresh");
        feed.apply("plant-7", List.of());
        assertFalse(feed.hasTopic("plant-7"), "an empty publication from the bus deletes the topic");
    }
}
