package dev.duplex.engine.tyrus;

import dev.duplex.platform.engine.EngineAdapter;
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
import java.util.OptionalInt;

/**
 * The HTTP listeners of Payara and GlassFish (Grizzly under HK2's {@code GrizzlyService}) and the
 * hooks the platform puts on them: Grizzly's connection probes (header-read timeout), its HTTP
 * probes (requests the engine would answer itself), the codec's {@code X-Frame-Options} and the
 * worker pool's queue limit. Everything is reached by reflection, so the WAR needs no engine classes
 * at compile time. Moved here from the platform (HeaderReadTimeout, UnparsableRequests, WorkerQueue),
 * which keeps the logic and the capabilities.
 */
final class GrizzlyHttp {

    private static final System.Logger LOG = System.getLogger(GrizzlyHttp.class.getName());
    private static final String HTTP_SERVER_FILTER = "org.glassfish.grizzly.http.HttpServerFilter";

    private GrizzlyHttp() {
    }

    /** The running Grizzly listeners with an HTTP codec, from Payara's {@code GrizzlyService}. */
    static List<EngineAdapter.HttpListener> listeners() throws ReflectiveOperationException {
        Class<?> globals = null;
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                GrizzlyHttp.class.getClassLoader(), jakarta.servlet.ServletContext.class.getClassLoader()}) {
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
        List<EngineAdapter.HttpListener> listeners = new ArrayList<>();
        for (Object proxy : List.copyOf((Collection<?>) proxiesField.get(service))) {
            Object listener = proxy.getClass().getMethod("getUnderlyingListener").invoke(proxy);
            if (listener != null) {
                String name = String.valueOf(listener.getClass().getMethod("getName").invoke(listener));
                Object transport = listener.getClass().getMethod("getTransport").invoke(listener);
                listeners.add(new Listener(name, transport, httpCodec(transport)));
            }
        }
        return listeners;
    }

    /** Grizzly's HTTP codec filter in the transport's filter chain, or {@code null} (not an HTTP listener). */
    private static Object httpCodec(Object transport) throws ReflectiveOperationException {
        Object processor = transport.getClass().getMethod("getProcessor").invoke(transport);
        if (processor instanceof List<?> chain) {
            for (Object filter : chain) {
                if (codecClass(filter) != null) {
                    return filter;
                }
            }
        }
        return null;
    }

    /** {@code HttpServerFilter} when {@code filter} is one, else {@code null}. */
    private static Class<?> codecClass(Object filter) {
        for (Class<?> c = filter.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(HTTP_SERVER_FILTER)) {
                return c;
            }
        }
        return null;
    }

    private record Listener(String name, Object transport, Object codec) implements EngineAdapter.HttpListener {

        @Override
        public boolean parsesHttp() {
            return codec != null;
        }

        private Object codecOrFail() throws ReflectiveOperationException {
            if (codec == null) {
                throw new NoSuchFieldException(name + " has no HTTP codec filter");
            }
            return codec;
        }

        /**
         * Payara's HTTP codec ({@code GlassfishHttpCodecFilter}) adds {@code X-Frame-Options: SAMEORIGIN}
         * to every response that has none (the {@code http.xframe-options} setting: on or off, the value
         * is fixed). Its field is final: written by reflection.
         */
        @Override
        public String denyFraming() throws ReflectiveOperationException {
            Object filter = codecOrFail();
            for (Class<?> c = filter.getClass(); c != null; c = c.getSuperclass()) {
                Field field;
                try {
                    field = c.getDeclaredField("xFrameOptions");
                } catch (NoSuchFieldException e) {
                    continue; // look in the superclass
                }
                field.setAccessible(true);
                if (field.get(filter) != null) {
                    field.set(filter, "DENY");
                }
                Object now = field.get(filter);
                return now == null ? null : now.toString();
            }
            throw new NoSuchFieldException(filter.getClass().getName() + ".xFrameOptions");
        }

        @Override
        public OptionalInt workerQueueLimit() throws ReflectiveOperationException {
            Object pool = EngineFields.method(transport.getClass(), "getWorkerThreadPool").invoke(transport);
            if (pool == null) {
                return OptionalInt.empty(); // a transport without a worker pool runs its events on the selector threads
            }
            Object config = EngineFields.method(pool.getClass(), "getConfiguration").invoke(pool);
            return OptionalInt.of((Integer) EngineFields.method(config.getClass(), "getQueueLimit").invoke(config));
        }

        @Override
        public EngineAdapter.HeaderWatch watchHeaders(EngineAdapter.ConnectionEvents events) throws ReflectiveOperationException {
            Object filter = codecOrFail();
            return new Watch(name, events, transport, filter, codecClass(filter).getClassLoader());
        }

        @Override
        public Runnable onHeadersParsed(EngineAdapter.RequestCheck check) throws ReflectiveOperationException {
            Object filter = codecOrFail();
            ClassLoader engine = filter.getClass().getClassLoader();
            Class<?> probeType = Class.forName("org.glassfish.grizzly.http.HttpProbe", false, engine);
            Object config = filter.getClass().getMethod("getMonitoringConfig").invoke(filter);
            Object probes = Array.newInstance(probeType, 1);
            Array.set(probes, 0, Proxy.newProxyInstance(engine, new Class<?>[] {probeType}, new HeadersParsed(check, engine)));
            Class<?> monitoring = Class.forName("org.glassfish.grizzly.monitoring.MonitoringConfig", false, engine);
            monitoring.getMethod("addProbes", Object[].class).invoke(config, probes);
            Method remove = monitoring.getMethod("removeProbes", Object[].class);
            return () -> {
                try {
                    remove.invoke(config, probes);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(Level.DEBUG, () -> "removing the request probe from " + name + ": " + e, e);
                }
            };
        }
    }

    /** Grizzly's HTTP probe: hands each parsed request to the platform's check. */
    private static final class HeadersParsed implements InvocationHandler {
        private final EngineAdapter.RequestCheck check;
        private final Class<?> requestType;
        private final Method getRequestUri;
        private final Method setRequestUri;
        private final Method setQueryString;
        private final Method getMethod;
        private final Method setMethod;
        private final Method getHeaders;
        private final Method setHeader;
        private final Method removeHeader;
        private final Method getHeader;

        HeadersParsed(EngineAdapter.RequestCheck check, ClassLoader engine) throws ReflectiveOperationException {
            this.check = check;
            this.requestType = Class.forName("org.glassfish.grizzly.http.HttpRequestPacket", false, engine);
            Class<?> header = Class.forName("org.glassfish.grizzly.http.HttpHeader", false, engine);
            this.getRequestUri = requestType.getMethod("getRequestURI");
            this.setRequestUri = requestType.getMethod("setRequestURI", String.class);
            this.setQueryString = requestType.getMethod("setQueryString", String.class);
            this.getMethod = requestType.getMethod("getMethod");
            this.setMethod = requestType.getMethod("setMethod", String.class);
            this.getHeaders = header.getMethod("getHeaders");
            this.setHeader = header.getMethod("setHeader", String.class, String.class);
            this.removeHeader = getHeaders.getReturnType().getMethod("removeHeader", String.class);
            this.getHeader = header.getMethod("getHeader", String.class);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws ReflectiveOperationException {
            switch (method.getName()) {
                case "onHeaderParseEvent" -> {
                    if (requestType.isInstance(args[1])) {
                        check.check(new Request(args[0], args[1]));
                    }
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "Duplex request probe";
                }
                default -> {
                    // other HTTP events are of no interest
                }
            }
            return null;
        }

        private final class Request implements EngineAdapter.ParsedRequest {
            private final Object connection;
            private final Object packet;

            Request(Object connection, Object packet) {
                this.connection = connection;
                this.packet = packet;
            }

            @Override
            public Object connection() {
                return connection;
            }

            @Override
            public String header(String name) throws ReflectiveOperationException {
                return (String) getHeader.invoke(packet, name);
            }

            @Override
            public String method() throws ReflectiveOperationException {
                return String.valueOf(getMethod.invoke(packet));
            }

            @Override
            public String target() throws ReflectiveOperationException {
                return (String) getRequestUri.invoke(packet);
            }

            @Override
            public void reroute(String method, String path) throws ReflectiveOperationException {
                setMethod.invoke(packet, method);
                setRequestUri.invoke(packet, path);
                setQueryString.invoke(packet, "");
            }

            @Override
            public void setHeader(String name, String value) throws ReflectiveOperationException {
                setHeader.invoke(packet, name, value);
            }

            @Override
            public void removeHeader(String name) throws ReflectiveOperationException {
                removeHeader.invoke(getHeaders.invoke(packet), name);
            }
        }
    }

    /**
     * A Grizzly connection probe on one listener's transport (each new connection copies the
     * transport's probes), and the calls the header-read timeout needs on its connections.
     */
    private static final class Watch implements InvocationHandler, EngineAdapter.HeaderWatch {
        private final String name;
        private final EngineAdapter.ConnectionEvents events;
        private final Object attribute;
        private final Method attributeGet;
        private final Method isHeaderParsed;
        private final Method isOpen;
        private final Method closeSilently;
        private final Object monitoringConfig;
        private final Method removeProbes;
        private final Object probes;
        private final Object readEvent;

        Watch(String name, EngineAdapter.ConnectionEvents events, Object transport, Object codec, ClassLoader engine)
                throws ReflectiveOperationException {
            this.name = name;
            this.events = events;
            Class<?> codecClass = Class.forName(HTTP_SERVER_FILTER, false, engine);
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
            this.readEvent = ioEvent(engine, "READ");
            Class<?> monitoring = Class.forName("org.glassfish.grizzly.monitoring.MonitoringConfig", false, engine);
            this.monitoringConfig = Class.forName("org.glassfish.grizzly.Transport", false, engine)
                    .getMethod("getConnectionMonitoringConfig").invoke(transport);
            this.probes = Array.newInstance(probeType, 1);
            Array.set(probes, 0, Proxy.newProxyInstance(engine, new Class<?>[] {probeType}, this));
            this.removeProbes = monitoring.getMethod("removeProbes", Object[].class);
            monitoring.getMethod("addProbes", Object[].class).invoke(monitoringConfig, probes);
        }

        /** The connection probe: called by Grizzly on its selector threads. */
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                // Accept events go to the probes the listening connection copied when it was bound,
                // before this probe existed; each accepted connection copies the transport's probes
                // when it is created, so its first read is where it is seen.
                case "onAcceptEvent" -> events.seen(args[1]);
                case "onReadEvent" -> events.seen(args[0]);
                case "onCloseEvent" -> events.closed(args[0]);
                // on the selector thread, before the read is queued for a worker
                case "onIOEventReadyEvent" -> {
                    if (args[1] == readEvent) {
                        events.ready(args[0]);
                    }
                }
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

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static Object ioEvent(ClassLoader engine, String name) throws ClassNotFoundException {
            return Enum.valueOf((Class) Class.forName("org.glassfish.grizzly.IOEvent", false, engine), name);
        }

        @Override
        public Object requestInParsing(Object connection) throws ReflectiveOperationException {
            Object request = attributeGet.invoke(attribute, connection);
            return request != null && !(Boolean) isHeaderParsed.invoke(request) ? request : null;
        }

        @Override
        public boolean isOpen(Object connection) throws ReflectiveOperationException {
            return (Boolean) isOpen.invoke(connection);
        }

        @Override
        public void close(Object connection) throws ReflectiveOperationException {
            closeSilently.invoke(connection);
        }

        @Override
        public void uninstall() {
            try {
                removeProbes.invoke(monitoringConfig, probes);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.DEBUG, () -> "removing the header-read probe from " + name + ": " + e, e);
            }
        }
    }
}
