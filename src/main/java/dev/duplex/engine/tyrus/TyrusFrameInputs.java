package dev.duplex.engine.tyrus;

import dev.duplex.platform.engine.EngineAdapter;
import jakarta.servlet.ServletInputStream;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * The read side of Tyrus' connections on Payara, where the platform's read guard sits. The session
 * leads to Tyrus' {@code TyrusHttpUpgradeHandler} (session → async remote → web socket → protocol
 * handler → servlet writer → upgrade handler, through Payara's proxy of it), whose
 * {@code onDataAvailable} reads its {@code ServletInputStream is} in a loop, hands each chunk to
 * Tyrus' read handler (which appends it to a buffer until a whole frame is there) and asks
 * {@code is.isReady()} again. {@link Input#replace} writes that field (neither final nor static)
 * while {@code @OnOpen} runs, which is before the handler reads any frame: the handler waits on a
 * latch that opens only after the session has been opened.
 *
 * <p>The buffer of a partly received frame is the read handler's {@code buffer} (upgrade handler →
 * {@code connection} → {@code readHandler} → {@code buffer}, a volatile, non-final field). Tyrus
 * keeps it after handing a frame on, and grows it by each read's bytes, copying all it holds every
 * time; the platform sizes and trims it through {@link Input}. Where those fields are not found,
 * nothing is sized or trimmed (logged once): that state is this instance's, one per application.
 */
final class TyrusFrameInputs implements EngineAdapter.FrameInputs {

    private static final System.Logger LOG = System.getLogger(TyrusFrameInputs.class.getName());
    static final String UPGRADE_HANDLER = "org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler";

    private volatile boolean trimming = true;

    /** Checks that Tyrus' upgrade handler is loadable here and has the stream field the guard replaces. */
    TyrusFrameInputs(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> type = Class.forName(UPGRADE_HANDLER, false, loader);
        Field field = type.getDeclaredField("is");
        if (!ServletInputStream.class.equals(field.getType())) {
            throw new NoSuchFieldException(UPGRADE_HANDLER + ".is is a " + field.getType().getName());
        }
    }

    @Override
    public EngineAdapter.FrameInput of(Session session) throws ReflectiveOperationException {
        return new Input(upgradeHandler(session));
    }

    /** One connection's upgrade handler. */
    private final class Input implements EngineAdapter.FrameInput {

        private final Object handler;

        Input(Object handler) {
            this.handler = handler;
        }

        @Override
        public ServletInputStream stream() throws ReflectiveOperationException {
            Object current = field(handler.getClass(), "is").get(handler);
            if (current instanceof ServletInputStream stream) {
                return stream;
            }
            throw new IllegalStateException(UPGRADE_HANDLER + ".is is " + (current == null ? "null" : current.getClass().getName()));
        }

        @Override
        public void replace(ServletInputStream stream) throws ReflectiveOperationException {
            field(handler.getClass(), "is").set(handler, stream);
        }

        @Override
        public EngineAdapter.BufferRoom room() {
            if (!trimming) {
                return null;
            }
            try {
                Object readHandler = get(get(handler, "connection"), "readHandler");
                if (field(readHandler.getClass(), "buffer").get(readHandler) instanceof ByteBuffer buffer) {
                    return new EngineAdapter.BufferRoom(buffer.limit(), buffer.capacity());
                }
                return null;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                stopSizing("Tyrus' read buffers cannot be sized on this server", e);
                return null;
            }
        }

        /**
         * Grows Tyrus' buffer of a partly received frame to {@code capacity} bytes: Tyrus itself grows
         * it by each read's bytes (rounded up to 256), copying all it holds every time, so a 15 MiB
         * frame read 16 KiB at a time would cost about 7 GiB of copying and as much garbage.
         */
        @Override
        public void resize(int capacity) {
            if (!trimming) {
                return;
            }
            try {
                Object readHandler = get(get(handler, "connection"), "readHandler");
                Field field = field(readHandler.getClass(), "buffer");
                ByteBuffer buffer = (ByteBuffer) field.get(readHandler);
                if (buffer != null && (buffer.capacity() >= capacity || buffer.remaining() > capacity)) {
                    return;
                }
                ByteBuffer sized = ByteBuffer.allocate(capacity);
                if (buffer != null) {
                    sized.put(buffer.duplicate());
                }
                field.set(readHandler, sized.flip());
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                stopSizing("Tyrus' read buffers cannot be sized on this server", e);
            }
        }

        /**
         * Tyrus' read handler keeps the buffer a frame was assembled in after handing the frame on:
         * an empty one is dropped, one with a few bytes of the next frame is copied to a small one.
         */
        @Override
        public void trim(long largeFrame) {
            if (!trimming) {
                return;
            }
            try {
                Object readHandler = get(get(handler, "connection"), "readHandler");
                Field field = field(readHandler.getClass(), "buffer");
                if (field.get(readHandler) instanceof ByteBuffer buffer && buffer.capacity() >= largeFrame
                        && buffer.remaining() < buffer.capacity() / 4) {
                    field.set(readHandler, buffer.hasRemaining() ? ByteBuffer.allocate(buffer.remaining()).put(buffer.duplicate()).flip() : null);
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                stopSizing("Tyrus keeps the read buffer of each connection's largest frame on this server", e);
            }
        }

        @Override
        public void drop() {
            try {
                Object readHandler = get(get(handler, "connection"), "readHandler");
                field(readHandler.getClass(), "buffer").set(readHandler, null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.log(Level.DEBUG, () -> "Tyrus' read buffer not released: " + e);
            }
            // The upgrade handler's last read chunk (up to what the container had ready, 64 KiB under
            // load) and the unmasker's view of the last frame's bytes: Tyrus allocates both anew when
            // it reads again (a null buf, a new Masker per frame header), so after the session they are
            // only kept alive by the pooled request object (2 x 64 KiB per connection that took a large message).
            try {
                field(handler.getClass(), "buf").set(handler, null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.log(Level.DEBUG, () -> "Tyrus' read chunk not released: " + e);
            }
            try {
                Object state = get(get(get(get(handler, "connection"), "readHandler"), "protocolHandler"), "parsingState");
                Object masker = get(state, "masker");
                if (masker != null) {
                    field(masker.getClass(), "buffer").set(masker, ByteBuffer.allocate(0));
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.log(Level.DEBUG, () -> "Tyrus' unmasker buffer not released: " + e);
            }
        }
    }

    private void stopSizing(String what, Throwable e) {
        if (trimming) {
            trimming = false;
            LOG.log(Level.WARNING, "{0} ({1})", what, e.toString());
        }
    }

    /** The real Tyrus upgrade handler under the session (Payara hands Tyrus a proxy that holds it). */
    private static Object upgradeHandler(Session session) throws ReflectiveOperationException {
        Object remote = get(session, "asyncRemote");
        Object webSocket = get(remote, "webSocket");
        Object protocolHandler = get(webSocket, "protocolHandler");
        Object writer = get(protocolHandler, "writer");
        Object handler = get(writer, "tyrusHttpUpgradeHandler");
        // Tyrus' proxy of the handler is a subclass whose own fields are unset; the real one is in its "handler"
        for (int depth = 0; depth < 3 && handler != null; depth++) {
            if (isUpgradeHandler(handler.getClass()) && get(handler, "is") != null) {
                return handler;
            }
            handler = get(handler, "handler");
        }
        throw new NoSuchFieldException("no " + UPGRADE_HANDLER + " with an input stream under the session's writer");
    }

    private static boolean isUpgradeHandler(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (UPGRADE_HANDLER.equals(c.getName())) {
                return true;
            }
        }
        return false;
    }

    private static Object get(Object target, String name) throws ReflectiveOperationException {
        return EngineFields.value(target, name);
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        return EngineFields.cached(type, name);
    }
}
