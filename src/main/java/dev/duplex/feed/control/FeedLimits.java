package dev.duplex.feed.control;

/**
 * The feed's limits, from MicroProfile Config {@code duplex.feed.*} (defaults in
 * {@code microprofile-config.properties}).
 *
 * @param maxMessageBytes          largest command a client may send; larger closes with 1009
 * @param maxSubscriptions         open subscriptions per session; one more gets {@code too-many-subscriptions}
 * @param maxItemsPerSubscription  items one subscribe may list; more gets {@code too-many-items}
 * @param maxFrequency             the highest {@code maxFrequency} a subscription may ask for (updates/s per item)
 * @param keepaliveSeconds         a session whose write has not completed for this long is closed
 *                                 with 1008 "Slow consumer"
 * @param maxTopics                topics the feed holds; a publication creating one more is refused
 * @param maxItemsPerTopic         items one topic holds; a publication creating one more is refused
 * @param maxQueuedMessages        answers (errors, snapshots...) waiting for one session that reads
 *                                 nothing; one more closes it with 1008 "Slow consumer"
 * @param flowWindowBytes          a session that acknowledges has at most about this many bytes of
 *                                 messages unacknowledged; the rest is conflated
 * @param topicIdleSeconds         a topic created by a publisher that has had no change and no
 *                                 subscription for this long is removed; 0: never
 */
public record FeedLimits(int maxMessageBytes, int maxSubscriptions, int maxItemsPerSubscription, double maxFrequency,
        int keepaliveSeconds, int maxTopics, int maxItemsPerTopic, int maxQueuedMessages, int flowWindowBytes,
        int topicIdleSeconds) {

    /** The smallest flow-control window: one message of a few updates. */
    public static final int MIN_FLOW_WINDOW_BYTES = 1024;

    /** With the flow-control window and topic expiry at their defaults. */
    public FeedLimits(int maxMessageBytes, int maxSubscriptions, int maxItemsPerSubscription, double maxFrequency,
            int keepaliveSeconds, int maxTopics, int maxItemsPerTopic, int maxQueuedMessages) {
        this(maxMessageBytes, maxSubscriptions, maxItemsPerSubscription, maxFrequency, keepaliveSeconds, maxTopics,
                maxItemsPerTopic, maxQueuedMessages, DEFAULT_FLOW_WINDOW_BYTES, DEFAULT_TOPIC_IDLE_SECONDS);
    }

    static final int DEFAULT_FLOW_WINDOW_BYTES = 16384;
    static final int DEFAULT_TOPIC_IDLE_SECONDS = 3600;

    public FeedLimits {
        positive("duplex.feed.max-message-bytes", maxMessageBytes);
        positive("duplex.feed.max-subscriptions", maxSubscriptions);
        positive("duplex.feed.max-items-per-subscription", maxItemsPerSubscription);
        positive("duplex.feed.keepalive-seconds", keepaliveSeconds);
        positive("duplex.feed.max-topics", maxTopics);
        positive("duplex.feed.max-items-per-topic", maxItemsPerTopic);
        positive("duplex.feed.max-queued-messages", maxQueuedMessages);
        if (flowWindowBytes < MIN_FLOW_WINDOW_BYTES) {
            throw new IllegalArgumentException("duplex.feed.flow-window-bytes must be at least " + MIN_FLOW_WINDOW_BYTES
                    + ": " + flowWindowBytes);
        }
        if (topicIdleSeconds < 0) {
            throw new IllegalArgumentException("duplex.feed.topic-idle-seconds must be 0 or more: " + topicIdleSeconds);
        }
        if (!(maxFrequency > 0) || !Double.isFinite(maxFrequency)) {
            throw new IllegalArgumentException("duplex.feed.max-frequency must be a positive number: " + maxFrequency);
        }
    }

    /** The defaults of {@code microprofile-config.properties}, for tests and tools. */
    public static FeedLimits defaults() {
        return new FeedLimits(4096, 32, 1000, 100, 30, 100, 10000, 256);
    }

    /** Bytes one listed item name costs in a subscribe at most: 64 characters (ASCII by the name rule), quotes, comma. */
    static final int LISTED_ITEM_BYTES = 64 + 3;
    /** Room for the rest of a command: type, id, topic, maxFrequency, white space. */
    static final int COMMAND_ENVELOPE_BYTES = 1024;
    /** Bytes one update of a publication is allowed on average: an item and a handful of fields. */
    public static final int PUBLISHED_UPDATE_BYTES = 256;

    /**
     * The command size limit that follows from the item limit: a subscribe listing twice
     * {@code maxItemsPerSubscription} names of the longest kind fits, so a list too long is answered
     * {@code too-many-items}, not closed; {@code configured} when that is larger.
     */
    public static int commandBytes(int configured, int maxItemsPerSubscription) {
        long needed = COMMAND_ENVELOPE_BYTES + 2L * LISTED_ITEM_BYTES * maxItemsPerSubscription;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(configured, needed));
    }

    /**
     * The publish body limit that follows from the per-publish update limit: {@code maxUpdates}
     * updates of {@value #PUBLISHED_UPDATE_BYTES} bytes each fit; {@code configured} when that is larger.
     */
    public static int publishBytes(int configured, int maxUpdates) {
        long needed = COMMAND_ENVELOPE_BYTES + (long) PUBLISHED_UPDATE_BYTES * maxUpdates;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(configured, needed));
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive: " + value);
        }
    }
}
