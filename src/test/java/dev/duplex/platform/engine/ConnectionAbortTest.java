package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.engine.Capability.State;
import dev.duplex.platform.engine.Capability.Status;
import org.junit.jupiter.api.Test;

/**
 * What one abort tells the {@code connection-abort} capability, through the unit tests' engine
 * adapter (Tyrus': it drops a Grizzly connection with {@code terminateSilently} and asks
 * {@code isOpen}), on connections that answer as Grizzly's do.
 */
class ConnectionAbortTest {

    /** Answers what the adapter asks of a Grizzly connection. */
    public static final class FakeConnection {
        boolean open;
        final boolean drops;
        int terminated;

        FakeConnection(boolean open, boolean drops) {
            this.open = open;
            this.drops = drops;
        }

        public boolean isOpen() {
            return open;
        }

        public void terminateSilently() {
            terminated++;
            if (drops) {
                open = false;
            }
        }
    }

    private static Capability capability() {
        return new Capability(Engine.CONNECTION_ABORT, "the fallback", Status.untested("not reported yet"));
    }

    @Test
    void aConnectionOpenBeforeAndDroppedAfterProvesTheCapability() {
        assertEquals("Tyrus", Engine.adapter().name());
        Capability capability = capability();
        FakeConnection connection = new FakeConnection(true, true);
        ConnectionAbort.abortOf(connection, capability).run();
        assertEquals(1, connection.terminated);
        assertEquals(State.ACTIVE, capability.status().state());
    }

    @Test
    void aConnectionTheEngineAlreadyDroppedProvesNothingAndSaysSo() {
        Capability capability = capability();
        FakeConnection connection = new FakeConnection(false, true);
        ConnectionAbort.abortOf(connection, capability).run();
        assertEquals(State.UNTESTED, capability.status().state());
        assertTrue(capability.status().detail().startsWith(ConnectionAbort.ENGINE_DROPPED), capability.status().detail());

        // a later drop of an open connection still proves it
        ConnectionAbort.abortOf(new FakeConnection(true, true), capability).run();
        assertEquals(State.ACTIVE, capability.status().state());
        // and a later already-dropped one does not take the proof back
        ConnectionAbort.abortOf(new FakeConnection(false, true), capability).run();
        assertEquals(State.ACTIVE, capability.status().state());
    }

    @Test
    void aConnectionThatStaysOpenTurnsTheCapabilityInactive() {
        Capability capability = capability();
        ConnectionAbort.abortOf(new FakeConnection(true, false), capability).run();
        assertEquals(State.INACTIVE, capability.status().state());
        assertTrue(capability.status().detail().contains("stayed open"), capability.status().detail());
    }

    @Test
    void anObjectTheEngineCannotDropTurnsItInactiveAndNeverThrows() {
        Capability capability = capability();
        ConnectionAbort.abortOf(new Object(), capability).run();
        assertEquals(State.INACTIVE, capability.status().state());
        assertFalse(capability.status().detail().isBlank());
        ConnectionAbort.abortOf(new Object()).run(); // without a capability: nothing to tell, still no failure
    }
}
