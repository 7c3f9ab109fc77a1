package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class CancelledWriteLogTest {

    private static LogRecord record(Level level, Throwable thrown) {
        LogRecord record = new LogRecord(level, "TyrusServletWriter.onError");
        record.setThrown(thrown);
        return record;
    }

    @Test
    void aCancelledWriteIsNotAWarningAnythingElsePassesAndCloseRestoresTheLogger() {
        Logger logger = Logger.getLogger(CancelledWriteLog.TYRUS_WRITER);
        try (CancelledWriteLog quiet = CancelledWriteLog.install()) {
            assertFalse(quiet.passes(record(Level.WARNING, new CancellationException())));
            assertFalse(quiet.passes(record(Level.WARNING, new IOException("x", new CancellationException()))));
            assertTrue(quiet.passes(record(Level.WARNING, new IOException("broken pipe"))));
            assertTrue(quiet.passes(record(Level.SEVERE, null)));
            assertTrue(quiet.passes(record(Level.FINE, new CancellationException())));
        }
        assertNull(logger.getFilter());
    }
}
