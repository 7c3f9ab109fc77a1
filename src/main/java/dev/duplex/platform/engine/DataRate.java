package dev.duplex.platform.engine;

/**
 * The minimum data rate of a message being received on one connection, as Jetty's minimum data
 * rate or nginx's {@code client_body_timeout} bound a request body: from the header of a data
 * frame that did not arrive whole in one read, or of the first frame of a fragmented message,
 * until that message's last frame is complete, every window of {@code window} (the grace) must
 * bring at least {@code bytesPerSecond} × its length in payload bytes. The first window starts at
 * the header. A message that falls under the rate is {@linkplain #tooSlow too slow} (once); the
 * caller drops it and closes the session. Control frames (pings) do not count, so they cannot keep
 * a stalled message alive; a steady client at or above the rate always passes.
 *
 * <p>The connection's read thread reports {@link #started}, {@link #arrived} and {@link #finished};
 * the periodic sweep asks {@link #tooSlow} once a second, so the verdict comes even when no more
 * bytes arrive, without a timer per frame. Thread-safe (one uncontended monitor per call); times
 * are {@link System#nanoTime()} values, passed in so that tests can use their own clock.
 */
public final class DataRate {

    private final long bytesPerSecond;
    private final long windowNanos;
    private boolean receiving;
    private long windowStart;
    private long windowBytes;

    /**
     * @param bytesPerSecond the least a message being received must bring per second; 0 switches the check off
     * @param windowNanos    the grace: the length of each window over which the rate is measured
     *                       (at least one second is used)
     */
    public DataRate(long bytesPerSecond, long windowNanos) {
        if (bytesPerSecond < 0 || windowNanos < 0) {
            throw new IllegalArgumentException("rate and window must not be negative: " + bytesPerSecond + ", " + windowNanos);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.windowNanos = Math.max(windowNanos, 1_000_000_000L);
    }

    /** No minimum rate. */
    public static DataRate off() {
        return new DataRate(0, 0);
    }

    /** Whether a rate is enforced at all. */
    public boolean enabled() {
        return bytesPerSecond > 0;
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** A message started arriving at {@code now} (nothing happens when one is already being received). */
    synchronized void started(long now) {
        if (!receiving && bytesPerSecond > 0) {
            receiving = true;
            windowStart = now;
            windowBytes = 0;
        }
    }

    /** {@code bytes} of the message's payload arrived. */
    synchronized void arrived(long bytes) {
        if (receiving) {
            windowBytes += bytes;
        }
    }

    /** The message is complete (or dropped): nothing is being received now. */
    synchronized void finished() {
        receiving = false;
    }

    /** Whether a message is being received now. */
    synchronized boolean receiving() {
        return receiving;
    }

    /**
     * The verdict at {@code now}: true (once) when a message is being received and the window that
     * ended brought fewer bytes than the rate asks for; a window that brought enough starts the
     * next one. False while no message is being received or the window is not over yet.
     */
    public synchronized boolean tooSlow(long now) {
        if (!receiving || bytesPerSecond <= 0) {
            return false;
        }
        long elapsed = now - windowStart;
        if (elapsed < windowNanos) {
            return false;
        }
        if ((double) windowBytes * 1e9 < (double) bytesPerSecond * elapsed) {
            receiving = false;
            return true;
        }
        windowStart = now;
        windowBytes = 0;
        return false;
    }

    @Override
    public String toString() {
        return bytesPerSecond == 0 ? "no minimum data rate"
                : "minimum data rate " + bytesPerSecond + " bytes/s over " + windowNanos / 1_000_000_000L + " s windows";
    }
}
