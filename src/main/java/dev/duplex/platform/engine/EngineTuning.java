package dev.duplex.platform.engine;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Starts the {@link Engine} adapter when the application starts, before any session exists: it
 * finds the WebSocket engine and its version, prepares the plain scheduler that sessions get
 * instead of Tyrus' managed one ({@link EngineAdapter.SessionScheduler}: on Payara 6.2025.10 the managed
 * scheduler's per-message context capture took about 70% of the server's CPU under an echo load,
 * see docs/PERFORMANCE.md), and logs one line per engine capability. Stops it with the application.
 *
 * <p>Earlier versions replaced the container's {@code final} scheduler field by reflection; that
 * is what JEP 500 forbids, so the scheduler is now given to each session through Tyrus' non-final
 * per-session field instead.
 */
@WebListener
public class EngineTuning implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Engine.start(event.getServletContext());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Engine.stop();
    }
}
