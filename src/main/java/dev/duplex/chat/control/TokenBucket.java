package dev.duplex.chat.control;

import java.util.function.LongSupplier;

/**
 * A token bucket: holds up to {@code capacity} tokens, gains {@code perSecond} tokens a second,
 * and each permitted action takes one. Starts full. Not thread-safe: one session's messages
 * arrive one at a time.
 */
final class TokenBucket {

    private final double capacity;
    private final double perNano;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    TokenBucket(double capacity, double perSecond, LongSupplier nanoClock) {
        this.capacity = capacity;
        this.perNano = perSecond / 1e9;
        this.nanoClock = nanoClock;
        this.tokens = capacity;
        this.last = nanoClock.getAsLong();
    }

    /** Takes a token when there is one. */
    boolean tryTake() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
