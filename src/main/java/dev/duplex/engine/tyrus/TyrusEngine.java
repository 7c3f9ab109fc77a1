package dev.duplex.engine.tyrus;

import dev.duplex.platform.engine.CloseFrameReasons;
import dev.duplex.platform.engine.EngineAdapter;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The engine adapter for Tyrus over Grizzly (Payara Micro 6 and 7, GlassFish; with Payara's Catalina
 * for the end of an upgrade): the only place,
 * with its package, that names their classes. Found by {@code Engine.adapter()} through
 * {@link java.util.ServiceLoader}; this class names no Tyrus type in its signatures, so it loads
 * on any server and {@link #available()} answers false where Tyrus is absent.
 */
public final class TyrusEngine implements EngineAdapter {

    private static final String SESSION = "org.glassfish.tyrus.core.TyrusSession";
    private static final String REMOTE = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    private static final String WEB_SOCKET = "org.glassfish.tyrus.core.TyrusWebSocket";
    private static final String PROTOCOL_HANDLER = "org.glassfish.tyrus.core.ProtocolHandler";
    /** The JUL logger of Tyrus' servlet writer (Tyrus 2.1 and 2.2). */
    static final String SERVLET_WRITER = "org.glassfish.tyrus.servlet.TyrusServletWriter";

    private final TyrusRawFrames rawFrames = new TyrusRawFrames();
    /** {@code TyrusSession.getRemoteAddr()}, found on the first session. */
    private volatile Method remoteAddress;

    /** For {@link java.util.ServiceLoader}. */
    public TyrusEngine() {
    }

    @Override
    public String name() {
        return "Tyrus";
    }

    @Override
    public boolean available() {
        try {
            Class.forName(SESSION, false, TyrusEngine.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Wraps {@code ProtocolHandler.writer} (a volatile field Tyrus sets through {@code setWriter}) in a {@link ReasonWriter}. */
    /** {@code TyrusSession.getRemoteAddr()}, called reflectively so that the WAR links on other engines. */
    @Override
    public String remoteAddress(Session session) throws ReflectiveOperationException {
        Method method = remoteAddress;
        if (method == null || !method.getDeclaringClass().isInstance(session)) {
            method = session.getClass().getMethod("getRemoteAddr");
            remoteAddress = method;
        }
        Object address = method.invoke(session);
        return address == null ? null : address.toString();
    }

    @Override
    public Object connectionOf(Session session) throws ReflectiveOperationException {
        return GrizzlyConnections.connectionOf(session);
    }

    @Override
    public Object connectionOf(ServletRequest handshake) throws ReflectiveOperationException {
        return GrizzlyConnections.connectionOf(handshake);
    }

    @Override
    public void abort(Object connection) throws ReflectiveOperationException {
        GrizzlyConnections.abort(connection);
    }

    @Override
    public boolean isOpen(Object connection) throws ReflectiveOperationException {
        return GrizzlyConnections.open(connection);
    }

    @Override
    public int limitWriteQueue(Object connection, int bytes) throws ReflectiveOperationException {
        return GrizzlyConnections.limit(connection, bytes);
    }

    @Override
    public int writeQueued(Object connection) throws ReflectiveOperationException {
        return GrizzlyConnections.queued(connection);
    }

    @Override
    public int writeQueueHardLimitMultiplier(Object connection) throws ReflectiveOperationException {
        return GrizzlyConnections.hardLimitMultiplier(connection);
    }

    @Override
    public void rewriteCloseFrames(Session session, CloseFrameReasons.Rewrite rewrite) throws ReflectiveOperationException {
        Object remote = session.getAsyncRemote();
        Field webSocketField = EngineFields.declaredBy(remote.getClass(), REMOTE, "webSocket");
        Object webSocket = webSocketField.get(remote);
        Field handlerField = EngineFields.declaredBy(webSocketField.getType(), WEB_SOCKET, "protocolHandler");
        Object handler = handlerField.get(webSocket);
        Field writerField = EngineFields.declaredBy(handlerField.getType(), PROTOCOL_HANDLER, "writer");
        Object writer = writerField.get(handler);
        if (writer == null) {
            throw new IllegalStateException("the connection has no writer");
        }
        if (!ReasonWriter.wraps(writer)) {
            writerField.set(handler, ReasonWriter.of(writer, rewrite));
        }
    }

    @Override
    public RawFrames rawFrames(Session session) throws ReflectiveOperationException {
        return rawFrames.of(session);
    }

    /** Tyrus' version, from {@code tyrus-core}'s Maven properties or its package; empty for a container that is not Tyrus'. */
    @Override
    public Optional<String> version(Class<?> containerType) {
        if (!containerType.getName().startsWith("org.glassfish.tyrus.")) {
            return Optional.empty();
        }
        try {
            Class<?> core = Class.forName("org.glassfish.tyrus.core.BaseContainer", false, containerType.getClassLoader());
            try (InputStream in = core.getResourceAsStream("/META-INF/maven/org.glassfish.tyrus/tyrus-core/pom.properties")) {
                if (in != null) {
                    Properties pom = new Properties();
                    pom.load(in);
                    return Optional.of(pom.getProperty("version", "unknown"));
                }
            }
            String implementation = core.getPackage() == null ? null : core.getPackage().getImplementationVersion();
            return Optional.of(implementation != null ? implementation : "unknown");
        } catch (ClassNotFoundException | IOException | RuntimeException | LinkageError e) {
            System.getLogger(TyrusEngine.class.getName()).log(System.Logger.Level.DEBUG, () -> "Tyrus version not found: " + e);
            return Optional.of("unknown");
        }
    }

    /** {@code TyrusSession.service}, replaced under its {@code idleTimeoutLock} ({@link SessionTimers}). */
    @Override
    public SessionScheduler sessionScheduler(Class<?> containerType) throws ReflectiveOperationException {
        return SessionTimers.of(Class.forName(SESSION, false, containerType.getClassLoader()));
    }

    /** A Catalina container listener on Payara's web context ({@link UpgradeEnd}). */
    @Override
    public Runnable observeUpgradeEnd(ServletContext context, Runnable done) throws ReflectiveOperationException {
        return UpgradeEnd.install(context, done);
    }

    @Override
    public Optional<String> cancelledWriteLogger() {
        return Optional.of(SERVLET_WRITER);
    }

    /** Tyrus' upgrade handler's input stream and read buffer ({@link TyrusFrameInputs}). */
    @Override
    public FrameInputs frameInputs() throws ReflectiveOperationException {
        return new TyrusFrameInputs(TyrusEngine.class.getClassLoader());
    }

    /** Payara's Grizzly HTTP listeners ({@link GrizzlyHttp}). */
    @Override
    public List<HttpListener> httpListeners() throws ReflectiveOperationException {
        return GrizzlyHttp.listeners();
    }
}
