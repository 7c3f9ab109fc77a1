package dev.duplex.platform.engine;

import dev.duplex.platform.Connections;
import dev.duplex.platform.DaemonThreads;
import dev.duplex.platform.RateLimitedLog;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Bounds the total time a client may take to send an HTTP request's headers (slowloris). Payara
 * has no such setting: {@code protocol.http.timeout-seconds} is Grizzly's idle timeout, restarted
 * by every byte that arrives, and {@code request-timeout-seconds} limits the worker thread's time
 * after the headers are in; so one header byte every few seconds held a connection open for ever.
 *
 * <p>The engine parses headers on its own before any servlet runs, so this works at the connection
 * level, through the engine adapter's HTTP listeners ({@link EngineAdapter#httpListeners}; on
 * Payara, Grizzly's): a {@link EngineAdapter.HeaderWatch} per listener tells this class of each
 * connection that sent something and each that closed, and once a second the sweep asks for each
 * open connection's request in parsing. A connection whose same request has had unparsed headers
 * for longer than {@code duplex.http.header-timeout-seconds} is closed without an answer (as nginx
 * does on {@code client_header_timeout}) and counted under {@code refusals."header timeout"} in
 * {@code /api/status}. The deadline therefore runs from the first sweep that sees the request, up
 * to one second after its first byte. Connections with no bytes at all are left to the engine's
 * idle timeout.
 *
 * <p>The capability {@value Engine#HEADER_TIMEOUT} is proven by behaviour: untested while the
 * watch is installed but has seen nothing; active once the engine has told it of a connection and
 * its request's state was read on it (so the watch sees this engine's connections); inactive when
 * reading that state fails, or a connection closed for its timeout stays open.
 *
 * <p>At the same place it makes the engine's own error responses say {@code X-Frame-Options: DENY}
 * ({@value Engine#ENGINE_ERROR_FRAMING}) and hands the requests the engine would answer itself to
 * the application ({@link UnparsableRequests}). Where the engine has no such listeners (the
 * portable adapter), the start log says which protections need a proxy in front.
 */
@WebListener
public class HeaderReadTimeout implements ServletContextListener {

    private static final System.Logger LOG = System.getLogger(HeaderReadTimeout.class.getName());

    @Inject
    Connections connections;

    private ScheduledExecutorService sweeper;
    private final List<Runnable> uninstall = new ArrayList<>();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        long seconds = ConfigProvider.getConfig().getOptionalValue("duplex.http.header-timeout-seconds", Long.class).orElse(10L);
        long waitMillis = ConfigProvider.getConfig().getOptionalValue("duplex.limits.max-handshake-wait-millis", Long.class).orElse(10_000L);
        install(Engine.adapter(), seconds, waitMillis, event.getServletContext().getContextPath(), () -> {
            if (connections != null) {
                connections.refused("header timeout");
            }
        });
    }

    /** Installs the hooks on {@code engine}'s HTTP listeners and reports the three capabilities. */
    void install(EngineAdapter engine, long seconds, long handshakeWaitMillis, String contextPath, Runnable onTimeout) {
        Capability waitCapability = Engine.capability(Engine.HANDSHAKE_WAIT,
                "a handshake waits for a worker thread as long as the engine's queue holds it, and is closed unanswered"
                        + " after the engine's idle timeout; rely on a proxy's connection limits");
        Capability framingCapability = Engine.capability(Engine.ENGINE_ERROR_FRAMING,
                "responses the engine writes itself (400 Invalid URI, 405 TRACE) say X-Frame-Options: SAMEORIGIN");
        Capability timeout = Engine.capability(Engine.HEADER_TIMEOUT,
                "request headers may be trickled in for as long as every byte comes within the engine's idle timeout;"
                        + " rely on a proxy's header timeout");
        List<EngineAdapter.HttpListener> listeners;
        try {
            listeners = engine.httpListeners();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, () -> "HTTP listeners not found: " + e, e);
            framingCapability.inactive(engine.name() + " has no HTTP listener Duplex can reach: " + e);
            timeout.inactive(engine.name() + " has no HTTP listener Duplex can reach: " + e);
            waitCapability.inactive(engine.name() + " has no HTTP listener Duplex can reach: " + e);
            return;
        }
        List<Watch> watches = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> framing = new ArrayList<>();
        List<String> gated = new ArrayList<>();
        List<String> waited = new ArrayList<>();
        UnparsableRequests unparsable = new UnparsableRequests(contextPath + "/", framingCapability);
        for (EngineAdapter.HttpListener listener : listeners) {
            if (!listener.parsesHttp()) {
                continue;
            }
            String name = listener.name();
            try {
                if ("DENY".equals(listener.denyFraming())) {
                    framing.add(name);
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.log(Level.DEBUG, () -> "X-Frame-Options of the engine's responses unchanged on " + name + ": " + e, e);
            }
            Watch watch = null;
            if (seconds > 0 || handshakeWaitMillis > 0) {
                try {
                    watch = new Watch(name, seconds > 0 ? TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE, onTimeout, timeout);
                    watch.hook = listener.watchHeaders(watch);
                    if (seconds > 0) {
                        watches.add(watch);
                        names.add(name);
                    }
                    uninstall.add(watch::uninstall);
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    watch = null;
                    LOG.log(Level.DEBUG, () -> "header-read timeout and handshake wait not installed on " + name + ": " + e, e);
                }
            }
            EngineAdapter.RequestCheck check = unparsable;
            if (watch != null && handshakeWaitMillis > 0) {
                HandshakeWait wait = new HandshakeWait(TimeUnit.MILLISECONDS.toNanos(handshakeWaitMillis), watch::parsed, System::nanoTime,
                        waitCapability);
                check = request -> {
                    unparsable.check(request);
                    wait.check(request);
                };
            }
            try {
                uninstall.add(listener.onHeadersParsed(check));
                gated.add(name);
                if (check != unparsable) {
                    waited.add(name);
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.log(Level.DEBUG, () -> "Unparsable requests keep the engine's answers on " + name + ": " + e, e);
            }
        }
        if (handshakeWaitMillis <= 0) {
            waitCapability.inactive("switched off (duplex.limits.max-handshake-wait-millis=0)");
        } else if (waited.isEmpty()) {
            waitCapability.inactive("no HTTP listener of " + engine.name() + " could be watched; rely on a proxy's connection limits");
        } else {
            waitCapability.untested("watching " + waited + " for handshakes that waited longer than " + handshakeWaitMillis
                    + " ms for a worker thread; proven when a handshake's wait is measured");
        }
        if (framing.isEmpty()) {
            framingCapability.inactive("the engine's HTTP codec's X-Frame-Options was not found or did not keep DENY");
        } else {
            if (gated.isEmpty()) {
                framingCapability.untested("X-Frame-Options read back as DENY on " + framing
                        + "; no request probe on the codec, so not seen serving requests");
            } else {
                framingCapability.untested("X-Frame-Options read back as DENY on " + framing
                        + "; proven when the codec's request probe sees the first request");
            }
            unparsable.proveFraming("engine-written responses say X-Frame-Options: DENY on " + framing + " (read back from the codec,"
                    + " whose request probe has seen a request)"
                    + (gated.isEmpty() ? "; paths the engine cannot parse and TRACE keep its bare answers"
                            : "; paths the engine cannot parse (400) and TRACE (405) are answered by Duplex on " + gated));
        }
        if (seconds <= 0) {
            timeout.inactive("switched off (duplex.http.header-timeout-seconds=0)");
            return;
        }
        if (watches.isEmpty()) {
            timeout.inactive("no HTTP listener of " + engine.name() + " could be watched; rely on a proxy's header timeout");
            return;
        }
        timeout.untested("watching " + names + "; proven when the watch has been told of a connection and read its request's state");
        sweeper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("duplex-header-timeout"));
        sweeper.scheduleWithFixedDelay(() -> watches.forEach(w -> w.sweep(System.nanoTime())), 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        uninstall.forEach(Runnable::run);
        uninstall.clear();
    }

    /** The per-connection bookkeeping of one listener; told of connections by the engine's watch. */
    static final class Watch implements EngineAdapter.ConnectionEvents {

        private final String name;
        private final long timeoutNanos;
        private final Runnable onTimeout;
        private final Capability capability;
        volatile EngineAdapter.HeaderWatch hook;
        private final Map<Object, HeaderClock> open = new ConcurrentHashMap<>();
        private final RateLimitedLog timeouts = new RateLimitedLog(LOG, Level.WARNING, TimeUnit.MINUTES.toNanos(1), System::nanoTime);

        Watch(String name, long timeoutNanos, Runnable onTimeout, Capability capability) {
            this.name = name;
            this.timeoutNanos = timeoutNanos;
            this.onTimeout = onTimeout;
            this.capability = capability;
        }

        /** On the engine's threads: only records. */
        @Override
        public void seen(Object connection) {
            if (!open.containsKey(connection)) {
                open.putIfAbsent(connection, new HeaderClock());
            }
        }

        /** On the engine's selector thread: only records (the first ready read since the last parsed request). */
        @Override
        public void ready(Object connection) {
            HeaderClock clock = open.get(connection);
            if (clock == null) {
                clock = new HeaderClock();
                HeaderClock before = open.putIfAbsent(connection, clock);
                if (before != null) {
                    clock = before;
                }
            }
            clock.ready(System::nanoTime);
        }

        /** A request's headers are parsed on {@code connection}: its wait since its bytes were ready, or -1 ({@link HeaderClock#parsed}). */
        long parsed(Object connection, long now) {
            HeaderClock clock = open.get(connection);
            return clock == null ? -1 : clock.parsed(now);
        }

        @Override
        public void closed(Object connection) {
            open.remove(connection);
        }

        void sweep(long now) {
            EngineAdapter.HeaderWatch engine = hook;
            if (engine == null || capability.status().state() == Capability.State.INACTIVE) {
                return;
            }
            open.forEach((connection, clock) -> {
                Object request;
                try {
                    if (!engine.isOpen(connection)) {
                        open.remove(connection);
                        return;
                    }
                    request = engine.requestInParsing(connection);
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    capability.inactive("the state of a connection's request cannot be read on " + name + ": " + e);
                    return;
                }
                if (capability.status().state() == Capability.State.UNTESTED) {
                    capability.active("request headers must be complete within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)
                            + " s on " + name + " (seen: the watch was told of a connection and read its request's state)");
                }
                if (clock.expired(request, now, timeoutNanos)) {
                    open.remove(connection);
                    try {
                        engine.close(connection);
                        if (engine.isOpen(connection)) {
                            capability.inactive("a connection closed for its header timeout stayed open on " + name);
                        }
                    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                        capability.inactive("a connection cannot be closed on " + name + ": " + e);
                    }
                    onTimeout.run();
                    timeouts.log("Connections closed: request headers not complete within "
                            + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s (slowloris?; /api/status counts them all)",
                            connection + " on " + name);
                }
            });
        }

        void uninstall() {
            EngineAdapter.HeaderWatch engine = hook;
            if (engine != null) {
                engine.uninstall();
            }
            open.clear();
        }
    }
}
