package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every session's budget account is given back however the session ends: closed, failed, gone
 * without a callback, or dropped after ignoring a close. Runs {@link Connections} without a
 * container; the sessions are minimal stand-ins that answer what {@code Connections} asks.
 */
class ConnectionsBudgetTest {

    private final MemoryBudget budget = new MemoryBudget(1_000_000, 0, 0);
    private final Connections connections = new Connections();

    @BeforeEach
    void configure() {
        connections.configure(new Limits(0, 2, 0, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5)));
        connections.budget(budget);
    }

    /** A session with an id, user properties and an open flag; {@code close} clears the flag. */
    private static Session session(String id, AtomicBoolean open) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Connections.CLIENT_ADDRESS, "10.0.0.1");
        return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getId" -> id;
                    case "getUserProperties" -> properties;
                    case "isOpen" -> open.get();
                    case "close" -> {
                        open.set(false);
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "session " + id;
                    default -> null;
                });
    }

    private MemoryBudget.Account openedHolding(Session session, long bytes) {
        assertTrue(connections.opened(session, "echo"));
        MemoryBudget.Account account = connections.budget(session);
        assertTrue(account.tryReserve(bytes));
        return account;
    }

    @Test
    void closingGivesTheSessionsBytesBack() {
        Session session = session("a", new AtomicBoolean(true));
        openedHolding(session, 1000);
        assertEquals(1000, budget.used());
        connections.closed(session, new CloseReason(CloseCodes.NORMAL_CLOSURE, ""));
        assertEquals(0, budget.used());
        assertFalse(connections.budget(session).tryReserve(1), "an ended session holds nothing more");
    }

    @Test
    void aFailureThatEndsTheSessionGivesItsBytesBackAndOneThatDoesNotKeepsThem() {
        AtomicBoolean open = new AtomicBoolean(true);
        Session session = session("b", open);
        openedHolding(session, 1000);
        connections.failed(session, new IllegalStateException("a decoder failed"));
        assertEquals(1000, budget.used(), "the session goes on");
        open.set(false);
        connections.failed(session, new IOException("connection reset"));
        assertEquals(0, budget.used());
    }

    @Test
    void theSweepGivesBackWhatASessionThatEndedWithoutACallbackHeld() {
        AtomicBoolean open = new AtomicBoolean(true);
        Session session = session("c", open);
        openedHolding(session, 1000);
        open.set(false);
        connections.sweep(System.nanoTime());
        assertEquals(0, budget.used());
    }

    @Test
    void aConnectionDroppedAfterIgnoringACloseGivesItsBytesBack() {
        Session session = session("d", new AtomicBoolean(true));
        openedHolding(session, 1000);
        connections.close(session, new CloseReason(CloseCodes.TRY_AGAIN_LATER, "Server busy: memory budget"));
        connections.sweep(System.nanoTime() + Duration.ofSeconds(6).toNanos());
        assertEquals(0, budget.used());
    }

    @Test
    void aRefusedSessionGetsNoBudget() {
        openedHolding(session("e1", new AtomicBoolean(true)), 10);
        openedHolding(session("e2", new AtomicBoolean(true)), 10);
        Session third = session("e3", new AtomicBoolean(true));
        assertFalse(connections.opened(third, "echo"), "over the per-address session limit");
        assertFalse(connections.budget(third).tryReserve(1));
        assertEquals(20, budget.used());
    }
}
