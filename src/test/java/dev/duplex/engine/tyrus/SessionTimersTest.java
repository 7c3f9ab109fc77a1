package dev.duplex.engine.tyrus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * {@link SessionTimers} against stand-ins shaped like Tyrus 2.1 (a monitor) and Tyrus 2.2 (a
 * {@code ReentrantLock}): the scheduler is replaced only while the lock Tyrus takes is held, the way
 * Tyrus takes it, and an unknown kind of lock is refused up front.
 */
class SessionTimersTest {

    /** The declaring class SessionTimers insists on is Tyrus' own name: these stand-ins are checked by shape only. */
    static class MonitorSession {
        final Object idleTimeoutLock = new Object();
        ScheduledExecutorService service;
    }

    static class LockSession {
        final ReentrantLock idleTimeoutLock = new ReentrantLock();
        ScheduledExecutorService service;
    }

    static class SemaphoreSession {
        final java.util.concurrent.Semaphore idleTimeoutLock = new java.util.concurrent.Semaphore(1);
        ScheduledExecutorService service;
    }

    private final ScheduledThreadPoolExecutor plain = new ScheduledThreadPoolExecutor(1);

    @Test
    void aReentrantLockIsTakenAsALockSoTyrusWaitsForTheReplacement() throws Exception {
        LockSession tyrus = new LockSession();
        SessionTimers timers = SessionTimers.of(LockSession.class, LockSession.class.getName());
        assertEquals("ReentrantLock", timers.lockKind());
        tyrus.idleTimeoutLock.lock(); // Tyrus is scheduling: the replacement must wait for it
        CompletableFuture<Void> give = CompletableFuture.runAsync(() -> {
            try {
                timers.give(session(), tyrus, plain);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> give.get(200, TimeUnit.MILLISECONDS), "replaced while Tyrus held its lock");
        tyrus.idleTimeoutLock.unlock();
        give.get(30, TimeUnit.SECONDS);
        assertSame(plain, tyrus.service);
        assertTrue(timers.uses(tyrus, plain));
        plain.shutdownNow();
    }

    @Test
    void aMonitorIsTakenWithSynchronized() throws Exception {
        MonitorSession tyrus = new MonitorSession();
        SessionTimers timers = SessionTimers.of(MonitorSession.class, MonitorSession.class.getName());
        assertEquals("monitor", timers.lockKind());
        CompletableFuture<Void> give;
        synchronized (tyrus.idleTimeoutLock) {
            give = CompletableFuture.runAsync(() -> {
                try {
                    timers.give(session(), tyrus, plain);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThrows(TimeoutException.class, () -> give.get(200, TimeUnit.MILLISECONDS), "replaced while Tyrus held its monitor");
        }
        give.get(30, TimeUnit.SECONDS);
        assertSame(plain, tyrus.service);
        plain.shutdownNow();
    }

    @Test
    void anUnknownKindOfLockIsRefused() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> SessionTimers.of(SemaphoreSession.class, SemaphoreSession.class.getName()));
        assertTrue(refused.getMessage().contains("Semaphore"), refused.getMessage());
        plain.shutdownNow();
    }

    @Test
    void tyrusIdleCheckIsRecognisedByItsClassAndNothingElseIs() throws Exception {
        SessionTimers timers = SessionTimers.of(LockSession.class, LockSession.class.getName());
        // Tyrus' own idle check (tyrus-core is on the test class path), made without its session
        Class<?> type = Class.forName("org.glassfish.tyrus.core.TyrusSession$IdleTimeoutCommand");
        java.lang.reflect.Field unsafeField = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
        unsafeField.setAccessible(true);
        Object unsafe = unsafeField.get(null);
        Runnable check = (Runnable) unsafe.getClass().getMethod("allocateInstance", Class.class).invoke(unsafe, type);
        Runnable other = () -> { };

        assertFalse(timers.isIdleCheck(other));
        assertTrue(timers.isIdleCheck(check));
        assertTrue(timers.isIdleCheck(check), "the second time, once its class is remembered");
        assertFalse(timers.isIdleCheck(other), "another command after the idle check's class is remembered");
    }

    private static jakarta.websocket.Session session() {
        InvocationHandler id = (proxy, method, args) -> "getId".equals(method.getName()) ? "s1" : null;
        return (jakarta.websocket.Session) Proxy.newProxyInstance(SessionTimersTest.class.getClassLoader(),
                new Class<?>[] {jakarta.websocket.Session.class}, id);
    }
}
