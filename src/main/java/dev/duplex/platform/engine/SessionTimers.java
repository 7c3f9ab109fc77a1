package dev.duplex.platform.engine;

import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Gives each Tyrus session a plain scheduler for its timers, in place of the container's managed
 * one. Tyrus schedules a session's idle-timeout check on every message received and every message
 * sent (even when the session has no idle timeout: then with delay 0, and the check does nothing);
 * on Payara each {@code schedule} on the default managed scheduled executor captures the thread
 * context, which scans the application's class path with a {@link java.util.ServiceLoader}: about
 * 70% of the server's CPU under an echo load (docs/PERFORMANCE.md). Jakarta WebSocket has no API
 * for the scheduler.
 *
 * <p>How: {@code TyrusSession} copies the container's scheduler into its own field
 * {@code service} when it is created. That field is not final, so it is replaced per session, at
 * {@code @OnOpen} before any message, under the session's {@code idleTimeoutLock} (the lock Tyrus
 * holds when it reads the field, so the new value is visible to every thread that schedules). The
 * container's own field ({@code BaseContainer.managedScheduledExecutorService}) is final and is
 * left alone: writing final fields by reflection is what JEP 500 takes away. The one idle check
 * Tyrus schedules while creating the session still goes to the managed scheduler and is cancelled
 * by the first message.
 */
final class SessionTimers {

    private static final String SESSION = "org.glassfish.tyrus.core.TyrusSession";

    private final Field service;
    private final Field lock;

    private SessionTimers(Field service, Field lock) {
        this.service = service;
        this.lock = lock;
    }

    /**
     * The fields of Tyrus' session class as expected, or an exception saying what differs.
     *
     * @param sessionType Tyrus' session class, or a subclass
     */
    static SessionTimers of(Class<?> sessionType) throws NoSuchFieldException {
        Field service = EngineFields.declaredBy(sessionType, SESSION, "service");
        Field lock = EngineFields.declaredBy(sessionType, SESSION, "idleTimeoutLock");
        if (Modifier.isFinal(service.getModifiers())) {
            throw new IllegalStateException(SESSION + ".service is final (JEP 500 forbids writing it)");
        }
        if (Modifier.isStatic(service.getModifiers()) || !service.getType().isAssignableFrom(ScheduledExecutorService.class)) {
            throw new IllegalStateException(SESSION + ".service has an unexpected type " + service.getType().getName());
        }
        return new SessionTimers(service, lock);
    }

    /** Replaces {@code session}'s scheduler with {@code timers}. */
    void give(Session session, ScheduledExecutorService timers) throws IllegalAccessException {
        Object monitor = lock.get(session);
        if (monitor == null) {
            throw new IllegalStateException("session " + session.getId() + " has no idle-timeout lock");
        }
        synchronized (monitor) {
            service.set(session, timers);
        }
    }

    /** Whether {@code session} runs its timers on {@code timers}. */
    boolean uses(Session session, ScheduledExecutorService timers) throws IllegalAccessException {
        return service.get(session) == timers;
    }
}
