package dev.duplex.engine.tyrus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Tyrus adapter against the Tyrus on the test class path (tyrus-core, as provided by Payara Micro 6). */
class TyrusEngineTest {

    private final TyrusEngine engine = new TyrusEngine();

    @Test
    void isAvailableWhereTyrusIsAndNamesNoVersionForAnotherContainer() {
        assertTrue(engine.available());
        assertEquals(Optional.empty(), engine.version(Object.class), "a container that is not Tyrus'");
    }

    @Test
    void findsTheSessionSchedulerOfThisTyrusAndRecognisesOnlyItsIdleCheck() throws Exception {
        var scheduler = engine.sessionScheduler(TyrusEngine.class);
        assertEquals("monitor", scheduler.lockKind(), "Tyrus 2.1 guards TyrusSession.service with a monitor");
        assertFalse(scheduler.isIdleCheck(() -> { }));
    }
}
