package dev.duplex.platform.engine;

import dev.duplex.platform.Connections;
import dev.duplex.platform.DaemonThreads;
import dev.duplex.platform.RateLimitedLog;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.lang.System.Logger.Level;
import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
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
 * <p>Grizzly parses headers on its own before any servlet runs, so this works at the connection
 * level: at start it finds each HTTP listener's transport (HK2 {@code GrizzlyService} → network
 * proxies → Grizzly listener → transport), registers a connection probe that keeps the set of open
 * connections that have sent something (each new connection copies the transport's probes), and once a second looks at each connection's request in parsing (the attribute
 * Grizzly's HTTP codec filter keeps per connection). A connection whose same request has had
 * unparsed headers for longer than {@code duplex.http.header-timeout-seconds} is closed without an
 * answer (as nginx does on {@code client_header_timeout}) and counted under
 * {@code refusals."header timeout"} in {@code /api/status}. The deadline therefore runs from the
 * first sweep that sees the request, up to one second after its first byte. Connections with no
 * bytes at all are left to Grizzly's idle timeout ({@code timeout-seconds}).
 *
 * <p>At the same place it makes the engine's own error responses say {@code X-Frame-Options: DENY}
 * instead of Payara's fixed {@code SAMEORIGIN} (see {@link #denyFraming}).
 *
 * <p>Everything about Grizzly is reached by reflection, so the WAR needs no engine classes at
 * compile time; when the engine's internals differ (another Payara version), the start log says
 * that the timeout is <em>not</em> active, and the IT that checks it fails.
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
        List<Watch> watches = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> framing = new ArrayList<>();
        List<String> gated = new ArrayList<>();
        try {
            for (Object listener : grizzlyListeners()) {
                String name = String.valueOf(listener.getClass().getMethod("getName").invoke(listener));
                Object transport = listener.getClass().getMethod("getTransport").invoke(listener);
                Object codec = httpCodec(transport);
                if (codec == null) {
                    continue;
                }
                if (denyFraming(codec)) {
                    framing.add(name);
                }
                Runnable ungate = UnparsableRequests.install(codec, event.getServletContext().getContextPath());
                if (ungate != null) {
                    gated.add(name);
                    uninstall.add(ungate);
                }
                if (seconds > 0) {
                    Watch watch = new Watch(name, TimeUnit.SECONDS.toNanos(seconds), () -> connections.refused("header timeout"),
                            transport, codec, engineClass(codec).getClassLoader());
                    watches.add(watch);
                    names.add(name);
                    uninstall.add(watch::uninstall);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, () -> "Grizzly listeners not found: " + e, e);
        }
        Capability framingCapability = Engine.capability(Engine.ENGINE_ERROR_FRAMING,
                "responses the engine writes itself (400 Invalid URI, 405 TRACE) say X-Frame-Options: SAMEORIGIN");
        if (framing.isEmpty()) {
            framingCapability.inactive("Payara's HTTP codec field xFrameOptions was not found or could not be changed");
        } else {
            framingCapability.active("engine-written responses say X-Frame-Options: DENY on " + framing
                    + (gated.isEmpty() ? "; paths Payara cannot parse and TRACE keep Payara's bare answers"
                            : "; paths Payara cannot parse (400) and TRACE (405) are answered by Duplex on " + gated));
        }
        Capability timeout = Engine.capability(Engine.HEADER_TIMEOUT,
                "request headers may be trickled in for as long as every byte comes within Grizzly's idle timeout");
        if (seconds <= 0) {
            timeout.inactive("switched off (duplex.http.header-timeout-seconds=0)");
            return;
        }
        if (watches.isEmpty()) {
            timeout.inactive("no Grizzly HTTP listener found to watch; rely on a proxy's header timeout");
            return;
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("duplex-header-timeout"));
        sweeper.scheduleWithFixedDelay(() -> watches.forEach(w -> w.sweep(System.nanoTime())), 1, 1, TimeUnit.SECONDS);
        timeout.active("request headers must be complete within " + seconds + " s on " + names);
    }

    /** Grizzly's HTTP codec filter in the transport's filter chain, or {@code null} (not an HTTP listener). */
    private static Object httpCodec(Object transport) throws ReflectiveOperationException {
        Object processor = transport.getClass().getMethod("getProcessor").invoke(transport);
        if (processor instanceof List<?> chain) {
            for (Object filter : chain) {
                if (engineClass(filter) != null) {
                    return filter;
                }
            }
        }
        return null;
    }

    /** {@code org.glassfish.grizzly.http.HttpServerFilter} when {@code filter} is one, else {@code null}. */
    private static Class<?> engineClass(Object filter) {
        for (Class<?> c = filter.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.glassfish.grizzly.http.HttpServerFilter")) {
                return c;
            }
        }
        return null;
    }

    /**
     * Payara's HTTP codec ({@code GlassfishHttpCodecFilter}) adds {@code X-Frame-Options: SAMEORIGIN}
     * to every response that has none (the {@code http.xframe-options} setting: on or off, the
     * value is fixed). The application sets DENY on all its own responses; this makes the codec
     * say DENY too on the ones the engine writes before any application code runs, such as 400
     * "Invalid URI" and 405 for TRACE. Its field is final: written by reflection.
     */
    private static boolean denyFraming(Object codec) {
        for (Class<?> c = codec.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField("xFrameOptions");
                field.setAccessible(true);
                if (field.get(codec) != null) {
                    field.set(codec, "DENY");
                }
                return "DENY".equals(field.get(codec));
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.DEBUG, () -> "X-Frame-Options of the engine's responses unchanged: " + e, e);
                return false;
            }
        }
        return false;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        uninstall.forEach(Runnable::run);
        uninstall.clear();
    }

    /** The running Grizzly listeners, from Payara's {@code GrizzlyService}. */
    static List<Object> grizzlyListeners() throws ReflectiveOperationException {
        Class<?> globals = null;
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                HeaderReadTimeout.class.getClassLoader(), jakarta.servlet.ServletContext.class.getClassLoader()}) {
            try {
                globals = Class.forName("org.glassfish.internal.api.Globals", false, loader);
                break;
            } catch (ClassNotFoundException e) {
                // try the next loader
            }
        }
        if (globals == null) {
            throw new ClassNotFoundException("org.glassfish.internal.api.Globals");
        }
        Object locator = globals.getMethod("getDefaultHabitat").invoke(null);
        Class<?> serviceClass = Class.forName("com.sun.enterprise.v3.services.impl.GrizzlyService", false, globals.getClassLoader());
        Method getService = locator.getClass().getMethod("getService", Class.class, Annotation[].class);
        Object service = getService.invoke(locator, serviceClass, new Annotation[0]);
        Field proxiesField = serviceClass.getDeclaredField("proxies");
        proxiesField.setAccessible(true);
        List<Object> listeners = new ArrayList<>();
        for (Object proxy : List.copyOf((Collection<?>) proxiesField.get(service))) {
            Object listener = proxy.getClass().getMethod("getUnderlyingListener").invoke(proxy);
            if (listener != null) {
                listeners.add(listener);
            }
        }
        return listeners;
    }

    /** The probe and the per-connection bookkeeping of one listener. */
    private static final class Watch implements InvocationHandler {

        private final String name;
        private final long timeoutNanos;
        private final Runnable onTimeout;
        private final Object attribute;
        private final Method attributeGet;
        private final Method isHeaderParsed;
        private final Method isOpen;
        private final Method closeSilently;
        private final Object monitoringConfig;
        private final Method removeProbes;
        private final Object probes;
        private final Map<Object, HeaderClock> open = new ConcurrentHashMap<>();
        private final RateLimitedLog timeouts = new RateLimitedLog(LOG, Level.WARNING, TimeUnit.MINUTES.toNanos(1), System::nanoTime);

        private Watch(String name, long timeoutNanos, Runnable onTimeout, Object transport, Object codec, ClassLoader engine)
                throws ReflectiveOperationException {
            this.name = name;
            this.timeoutNanos = timeoutNanos;
            this.onTimeout = onTimeout;
            Class<?> codecClass = Class.forName("org.glassfish.grizzly.http.HttpServerFilter", false, engine);
            Field field = codecClass.getDeclaredField("httpRequestInProcessAttr");
            field.setAccessible(true);
            this.attribute = field.get(codec);
            Class<?> attributeClass = Class.forName("org.glassfish.grizzly.attributes.Attribute", false, engine);
            Class<?> storage = Class.forName("org.glassfish.grizzly.attributes.AttributeStorage", false, engine);
            this.attributeGet = attributeClass.getMethod("get", storage);
            this.isHeaderParsed = Class.forName("org.glassfish.grizzly.http.HttpPacketParsing", false, engine).getMethod("isHeaderParsed");
            Class<?> connection = Class.forName("org.glassfish.grizzly.Connection", false, engine);
            this.isOpen = connection.getMethod("isOpen");
            this.closeSilently = connection.getMethod("closeSilently");
            Class<?> probeType = Class.forName("org.glassfish.grizzly.ConnectionProbe", false, engine);
            Class<?> monitoring = Class.forName("org.glassfish.grizzly.monitoring.MonitoringConfig", false, engine);
            this.monitoringConfig = Class.forName("org.glassfish.grizzly.Transport", false, engine)
                    .getMethod("getConnectionMonitoringConfig").invoke(transport);
            this.probes = Array.newInstance(probeType, 1);
            Array.set(probes, 0, Proxy.newProxyInstance(engine, new Class<?>[] {probeType}, this));
            this.removeProbes = monitoring.getMethod("removeProbes", Object[].class);
            monitoring.getMethod("addProbes", Object[].class).invoke(monitoringConfig, probes);
        }

        /** The connection probe: called by Grizzly on its selector threads, so it only updates the map. */
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                // Accept events go to the probes the listening connection copied when it was bound,
                // before this probe existed; each accepted connection copies the transport's probes
                // when it is created, so its first read is where it is seen.
                case "onAcceptEvent" -> open.putIfAbsent(args[1], new HeaderClock());
                case "onReadEvent" -> {
                    if (!open.containsKey(args[0])) {
                        open.putIfAbsent(args[0], new HeaderClock());
                    }
                }
                case "onCloseEvent" -> open.remove(args[0]);
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "Duplex header-read timeout probe on " + name;
                }
                default -> {
                    // other connection events are of no interest
                }
            }
            return null;
        }

        void sweep(long now) {
            open.forEach((connection, clock) -> {
                try {
                    if (!(Boolean) isOpen.invoke(connection)) {
                        open.remove(connection);
                        return;
                    }
                    Object request = attributeGet.invoke(attribute, connection);
                    boolean parsing = request != null && !(Boolean) isHeaderParsed.invoke(request);
                    if (clock.expired(parsing ? request : null, now, timeoutNanos)) {
                        open.remove(connection);
                        closeSilently.invoke(connection);
                        onTimeout.run();
                        logTimeout(connection);
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(Level.DEBUG, () -> "header-read timeout sweep on " + name + ": " + e, e);
                }
            });
        }

        private void logTimeout(Object connection) {
            timeouts.log("Connections closed: request headers not complete within "
                    + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s (slowloris?; /api/status counts them all)",
                    connection + " on " + name);
        }

        void uninstall() {
            try {
                removeProbes.invoke(monitoringConfig, probes);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.DEBUG, () -> "removing the header-read probe from " + name + ": " + e, e);
            }
            open.clear();
        }
    }
}
