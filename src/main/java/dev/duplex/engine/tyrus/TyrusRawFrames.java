package dev.duplex.engine.tyrus;

import dev.duplex.platform.engine.EngineAdapter;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;

/**
 * Pre-encoded frames written straight to a Tyrus session's connection, the way Tyrus writes its
 * own: under the session's protocol lock ({@code ProtocolHandler.lock}), on its connection writer
 * ({@code ProtocolHandler.writer}), with a completion callback ({@link TyrusWrites}). The fields on
 * the way are found once per adapter.
 */
final class TyrusRawFrames {

    private static final String REMOTE = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    private static final String WEB_SOCKET = "org.glassfish.tyrus.core.TyrusWebSocket";
    private static final String PROTOCOL_HANDLER = "org.glassfish.tyrus.core.ProtocolHandler";

    /** The fields on the way from a session's remote to its writer. */
    private record Path(Field webSocket, Field protocolHandler, Field lock, Field writer) {
    }

    private volatile Path path;

    /** The raw frame writer of {@code session}'s connection. */
    EngineAdapter.RawFrames of(Session session) throws ReflectiveOperationException {
        Object remote = session.getAsyncRemote();
        Path found = path != null ? path : find(remote.getClass());
        Object webSocket = found.webSocket().get(remote);
        Object handler = found.protocolHandler().get(webSocket);
        Lock lock = (Lock) found.lock().get(handler);
        if (handler == null || lock == null) {
            throw new IllegalStateException("the session has no protocol handler or lock yet");
        }
        return (frames, done) -> write(session, found, handler, lock, frames, done);
    }

    private static void write(Session session, Path path, Object handler, Lock lock, ByteBuffer frames, Consumer<Throwable> done) {
        lock.lock();
        try {
            // As Tyrus checks before its own sends: a session that began closing gets no more frames.
            if (!session.isOpen()) {
                done.accept(new IOException("session " + session.getId() + " is closed"));
                return;
            }
            Object writer;
            try {
                writer = path.writer().get(handler);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            if (writer == null) {
                throw new IllegalStateException("the connection has no writer");
            }
            TyrusWrites.write(writer, frames, done);
        } finally {
            lock.unlock();
        }
    }

    private synchronized Path find(Class<?> remoteType) throws NoSuchFieldException {
        if (path != null) {
            return path;
        }
        Field webSocket = EngineFields.declaredBy(remoteType, REMOTE, "webSocket");
        Field protocolHandler = EngineFields.declaredBy(webSocket.getType(), WEB_SOCKET, "protocolHandler");
        Field lock = EngineFields.declaredBy(protocolHandler.getType(), PROTOCOL_HANDLER, "lock");
        Field writer = EngineFields.declaredBy(protocolHandler.getType(), PROTOCOL_HANDLER, "writer");
        if (!Lock.class.isAssignableFrom(lock.getType()) || !TyrusWrites.isWriter(writer.getType())) {
            throw new IllegalStateException("unexpected field types " + lock.getType() + ", " + writer.getType());
        }
        path = new Path(webSocket, protocolHandler, lock, writer);
        return path;
    }
}
