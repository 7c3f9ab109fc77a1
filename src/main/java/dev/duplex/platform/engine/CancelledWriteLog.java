package dev.duplex.platform.engine;

import java.util.concurrent.CancellationException;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps the engine's writer (Tyrus' servlet writer) from logging a WARNING with a stack trace each time a session that
 * still had writes queued is closed (a slow consumer, issue 19): Grizzly cancels those writes and
 * {@code TyrusServletWriter.onError} logs the {@link CancellationException}. The close itself is
 * logged once by whoever closed the session (the feed's "closing it as a slow consumer", the
 * platform's "closed ... with 1008"), so the cancelled writes are passed on at FINE, without the
 * trace. Any other record of that logger passes unchanged. Installed while the application runs:
 * {@link #close} restores the filter it found.
 */
public final class CancelledWriteLog implements AutoCloseable {

    /** Held strongly: JUL keeps loggers weakly, and a collected logger would lose the filter. Null: nothing to filter. */
    private final Logger logger;
    private final Filter previous;
    private final Filter filter;

    private CancelledWriteLog(Logger logger) {
        this.logger = logger;
        this.previous = logger == null ? null : logger.getFilter();
        this.filter = record -> {
            if (record.getLevel().intValue() > Level.FINE.intValue() && cancelled(record.getThrown())) {
                if (logger != null && logger.isLoggable(Level.FINE)) {
                    logger.log(Level.FINE, "A write was cancelled as its session closed: {0}", record.getThrown().toString());
                }
                return false;
            }
            return previous == null || previous.isLoggable(record);
        };
        if (logger != null) {
            logger.setFilter(filter);
        }
    }

    /**
     * Installs the filter on the logger the engine adapter names ({@link EngineAdapter#cancelledWriteLogger};
     * Tyrus' servlet writer); filters nothing where the adapter names none.
     */
    public static CancelledWriteLog install() {
        return install(Engine.adapter().cancelledWriteLogger().orElse(null));
    }

    /** Installs the filter on the JUL logger {@code loggerName}, or on none when it is null. */
    static CancelledWriteLog install(String loggerName) {
        return new CancelledWriteLog(loggerName == null ? null : Logger.getLogger(loggerName));
    }

    /** Whether the failure is (or was caused by) a cancelled write. */
    static boolean cancelled(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CancellationException) {
                return true;
            }
        }
        return false;
    }

    /** Tests: whether a record would be passed on. */
    boolean passes(LogRecord record) {
        return filter.isLoggable(record);
    }

    @Override
    public void close() {
        if (logger != null && logger.getFilter() == filter) {
            logger.setFilter(previous);
        }
    }
}
