package dev.duplex.draw.control;

import java.util.function.Consumer;

/**
 * What the boards share between server instances: who owns each board, and an inbox per instance
 * for the messages between a board's owner and the instances its other members are connected to
 * ({@link DrawGridCodec}).
 *
 * <p>Two implementations: {@link LocalDrawBus} when the instance runs alone (it owns every board
 * and never sends), and {@link HazelcastDrawBus} on the cluster's data grid.
 */
public interface DrawBus extends AutoCloseable {

    /** "local" or "hazelcast". */
    String mode();

    /** This instance's name on the bus. */
    String instance();

    /** How many instances share the bus now. */
    int instances();

    /**
     * Starts handing the messages addressed to this instance to {@code inbox}, one at a time, those
     * of one sender in the order it sent them; {@code ownersChanged} runs (on the same thread) when
     * an owner may be gone: an instance left the cluster, or an owner gave a board up.
     */
    void start(Consumer<byte[]> inbox, Runnable ownersChanged);

    /**
     * The instance that owns {@code board}: the one the grid names while it is in the cluster;
     * otherwise this instance claims it, and the winner of the claim is returned.
     */
    String owner(String board);

    /** This instance gives up {@code board} (it freed it). */
    void release(String board);

    /** Whether {@code instance} is in the cluster now. */
    boolean alive(String instance);

    /** Sends {@code message} to the inbox of {@code instance}; one caller's messages to one instance arrive in call order. */
    void send(String instance, byte[] message);

    /** Removes everything this instance registered on the grid (listeners, its inbox, its owner entries). */
    @Override
    void close();
}
