package dev.duplex.feed.entity;

import java.util.List;

/**
 * What {@code /feed} sends. Under {@code feed.json} every message is one JSON text message; under
 * {@code feed.bin} {@link Snapshot}s and {@link Updates} are binary messages and the others are the
 * same JSON text messages as under {@code feed.json}. Layouts: {@code docs/FEED.md}.
 */
public sealed interface FeedMessage permits FeedMessage.Hello, FeedMessage.Snapshot, FeedMessage.Updates,
        FeedMessage.Unsubscribed, FeedMessage.Topics, FeedMessage.Error {

    /** The first message of every session: the negotiated subprotocol, this instance and the limits. */
    record Hello(String protocol, String instance, int maxSubscriptions, int maxItemsPerSubscription,
            double maxFrequency, List<String> topics) implements FeedMessage {
        public Hello {
            topics = List.copyOf(topics);
        }
    }

    /** The answer to a subscribe: the current state of every item asked for that exists. */
    record Snapshot(int subscription, String topic, List<ItemState> items) implements FeedMessage {
        public Snapshot {
            items = List.copyOf(items);
        }
    }

    /** One or more updates, possibly of several subscriptions, in the order they were applied per item. */
    record Updates(List<Update> updates) implements FeedMessage {
        public Updates {
            updates = List.copyOf(updates);
        }
    }

    /** The answer to an unsubscribe: no update of that subscription follows. */
    record Unsubscribed(int subscription) implements FeedMessage {
    }

    /** The answer to a topics command. */
    record Topics(List<TopicInfo> topics) implements FeedMessage {
        public Topics {
            topics = List.copyOf(topics);
        }
    }

    /** A topic as listed: its name, how many items it has and the names of the fields seen so far. */
    record TopicInfo(String name, int items, List<String> fields) {
        public TopicInfo {
            fields = List.copyOf(fields);
        }
    }

    /**
     * A refused command; {@code subscription} is the id the command named, or 0 when it named none
     * or could not be read.
     */
    record Error(FeedError code, String message, int subscription) implements FeedMessage {
    }
}
