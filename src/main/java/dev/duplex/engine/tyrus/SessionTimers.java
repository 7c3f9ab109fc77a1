package dev.duplex.engine.tyrus;

import dev.duplex.platform.engine.EngineAdapter;
import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.Lock;

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
 * holds when it reads the field, so the new value is visible to every thread that schedules). That
 * lock is a plain monitor in Tyrus 2.1 ({@code synchronized}) and a {@link Lock} in Tyrus 2.2
 * ({@code ReentrantLock}, where {@code synchronized} on it would exclude nothing): each is taken the
 * way Tyrus takes it, and any other kind of lock makes {@link #of} fail. The
 * container's own field ({@code BaseContainer.managedScheduledExecutorService}) is final and is
 * left alone: writing final fields by reflection is what JEP 500 takes away. The one idle check
 * Tyrus schedules while creating the session still goes to the managed scheduler and is cancelled
 * by the first message.
 */
final class SessionTimers implements EngineAdapter.SessionScheduler {

    private static final String SESSION = "org.glassfish.tyrus.core.TyrusSession";
    /** The command Tyrus schedules for a session's idle-timeout check. */
    private static final String IDLE_CHECK = "org.glassfish.tyrus.core.TyrusSession$IdleTimeoutCommand";

    /** The idle check's class, once seen (the engine's class: compared by identity, never loaded here). */
    private volatile Class<?> idleCheckType;

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
        return of(sessionType, SESSION);
    }

    /** As {@link #of(Class)}, with the fields declared by the class named {@code declaring} (for tests). */
    static SessionTimers of(Class<?> sessionType, String declaring) throws NoSuchFieldException {
        Field service = EngineFields.declaredBy(sessionType, declaring, "service");
        Field lock = EngineFields.declaredBy(sessionType, declaring, "idleTimeoutLock");
        if (Modifier.isFinal(service.getModifiers())) {
            throw new IllegalStateException(declaring + ".service is final (JEP 500 forbids writing it)");
        }
        if (Modifier.isStatic(service.getModifiers()) || !service.getType().isAssignableFrom(ScheduledExecutorService.class)) {
            throw new IllegalStateException(declaring + ".service has an unexpected type " + service.getType().getName());
        }
        if (!Lock.class.isAssignableFrom(lock.getType()) && lock.getType() != Object.class) {
            throw new IllegalStateException(declaring + ".idleTimeoutLock is a " + lock.getType().getName()
                    + ", neither a monitor nor a java.util.concurrent.locks.Lock");
        }
        return new SessionTimers(service, lock);
    }

    /** Replaces {@code session}'s scheduler with {@code timers}. */
    @Override
    public void give(Session session, ScheduledExecutorService timers) throws IllegalAccessException {
        give(session, session, timers);
    }

    /** Replaces the scheduler of {@code tyrusSession} (the engine's object behind {@code session}). */
    void give(Session session, Object tyrusSession, ScheduledExecutorService timers) throws IllegalAccessException {
        Object monitor = lock.get(tyrusSession);
        if (monitor == null) {
            throw new IllegalStateException("session " + session.getId() + " has no idle-timeout lock");
        }
        if (monitor instanceof Lock exclusive) {
            exclusive.lock();
            try {
                service.set(tyrusSession, timers);
            } finally {
                exclusive.unlock();
            }
        } else {
            synchronized (monitor) {
                service.set(tyrusSession, timers);
            }
        }
    }

    /** Tyrus' idle-timeout check ({@code TyrusSession$IdleTimeoutCommand}). */
    @Override
    public boolean isIdleCheck(Runnable command) {
        Class<?> type = command.getClass();
        if (type == idleCheckType) {
            return true; // asked twice per message: a class comparison, not a name's
        }
        if (IDLE_CHECK.equals(type.getName())) {
            idleCheckType = type;
            return true;
        }
        return false;
    }

    /** How Tyrus' idle-timeout lock is taken: {@code "ReentrantLock"} or {@code "monitor"}. */
    @Override
    public String lockKind() {
        return Lock.class.isAssignableFrom(lock.getType()) ? lock.getType().getSimpleName() : "monitor";
    }

    /** Whether {@code session} runs its timers on {@code timers}. */
    @Override
    public boolean uses(Session session, ScheduledExecutorService timers) throws IllegalAccessException {
        return uses((Object) session, timers);
    }

    /** Whether the engine's {@code session} object runs its timers on {@code timers}. */
    boolean uses(Object session, ScheduledExecutorService timers) throws IllegalAccessException {
        return service.get(session) == timers;
    }
}
