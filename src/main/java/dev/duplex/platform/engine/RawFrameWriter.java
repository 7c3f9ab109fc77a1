package dev.duplex.platform.engine;

import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;

/**
 * Writes frames that are already encoded ({@link dev.duplex.platform.TextFrames}) straight to a Tyrus session's
 * connection, the way Tyrus writes its own frames: under the session's protocol lock, on its
 * connection writer, with a completion callback. Jakarta WebSocket has no API for this (a send
 * always takes a message and frames it; Tyrus' {@code setBatchingAllowed} is a no-op), and in a
 * broadcast that framing is most of the cost: Tyrus creates a UTF-8 charset and encodes the text
 * once per recipient, and writes every message with its own system call. With pre-encoded frames
 * a broadcast encodes each message once and a recipient that fell behind gets what waits for it
 * in one write.
 *
 * <p>Only for sessions without negotiated extensions (a permessage-deflate session's frames go
 * through its compressor, so they go through Tyrus). On other engines, or if Tyrus' internals are
 * not as expected, {@link #of} answers null and callers send through the standard API; either
 * way the outcome is the {@value Engine#RAW_FRAMES} capability.
 */
public final class RawFrameWriter {

    private static final String REMOTE = "org.glassfish.tyrus.core.TyrusRemoteEndpoint";
    private static final String WEB_SOCKET = "org.glassfish.tyrus.core.TyrusWebSocket";
    private static final String PROTOCOL_HANDLER = "org.glassfish.tyrus.core.ProtocolHandler";

    /** The fields on the way from a session's remote to its writer, found once. */
    private record Path(Field webSocket, Field protocolHandler, Field lock, Field writer) {
    }

    private static volatile Path path;
    private static volatile boolean unavailable;

    private final Session session;
    private final Object protocolHandler;
    private final Lock lock;

    private RawFrameWriter(Session session, Object protocolHandler, Lock lock) {
        this.session = session;
        this.protocolHandler = protocolHandler;
        this.lock = lock;
    }

    /** Whether a session has been given a raw writer (the engine is Tyrus as expected). */
    public static boolean isActive() {
        return path != null && !unavailable;
    }

    /** A writer for {@code session}, or null when its frames must go through the engine's API. */
    public static RawFrameWriter of(Session session) {
        if (unavailable || !session.getNegotiatedExtensions().isEmpty()) {
            return null;
        }
        try {
            Object remote = session.getAsyncRemote();
            Path found = path != null ? path : find(remote.getClass());
            if (found == null) {
                return null;
            }
            Object webSocket = found.webSocket().get(remote);
            Object handler = found.protocolHandler().get(webSocket);
            Lock lock = (Lock) found.lock().get(handler);
            if (handler == null || lock == null) {
                return null;
            }
            return new RawFrameWriter(session, handler, lock);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            giveUp(e.toString());
            return null;
        }
    }

    /**
     * Writes {@code frames} (whole frames, back to back) after whatever the session is writing;
     * {@code done} gets null or the failure, possibly on this thread.
     */
    public void write(ByteBuffer frames, Consumer<Throwable> done) {
        lock.lock();
        try {
            // As Tyrus checks before its own sends: a session that began closing gets no more frames.
            if (!session.isOpen()) {
                done.accept(new IOException("session " + session.getId() + " is closed"));
                return;
            }
            Object writer = path.writer().get(protocolHandler);
            if (writer == null) {
                throw new IllegalStateException("the connection has no writer");
            }
            TyrusWrites.write(writer, frames, done);
        } catch (IllegalAccessException | RuntimeException | LinkageError e) {
            // a LinkageError here means the engine changed under us: say so once and send no more raw frames
            if (e instanceof LinkageError) {
                giveUp(e.toString());
            }
            done.accept(e);
        } finally {
            lock.unlock();
        }
    }

    private static synchronized Path find(Class<?> remoteType) {
        if (path != null || unavailable) {
            return path;
        }
        try {
            Field webSocket = EngineFields.declaredBy(remoteType, REMOTE, "webSocket");
            Field protocolHandler = EngineFields.declaredBy(webSocket.getType(), WEB_SOCKET, "protocolHandler");
            Field lock = EngineFields.declaredBy(protocolHandler.getType(), PROTOCOL_HANDLER, "lock");
            Field writer = EngineFields.declaredBy(protocolHandler.getType(), PROTOCOL_HANDLER, "writer");
            if (!Lock.class.isAssignableFrom(lock.getType()) || !TyrusWrites.isWriter(writer.getType())) {
                giveUp("unexpected field types " + lock.getType() + ", " + writer.getType());
                return null;
            }
            path = new Path(webSocket, protocolHandler, lock, writer);
            Engine.rawFrames(true, "broadcast frames are encoded once and written straight to Tyrus connections");
            return path;
        } catch (NoSuchFieldException | RuntimeException | LinkageError e) {
            giveUp(e.toString());
            return null;
        }
    }

    /** Forgets what was found, for tests. */
    static synchronized void forget() {
        path = null;
        unavailable = false;
    }

    private static void giveUp(String why) {
        if (!unavailable) {
            unavailable = true;
            Engine.rawFrames(false, why);
        }
    }
}
