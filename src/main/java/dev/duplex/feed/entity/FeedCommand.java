package dev.duplex.feed.entity;

import java.util.List;

/** What a client asks of {@code /feed}, one JSON text message each (both subprotocols). */
public sealed interface FeedCommand permits FeedCommand.Subscribe, FeedCommand.Unsubscribe, FeedCommand.ListTopics,
        FeedCommand.Ack {

    /**
     * Subscribes to a topic under the client's id for it.
     *
     * @param id           the client's subscription id, 1 to 2^31-1, unique among its open subscriptions
     * @param topic        the topic's name
     * @param items        the items asked for; empty means every item of the topic, including items
     *                     created later
     * @param maxFrequency at most this many updates per second per item; 0 means unthrottled
     */
    record Subscribe(int id, String topic, List<String> items, double maxFrequency) implements FeedCommand {
        public Subscribe {
            items = List.copyOf(items);
        }
    }

    /** Ends the subscription with the client's id. */
    record Unsubscribe(int id) implements FeedCommand {
    }

    /** Asks for the list of topics. */
    record ListTopics() implements FeedCommand {
    }

    /**
     * The client has received and processed {@code messages} messages of this connection (every
     * message the server sent counts, text or binary, {@code hello} included). The first one turns
     * on acknowledged flow control for the session (docs/FEED.md, "Flow control").
     *
     * @param messages how many messages were processed, 0 to 2^53
     */
    record Ack(long messages) implements FeedCommand {
    }
}
