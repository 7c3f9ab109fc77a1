package dev.duplex.bench.feed;

/**
 * What a decoded server message says, one call per item value, whichever subprotocol carried it.
 * {@link JsonFeedReader} and {@link BinaryFeedReader} call it; a subscriber (or the checker)
 * implements it. Calls happen on the connection's event loop, in message order.
 */
interface FeedSink {

    /** {@code hello}: the session is ready. */
    void hello(String protocol);

    /**
     * One item's value.
     *
     * @param subscription the subscription id the value belongs to
     * @param seq the item's sequence number
     * @param tsMicros when its latest change was published, epoch microseconds (server clock)
     * @param conflated changes merged into this update (0 in a snapshot)
     * @param fields every field in a snapshot, only the changed ones in an update; only valid during the call
     * @param snapshot whether the value is part of a snapshot
     */
    void value(int subscription, String item, long seq, long tsMicros, long conflated, Fields fields, boolean snapshot);

    /** The end of subscription {@code subscription}'s snapshot (after its values). */
    void snapshotEnd(int subscription);

    /** {@code error} from the server. */
    void error(String code, int subscription);

    /** Any other message type ({@code unsubscribed}, {@code topics}). */
    default void other(String type) {
    }

    /** The decoder could not read a message: a protocol violation by the server (or a decoder bug). */
    void unreadable(String why);
}
