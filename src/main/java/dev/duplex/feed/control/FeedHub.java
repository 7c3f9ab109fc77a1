package dev.duplex.feed.control;

import dev.duplex.feed.entity.FeedCommand;
import dev.duplex.feed.entity.FeedError;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.FeedNames;
import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.ItemState;
import dev.duplex.feed.entity.JsonFeedCodec;
import dev.duplex.platform.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The feed on one instance: topics of items (each item's fields, seq and publication time), the
 * sessions and their subscriptions, and the fan-out of every applied change to the subscriptions
 * that follow its item. The {@link FeedBus} feeds it through {@link FeedState}; sessions talk to it
 * through {@link #connect}, {@link #handle} and {@link FeedSubscriber#disconnect}.
 *
 * <p>Ordering: changes of a topic are applied under the topic's monitor, and each is merged into
 * every following subscriber's pending state there, in seq order. A subscription's snapshot is
 * taken under the same monitor, and it receives no change before it: updates never precede the
 * snapshot and always come in seq order.
 */
public final class FeedHub implements FeedState {

    private static final System.Logger LOG = System.getLogger(FeedHub.class.getName());

    /** The most fields one change carries (the publish API's limit too). */
    static final int MAX_FIELDS_PER_CHANGE = 32;

    private final FeedLimits limits;
    private final Executor sender;
    private final Scheduler scheduler;
    private final LongSupplier nanoClock;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Set<FeedSubscriber> subscribers = ConcurrentHashMap.newKeySet();
    /** Topics that never expire and cannot be deleted: the simulators'. */
    private final Set<String> permanent = ConcurrentHashMap.newKeySet();
    private final LongAdder updatesIn = new LongAdder();
    private final LongAdder updatesOut = new LongAdder();
    private final LongAdder conflated = new LongAdder();
    private final RateLimitedLog refusedLog = new RateLimitedLog(LOG, Level.WARNING);

    /**
     * @param sender    where subscribers' flushes run (encoding and writing)
     * @param scheduler the max-frequency timers
     * @param nanoClock {@link System#nanoTime} or a test's clock
     */
    public FeedHub(FeedLimits limits, Executor sender, Scheduler scheduler, LongSupplier nanoClock) {
        this.limits = limits;
        this.sender = sender;
        this.scheduler = scheduler;
        this.nanoClock = nanoClock;
    }

    public FeedLimits limits() {
        return limits;
    }

    // ---- the bus' side ----

    @Override
    public void apply(String topicName, List<ItemChange> changes) {
        if (changes.isEmpty()) {
            delete(topicName);
            return;
        }
        Topic topic = topic(topicName, true);
        if (topic == null) {
            refusedLog.log("topics", "changes to a new topic " + topicName + " dropped: " + limits.maxTopics() + " topics exist");
            return;
        }
        // subscribers that were idle and got something due: woken once the topic's monitor is left
        List<FeedSubscriber> toWake = new ArrayList<>();
        topic.activeAt = nanoClock.getAsLong();
        synchronized (topic) {
            for (ItemChange change : changes) {
                Topic.Item item = topic.items.get(change.item());
                if (item == null) {
                    if (topic.items.size() >= limits.maxItemsPerTopic()) {
                        refusedLog.log("items", "a new item of " + topicName + " dropped: it holds " + limits.maxItemsPerTopic());
                        continue;
                    }
                    item = new Topic.Item(change.item());
                    topic.items.put(item.name, item);
                    topic.itemCount = topic.items.size();
                }
                item.fields.putAll(change.fields());
                item.seq++;
                item.publishedMicros = change.publishedMicros();
                if (!topic.fields.containsAll(change.fields().keySet())) {
                    topic.fields.addAll(change.fields().keySet());
                }
                updatesIn.increment();
                Change applied = new Change(item.name, change.fields(), item.seq, item.publishedMicros);
                for (Subscription subscription : topic.everything) {
                    if (subscription.subscriber.offer(subscription, applied)) {
                        toWake.add(subscription.subscriber);
                    }
                }
                Subscription[] listed = topic.byItem.get(item.name);
                if (listed != null) {
                    for (Subscription subscription : listed) {
                        if (subscription.subscriber.offer(subscription, applied)) {
                            toWake.add(subscription.subscriber);
                        }
                    }
                }
            }
        }
        for (int i = 0; i < toWake.size(); i++) {
            toWake.get(i).wake();
        }
    }

    @Override
    public Map<String, List<ItemState>> capture() {
        Map<String, List<ItemState>> state = new LinkedHashMap<>();
        for (Topic topic : sortedTopics()) {
            state.put(topic.name, items(topic));
        }
        return state;
    }

    @Override
    public void restore(Map<String, List<ItemState>> state) {
        state.forEach((name, items) -> {
            Topic topic = topic(name, true);
            if (topic == null) {
                refusedLog.log("topics", "restored topic " + name + " dropped: " + limits.maxTopics() + " topics exist");
                return;
            }
            synchronized (topic) {
                for (ItemState restored : items) {
                    Topic.Item item = topic.items.get(restored.item());
                    if (item == null) {
                        if (topic.items.size() >= limits.maxItemsPerTopic()) {
                            continue;
                        }
                        item = new Topic.Item(restored.item());
                        topic.items.put(item.name, item);
                    }
                    item.fields.clear();
                    item.fields.putAll(restored.fields());
                    item.seq = restored.seq();
                    item.publishedMicros = restored.publishedMicros();
                    topic.fields.addAll(restored.fields().keySet());
                }
                topic.itemCount = topic.items.size();
            }
        });
    }

    /** The current state of a topic's items, in the order they were created; empty for no such topic. */
    public List<ItemState> items(String topicName) {
        Topic topic = topics.get(topicName);
        return topic == null ? List.of() : items(topic);
    }

    private static List<ItemState> items(Topic topic) {
        synchronized (topic) {
            List<ItemState> items = new ArrayList<>(topic.items.size());
            for (Topic.Item item : topic.items.values()) {
                items.add(item.state());
            }
            return items;
        }
    }

    /** The topic, created if {@code create} and the topic limit allows; null otherwise. */
    private Topic topic(String name, boolean create) {
        Topic topic = topics.get(name);
        if (topic != null || !create) {
            return topic;
        }
        synchronized (topics) {
            topic = topics.get(name);
            if (topic == null && topics.size() < limits.maxTopics()) {
                topic = new Topic(name);
                topic.activeAt = nanoClock.getAsLong();
                topics.put(name, topic);
            }
            return topic;
        }
    }

    /** Marks a topic as permanent (a simulator's): it never expires and cannot be deleted. */
    public void keep(String topicName) {
        permanent.add(topicName);
    }

    /** Whether the topic may be deleted through the publish API (it is not a simulator's). */
    public boolean deletable(String topicName) {
        return !permanent.contains(topicName);
    }

    /**
     * Removes a topic with its items: each of its subscriptions ends with an {@code unsubscribed}
     * answer. A permanent topic stays.
     *
     * @return whether a topic was removed
     */
    public boolean delete(String topicName) {
        if (permanent.contains(topicName)) {
            return false;
        }
        Topic topic;
        synchronized (topics) {
            topic = topics.remove(topicName);
        }
        if (topic == null) {
            return false;
        }
        List<Subscription> ended = new ArrayList<>(topic.everything);
        synchronized (topic) {
            for (Subscription[] listed : topic.byItem.values()) {
                for (Subscription subscription : listed) {
                    if (!ended.contains(subscription)) {
                        ended.add(subscription);
                    }
                }
            }
        }
        for (Subscription subscription : ended) {
            subscription.subscriber.topicGone(subscription);
            topic.unregister(subscription);
        }
        LOG.log(Level.INFO, "Feed topic {0} removed with its {1} items; {2} subscriptions ended", topicName,
                topic.itemCount, ended.size());
        return true;
    }

    /**
     * Removes every topic that is not permanent, has no subscription and has had no change for
     * {@code duplex.feed.topic-idle-seconds}. Called periodically.
     */
    public void expire() {
        if (limits.topicIdleSeconds() == 0) {
            return;
        }
        long now = nanoClock.getAsLong();
        long idle = TimeUnit.SECONDS.toNanos(limits.topicIdleSeconds());
        for (Topic topic : new ArrayList<>(topics.values())) {
            if (!permanent.contains(topic.name) && topic.subscriptionCount() == 0 && now - topic.activeAt >= idle) {
                LOG.log(Level.INFO, "Feed topic {0} expires: no change and no subscriber for {1} s", topic.name,
                        limits.topicIdleSeconds());
                delete(topic.name);
            }
        }
    }

    private List<Topic> sortedTopics() {
        List<Topic> sorted = new ArrayList<>(topics.values());
        sorted.sort(Comparator.comparing(t -> t.name));
        return sorted;
    }

    // ---- publishers' side ----

    /**
     * Checks a publication before it goes to the bus: names, sizes, and that it creates no topic
     * or item beyond the limits.
     *
     * @throws IllegalArgumentException with a message fit for the publisher
     */
    public void check(String topicName, List<ItemChange> changes) {
        if (!FeedNames.isTopic(topicName)) {
            throw new IllegalArgumentException("A topic name must match " + FeedNames.TOPIC_RULE);
        }
        if (changes == null || changes.isEmpty()) {
            throw new IllegalArgumentException("A publication holds at least one change");
        }
        if (changes.size() > limits.maxItemsPerTopic()) {
            throw new IllegalArgumentException("A publication holds at most " + limits.maxItemsPerTopic() + " changes");
        }
        Set<String> newItems = new LinkedHashSet<>();
        Topic topic = topics.get(topicName);
        if (topic == null && topics.size() >= limits.maxTopics()) {
            throw new IllegalArgumentException("Too many topics: at most " + limits.maxTopics());
        }
        for (ItemChange change : changes) {
            checkItemName(change.item());
            if (change.fields().size() > MAX_FIELDS_PER_CHANGE) {
                throw new IllegalArgumentException("A change holds at most " + MAX_FIELDS_PER_CHANGE + " fields");
            }
            for (Map.Entry<String, FieldValue> field : change.fields().entrySet()) {
                if (!FeedNames.isField(field.getKey())) {
                    throw new IllegalArgumentException("A field name must match " + FeedNames.FIELD_RULE);
                }
                if (field.getValue() == null) {
                    throw new IllegalArgumentException("A field's value is a number or a text");
                }
                if (field.getValue() instanceof FieldValue.Text text
                        && text.value().getBytes(StandardCharsets.UTF_8).length > FieldValue.MAX_TEXT_BYTES) {
                    throw new IllegalArgumentException("A field's text is at most " + FieldValue.MAX_TEXT_BYTES + " UTF-8 bytes");
                }
            }
            newItems.add(change.item());
        }
        int existing = 0;
        int size = 0;
        if (topic != null) {
            synchronized (topic) {
                size = topic.items.size();
                for (String item : newItems) {
                    if (topic.items.containsKey(item)) {
                        existing++;
                    }
                }
            }
        }
        if (size + newItems.size() - existing > limits.maxItemsPerTopic()) {
            throw new IllegalArgumentException("Too many items in topic " + topicName + ": at most " + limits.maxItemsPerTopic());
        }
    }

    private static void checkItemName(String item) {
        if (!FeedNames.isItem(item)) {
            throw new IllegalArgumentException("An item name must match " + FeedNames.ITEM_RULE);
        }
    }

    // ---- sessions' side ----

    /** A new session: it gets its {@code hello} first. */
    public FeedSubscriber connect(FeedSink sink, String instance) {
        FeedSubscriber subscriber = new FeedSubscriber(sink, this, limits, sender, scheduler, nanoClock);
        subscribers.add(subscriber);
        subscriber.answer(new FeedMessage.Hello(sink.protocol(), instance, limits.maxSubscriptions(),
                limits.maxItemsPerSubscription(), limits.maxFrequency(), topicNames()));
        return subscriber;
    }

    /** The names of the topics, sorted. */
    public List<String> topicNames() {
        return sortedTopics().stream().map(t -> t.name).toList();
    }

    /** One decoded command of the session. */
    public void handle(FeedSubscriber subscriber, FeedCommand command) {
        if (command instanceof FeedCommand.Subscribe subscribe) {
            subscribe(subscriber, subscribe);
        } else if (command instanceof FeedCommand.Unsubscribe unsubscribe) {
            Subscription ended = subscriber.close(unsubscribe.id());
            if (ended == null) {
                subscriber.error(FeedError.UNKNOWN_SUBSCRIPTION, "No open subscription has this id", unsubscribe.id());
            } else {
                // after the subscriber stopped taking its changes
                ended.topic.unregister(ended);
            }
        } else if (command instanceof FeedCommand.Ack ack) {
            if (!subscriber.ack(ack.messages())) {
                subscriber.error(FeedError.BAD_COMMAND, "\"messages\" must not go down nor exceed the messages sent", 0);
            }
        } else {
            subscriber.answer(new FeedMessage.Topics(sortedTopics().stream().map(FeedHub::info).toList()));
        }
    }

    private static FeedMessage.TopicInfo info(Topic topic) {
        synchronized (topic) {
            return new FeedMessage.TopicInfo(topic.name, topic.items.size(), List.copyOf(topic.fields));
        }
    }

    private void subscribe(FeedSubscriber subscriber, FeedCommand.Subscribe command) {
        int id = command.id();
        double frequency = command.maxFrequency();
        if (!(frequency >= 0) || frequency > limits.maxFrequency()) {
            subscriber.error(FeedError.BAD_FREQUENCY, JsonFeedCodec.BAD_FREQUENCY_TEXT, id);
            return;
        }
        List<String> items = List.copyOf(new LinkedHashSet<>(command.items()));
        if (command.items().size() > limits.maxItemsPerSubscription()) {
            subscriber.error(FeedError.TOO_MANY_ITEMS, "A subscription lists at most " + limits.maxItemsPerSubscription()
                    + " items", id);
            return;
        }
        Topic topic = topics.get(command.topic());
        if (topic == null) {
            subscriber.error(FeedError.UNKNOWN_TOPIC, "No such topic", id);
            return;
        }
        synchronized (topic) {
            for (String item : items) {
                if (!topic.items.containsKey(item)) {
                    subscriber.error(FeedError.UNKNOWN_ITEM, "No such item in this topic", id);
                    return;
                }
            }
        }
        Subscription subscription = new Subscription(subscriber, id, topic, items, frequency);
        // registered first: a change applied after the snapshot (taken later, by the flush) is never missed
        topic.register(subscription);
        FeedError refused = subscriber.open(subscription);
        if (refused != null || subscription.closed) {
            topic.unregister(subscription);
        }
        if (refused == FeedError.DUPLICATE_ID) {
            subscriber.error(refused, "This id belongs to an open subscription", id);
        } else if (refused == FeedError.TOO_MANY_SUBSCRIPTIONS) {
            subscriber.error(refused, "A session holds at most " + limits.maxSubscriptions() + " subscriptions", id);
        }
    }

    /** Takes a subscription's snapshot under its topic's monitor; from then on it gets the topic's changes. */
    FeedMessage.Snapshot snapshot(Subscription subscription) {
        Topic topic = subscription.topic;
        synchronized (topic) {
            List<ItemState> states = new ArrayList<>();
            if (subscription.items.isEmpty()) {
                for (Topic.Item item : topic.items.values()) {
                    states.add(item.state());
                }
            } else {
                for (String name : subscription.items) {
                    Topic.Item item = topic.items.get(name);
                    if (item != null) {
                        states.add(item.state());
                    }
                }
            }
            subscription.subscriber.snapshotTaken(subscription);
            return new FeedMessage.Snapshot(subscription.id, topic.name, states);
        }
    }

    /**
     * Closes every session whose write has not completed for {@code keepalive-seconds} with 1008
     * "Slow consumer". Called periodically.
     */
    public void sweep() {
        long now = nanoClock.getAsLong();
        long limit = TimeUnit.SECONDS.toNanos(limits.keepaliveSeconds());
        for (FeedSubscriber subscriber : subscribers) {
            String why = subscriber.stalled(now, limit);
            if (why != null) {
                subscriber.dropSlowConsumer(why + " for " + limits.keepaliveSeconds() + " s");
            }
        }
        expire();
    }

    void forget(FeedSubscriber subscriber) {
        subscribers.remove(subscriber);
    }

    void delivered(int updates, long merged) {
        if (updates > 0) {
            updatesOut.add(updates);
        }
        conflated(merged);
    }

    void conflated(long merged) {
        if (merged > 0) {
            conflated.add(merged);
        }
    }

    // ---- figures ----

    public int sessions() {
        return subscribers.size();
    }

    public int subscriptions() {
        int count = 0;
        for (FeedSubscriber subscriber : subscribers) {
            count += subscriber.subscriptionCount();
        }
        return count;
    }

    public long updatesIn() {
        return updatesIn.sum();
    }

    public long updatesOut() {
        return updatesOut.sum();
    }

    public long conflated() {
        return conflated.sum();
    }

    public List<FeedFigures.TopicFigures> topicFigures() {
        return sortedTopics().stream()
                .map(t -> new FeedFigures.TopicFigures(t.name, t.itemCount, t.subscriptionCount()))
                .toList();
    }

    /** Whether the topic exists (tests, publishers). */
    public boolean hasTopic(String name) {
        return topics.containsKey(name);
    }
}
