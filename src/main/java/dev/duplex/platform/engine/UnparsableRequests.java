package dev.duplex.platform.engine;

import dev.duplex.platform.RequestTarget;
import java.lang.System.Logger.Level;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Hands the requests Payara would answer by itself, before any application code runs, to the
 * application instead, so that they get Duplex's answer (status, {@code "<status> <reason>"} body
 * and the security headers of every page) rather than the engine's: a path with a bad {@code %}
 * escape ({@code GET /%zz}: Payara answered an empty 200 and logged a SEVERE stack trace), a path
 * that does not decode to UTF-8, holds a control character or climbs above the root (a bare
 * 400 "Invalid URI"), and TRACE (a bare 405). See {@link RequestTarget#unparsable}.
 *
 * <p>A Grizzly HTTP probe on each listener's HTTP codec sees every request once its headers are
 * parsed, on the connection's thread, before the request goes on to Payara. For such a request it
 * rewrites the target to the application's root (and a TRACE to a GET), so that Payara passes it
 * on, and sets the header {@value Engine#REFUSED_REQUEST_HEADER} to the answer; the handshake
 * filter answers it. The probe removes that header from every other request, so a client cannot
 * set it. Grizzly is reached by reflection only (from {@link HeaderReadTimeout}, which finds the
 * codecs); without it these requests keep Payara's answers.
 */
final class UnparsableRequests implements InvocationHandler {

    private static final System.Logger LOG = System.getLogger(UnparsableRequests.class.getName());

    private final String root;
    private final Class<?> requestType;
    private final Method getRequestUri;
    private final Method setRequestUri;
    private final Method setQueryString;
    private final Method getMethod;
    private final Method setMethod;
    private final Method getHeaders;
    private final Method setHeader;
    private final Method removeHeader;
    private volatile boolean failed;

    private UnparsableRequests(String root, ClassLoader engine) throws ReflectiveOperationException {
        this.root = root;
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
    }

    /**
     * Adds the probe to Grizzly's HTTP codec filter {@code codec}.
     *
     * @param contextPath the application's context path, where the marked requests are sent
     * @return what removes it again, or {@code null} when it could not be added
     */
    static Runnable install(Object codec, String contextPath) {
        try {
            ClassLoader engine = codec.getClass().getClassLoader();
            Class<?> probeType = Class.forName("org.glassfish.grizzly.http.HttpProbe", false, engine);
            Object config = codec.getClass().getMethod("getMonitoringConfig").invoke(codec);
            Object probes = Array.newInstance(probeType, 1);
            Array.set(probes, 0, Proxy.newProxyInstance(engine, new Class<?>[] {probeType},
                    new UnparsableRequests(contextPath + "/", engine)));
            Class<?> monitoring = Class.forName("org.glassfish.grizzly.monitoring.MonitoringConfig", false, engine);
            monitoring.getMethod("addProbes", Object[].class).invoke(config, probes);
            Method remove = monitoring.getMethod("removeProbes", Object[].class);
            return () -> {
                try {
                    remove.invoke(config, probes);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(Level.DEBUG, () -> "removing the unparsable-request probe: " + e, e);
                }
            };
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(Level.DEBUG, () -> "Unparsable requests keep the engine's answers: " + e, e);
            return null;
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "onHeaderParseEvent" -> {
                if (!failed && requestType.isInstance(args[1])) {
                    check(args[1]);
                }
            }
            case "equals" -> {
                return proxy == args[0];
            }
            case "hashCode" -> {
                return System.identityHashCode(proxy);
            }
            case "toString" -> {
                return "Duplex probe of unparsable requests";
            }
            default -> {
                // other HTTP events are of no interest
            }
        }
        return null;
    }

    private void check(Object request) {
        try {
            removeHeader.invoke(getHeaders.invoke(request), Engine.REFUSED_REQUEST_HEADER);
            String answer = null;
            if ("TRACE".equals(String.valueOf(getMethod.invoke(request)))) {
                answer = "405 Method Not Allowed";
                setMethod.invoke(request, "GET");
            } else if (RequestTarget.unparsable((String) getRequestUri.invoke(request)) != null) {
                answer = "400 Malformed URI";
            }
            if (answer != null) {
                setRequestUri.invoke(request, root);
                setQueryString.invoke(request, "");
                setHeader.invoke(request, Engine.REFUSED_REQUEST_HEADER, answer);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            failed = true;
            LOG.log(Level.WARNING, "Requests Payara cannot parse keep its own answers from now on ({0})", e.toString());
        }
    }
}
