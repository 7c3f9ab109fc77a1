package dev.duplex.platform.engine;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Takes the per-message timer off the WebSocket hot path on Tyrus. Tyrus' server container takes
 * its scheduler from {@code java:comp/DefaultManagedScheduledExecutorService}; on Payara every
 * {@code schedule} there captures the thread context, which scans the application's class path
 * for {@code ThreadContextProvider} services with a {@link java.util.ServiceLoader}. Tyrus
 * schedules an idle-timeout check on every message received and every message sent, so on Payara
 * 6.2025.10 that scan took about 70% of the server's CPU under an echo load (see
 * docs/PERFORMANCE.md). At start-up, before any session exists, this gives the container an
 * {@link IdleTimerExecutor} over a plain one-thread scheduler instead. Jakarta WebSocket has no
 * API for it, so the container's field is set by reflection; on other engines it does nothing.
 */
@WebListener
public class EngineTuning implements ServletContextListener {

    private static final System.Logger LOG = System.getLogger(EngineTuning.class.getName());
    private static final String TYRUS_CONTAINER = "org.glassfish.tyrus.core.BaseContainer";
    private static final String FIELD = "managedScheduledExecutorService";
    private static final String IDLE_CHECK = "org.glassfish.tyrus.core.TyrusSession$IdleTimeoutCommand";

    private ScheduledThreadPoolExecutor timers;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Object container = event.getServletContext().getAttribute(ServerContainer.class.getName());
        Field field = schedulerField(container);
        if (field == null) {
            LOG.log(Level.INFO, "WebSocket engine timers left as they are ({0})",
                    container == null ? "no WebSocket container" : container.getClass().getName());
            return;
        }
        timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "duplex-websocket-timers");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        try {
            field.set(container, new IdleTimerExecutor(timers, command -> IDLE_CHECK.equals(command.getClass().getName())));
            LOG.log(Level.INFO, "Tyrus session timers run on a plain scheduler; no-op idle checks are skipped");
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not replace the Tyrus session scheduler", e);
            timers.shutdownNow();
            timers = null;
        }
    }

    private static Field schedulerField(Object container) {
        if (container == null) {
            return null;
        }
        try {
            Field field = EngineFields.declaredBy(container.getClass(), TYRUS_CONTAINER, FIELD);
            return ScheduledExecutorService.class.isAssignableFrom(field.getType()) ? field : null;
        } catch (NoSuchFieldException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (timers != null) {
            timers.shutdownNow();
        }
    }
}
