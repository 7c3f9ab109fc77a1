package dev.duplex.platform;

/**
 * A token bucket: {@code ratePerSecond} tokens flow in each second up to {@code burst}; each event
 * takes one. Time comes from the caller (nanoseconds), so it is deterministic to test. Not
 * thread-safe: one bucket belongs to one session, whose messages arrive one at a time.
 */
public final class TokenBucket {

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    /**
     * @param ratePerSecond sustained events per second; 0 or less means unlimited
     * @param burst         how many events may come at once
     * @param now           the current time in nanoseconds
     */
    public TokenBucket(double ratePerSecond, double burst, long now) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, burst);
        this.tokens = this.burst;
        this.last = now;
    }

    /** Takes one token if there is one. */
    public boolean tryTake(long now) {
        if (ratePerNano <= 0) {
            return true;
        }
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
