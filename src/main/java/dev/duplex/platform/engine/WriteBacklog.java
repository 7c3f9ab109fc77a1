package dev.duplex.platform.engine;

import java.util.function.LongSupplier;

/**
 * One session's write queue in the engine, as the platform sees it: how many bytes the engine holds
 * for writing beyond what it reported as sent ({@link #getAsLong}), and the two moments around each
 * send the engine may need to know of ({@link #sending}, {@link #sent}), so that a bound it keeps
 * on that queue never refuses a message. Where the engine has no such queue, a plain
 * {@code () -> 0}.
 */
@FunctionalInterface
public interface WriteBacklog extends LongSupplier {

    /** A send of a frame of at most {@code frameBytes} bytes starts now. Never throws. */
    default void sending(long frameBytes) {
    }

    /** That send ended, written ({@code failure} null) or not. Never throws. */
    default void sent(long frameBytes, Throwable failure) {
    }
}
