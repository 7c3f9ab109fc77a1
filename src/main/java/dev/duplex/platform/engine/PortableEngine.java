package dev.duplex.platform.engine;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequest;
import jakarta.websocket.Session;
import java.util.List;
import java.util.Optional;

/**
 * The engine adapter where no engine implementation is available (WildFly/Undertow, Open Liberty,
 * or an engine that changed beyond what its implementation knows): Jakarta WebSocket and Servlet
 * only. Every engine hook it is asked for fails with {@link UnsupportedOperationException}, so each
 * capability reports inactive with its fallback, while the standard protections (the endpoints'
 * {@code maxMessageSize}, the handshake filter, the memory budget on what the application holds,
 * Origin checks) still apply.
 */
final class PortableEngine implements EngineAdapter {

    static final PortableEngine INSTANCE = new PortableEngine();

    private PortableEngine() {
    }

    @Override
    public String name() {
        return "portable";
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Optional<String> version(Class<?> containerType) {
        return Optional.empty();
    }

    @Override
    public SessionScheduler sessionScheduler(Class<?> containerType) {
        throw new UnsupportedOperationException("Jakarta WebSocket has no API for a session's scheduler");
    }

    @Override
    public String remoteAddress(Session session) {
        throw new UnsupportedOperationException("Jakarta WebSocket has no API for a session's peer address");
    }

    @Override
    public Object connectionOf(Session session) {
        throw new UnsupportedOperationException("Jakarta WebSocket does not expose a session's connection");
    }

    @Override
    public Object connectionOf(ServletRequest handshake) {
        throw new UnsupportedOperationException("Jakarta Servlet does not expose a request's connection");
    }

    @Override
    public void abort(Object connection) {
        throw new UnsupportedOperationException("no connection to drop");
    }

    @Override
    public boolean isOpen(Object connection) {
        throw new UnsupportedOperationException("no connection");
    }

    @Override
    public int limitWriteQueue(Object connection, int bytes) {
        throw new UnsupportedOperationException("no write queue");
    }

    @Override
    public int writeQueued(Object connection) {
        throw new UnsupportedOperationException("no write queue");
    }

    @Override
    public int writeQueueHardLimitMultiplier(Object connection) {
        throw new UnsupportedOperationException("no write queue");
    }

    @Override
    public void rewriteCloseFrames(Session session, CloseFrameReasons.Rewrite rewrite) {
        throw new UnsupportedOperationException("Jakarta WebSocket has no hook on the frames the engine writes");
    }

    @Override
    public RawFrames rawFrames(Session session) {
        throw new UnsupportedOperationException("Jakarta WebSocket frames every message itself");
    }

    @Override
    public Runnable observeUpgradeEnd(ServletContext context, Runnable done) {
        throw new UnsupportedOperationException("Jakarta Servlet has no event for the end of an upgrade handler's init");
    }

    @Override
    public Optional<String> cancelledWriteLogger() {
        return Optional.empty();
    }

    @Override
    public FrameInputs frameInputs() {
        throw new UnsupportedOperationException("Jakarta WebSocket has no hook between the network and the engine's frame parser");
    }

    @Override
    public List<HttpListener> httpListeners() {
        throw new UnsupportedOperationException("Jakarta Servlet has no API for the server's HTTP listeners");
    }
}
