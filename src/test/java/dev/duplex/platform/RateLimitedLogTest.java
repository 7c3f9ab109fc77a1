package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

    /** A logger that keeps its lines and the throwables they came with. */
    private static final class Recording implements System.Logger {
        final List<String> lines = new ArrayList<>();
        final List<Throwable> thrown = new ArrayList<>();

        @Override
        public String getName() {
            return "recording";
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= Level.INFO.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            lines.add(message);
            this.thrown.add(thrown);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(format);
        }
    }

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final Recording logger = new Recording();
    private final RateLimitedLog log = new RateLimitedLog(logger, Level.WARNING, TimeUnit.SECONDS.toNanos(1), nanos::get);

    @Test
    void aThousandErrorsOfOneKindInASecondMakeOneLineAndTheNextSaysHowManyWereLeftOut() {
        for (int i = 0; i < 1000; i++) {
            log.log("chat bad-json", "session s" + i);
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(0) + 900_000); // 0.9 ms apart: 0.9 s in all
        }
        assertEquals(List.of("chat bad-json: session s0"), logger.lines);
        assertEquals(999, log.suppressed("chat bad-json"));

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        assertTrue(log.log("chat bad-json", "session t"));
        assertEquals("chat bad-json: session t (and 999 more of this kind not logged)", logger.lines.get(1));
        assertEquals(0, log.suppressed("chat bad-json"));
        assertTrue(logger.thrown.stream().allMatch(t -> t == null), "never a stack trace");
    }

    @Test
    void kindsAreLimitedSeparatelyAndLongDetailsAreCut() {
        assertTrue(log.log("a", "x".repeat(1000)));
        assertTrue(log.log("b", "y"));
        assertFalse(log.log("a", "again"));
        assertEquals(2, logger.lines.size());
        assertEquals("a: " + "x".repeat(RateLimitedLog.MAX_DETAIL) + "…", logger.lines.get(0));
    }

    @Test
    void nothingIsCountedWhenTheLevelIsOff() {
        RateLimitedLog debug = new RateLimitedLog(logger, Level.DEBUG, 1, nanos::get);
        assertFalse(debug.log("a", "b"));
        assertEquals(List.of(), logger.lines);
    }
}
