package dev.duplex.platform;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A log for what clients do wrong: at most one line per kind of mistake and interval (default one
 * second), never a stack trace, and the next line that gets through says how many of that kind were
 * left out. A client sending a thousand bad messages a second costs one short line a second per
 * kind, not a thousand lines (or a thousand stack traces).
 *
 * <p>Kinds are fixed strings chosen by the code (e.g. {@code "chat bad-json"}), never text that
 * came from the client, so that the set of kinds stays small. Thread-safe.
 */
public final class RateLimitedLog {

    /** The longest detail logged, in characters. */
    public static final int MAX_DETAIL = 200;

    private final Logger logger;
    private final Level level;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** One line per kind and second, at {@code level}, on the system clock. */
    public RateLimitedLog(Logger logger, Level level) {
        this(logger, level, TimeUnit.SECONDS.toNanos(1), System::nanoTime);
    }

    /**
     * @param logger        where the lines go
     * @param level         the level of every line
     * @param intervalNanos at most one line per kind in this time
     * @param nanoClock     monotonic time in nanoseconds (tests inject their own)
     */
    public RateLimitedLog(Logger logger, Level level, long intervalNanos, LongSupplier nanoClock) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("the interval must be positive");
        }
        this.logger = logger;
        this.level = level;
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
    }

    /**
     * Logs {@code kind + ": " + detail} unless a line of this kind went out less than an interval
     * ago; returns whether it did. {@code detail} is cut at {@link #MAX_DETAIL} characters (it may
     * quote client input).
     */
    public boolean log(String kind, String detail) {
        if (!logger.isLoggable(level)) {
            return false;
        }
        long now = nanoClock.getAsLong();
        Window window = windows.computeIfAbsent(kind, k -> new Window());
        long suppressed;
        synchronized (window) {
            if (window.logged && now - window.lastNanos < intervalNanos) {
                window.suppressed++;
                return false;
            }
            window.logged = true;
            window.lastNanos = now;
            suppressed = window.suppressed;
            window.suppressed = 0;
        }
        String shown = detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "…";
        if (suppressed > 0) {
            logger.log(level, kind + ": " + shown + " (and " + suppressed + " more of this kind not logged)");
        } else {
            logger.log(level, kind + ": " + shown);
        }
        return true;
    }

    /** Lines of this kind left out since the last one logged. */
    public long suppressed(String kind) {
        Window window = windows.get(kind);
        if (window == null) {
            return 0;
        }
        synchronized (window) {
            return window.suppressed;
        }
    }

    private static final class Window {
        boolean logged;
        long lastNanos;
        long suppressed;
    }
}
