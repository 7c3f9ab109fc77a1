package dev.duplex.engine.tyrus;

import dev.duplex.platform.engine.CloseFrameReasons;
import dev.duplex.platform.engine.EngineAdapter;
import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.util.Optional;

/**
 * The engine adapter for Tyrus over Grizzly (Payara Micro 6 and 7, GlassFish): the only place,
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

    @Override
    public Optional<String> cancelledWriteLogger() {
        return Optional.of(SERVLET_WRITER);
    }
}
