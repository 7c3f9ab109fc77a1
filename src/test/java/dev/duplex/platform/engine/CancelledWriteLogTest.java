package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
        // the engine adapter on the test class path is Tyrus' (tyrus-core is there, as on Payara)
        Logger logger = Logger.getLogger(Engine.adapter().cancelledWriteLogger().orElseThrow());
        try (CancelledWriteLog quiet = CancelledWriteLog.install()) {
            assertNotNull(logger.getFilter(), "installed on the adapter's logger");
            assertFalse(quiet.passes(record(Level.WARNING, new CancellationException())));
            assertFalse(quiet.passes(record(Level.WARNING, new IOException("x", new CancellationException()))));
            assertTrue(quiet.passes(record(Level.WARNING, new IOException("broken pipe"))));
            assertTrue(quiet.passes(record(Level.SEVERE, null)));
            assertTrue(quiet.passes(record(Level.FINE, new CancellationException())));
        }
        assertNull(logger.getFilter());
    }

    @Test
    void whereTheEngineNamesNoLoggerNothingIsFilteredAndCloseIsHarmless() {
        try (CancelledWriteLog none = CancelledWriteLog.install(null)) {
            assertFalse(none.passes(record(Level.WARNING, new CancellationException())), "the filter itself still judges");
        }
    }
}
