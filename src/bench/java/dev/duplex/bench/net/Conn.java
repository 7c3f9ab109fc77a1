package dev.duplex.bench.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.concurrent.CompletableFuture;

/**
 * One client connection, WebSocket or raw TCP. All its callbacks run on its own event loop; sends
 * may be called from anywhere (Netty hands them to the event loop).
 */
public final class Conn {

    /** What a scenario does with a connection's events. Called on the connection's event loop. */
    public interface Listener {

        /** The connection is open (handshake done); called before the connector hears of it. */
        default void onOpen(Conn conn) {
        }

        /**
         * A whole message. {@code data} is only valid during the call (the tool releases it).
         *
         * @param receivedAt {@link System#nanoTime()} when the message was read
         */
        void onMessage(Conn conn, boolean binary, ByteBuf data, long receivedAt);

        /** The server closed (code and reason from its close frame, 1006 without one) or the socket dropped. */
        default void onClosed(Conn conn, int code, String reason) {
        }

        default void onError(Conn conn, Throwable failure) {
        }
    }

    private final boolean raw;
    private final Listener listener;
    private final CompletableFuture<Conn> ready = new CompletableFuture<>();
    private volatile Channel channel;
    private volatile long connectStartedAt;
    private volatile long openedAt;
    private volatile boolean closedByUs;
    private volatile Object attachment;
    private boolean flushPending;

    Conn(boolean raw, Listener listener) {
        this.raw = raw;
        this.listener = listener;
    }

    CompletableFuture<Conn> ready() {
        return ready;
    }

    void connectStartedAt(long nanos) {
        connectStartedAt = nanos;
    }

    void opened(Channel channel) {
        this.channel = channel;
        openedAt = System.nanoTime();
        try {
            listener.onOpen(this);
        } finally {
            ready.complete(this);
        }
    }

    void failOpen(Throwable failure) {
        ready.completeExceptionally(failure);
    }

    Channel channel() {
        return channel;
    }

    /** Nanoseconds from starting the TCP connect to the end of the WebSocket handshake. */
    public long openNanos() {
        return openedAt - connectStartedAt;
    }

    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    public ByteBufAllocator alloc() {
        return channel.alloc();
    }

    public boolean isOpen() {
        return channel != null && channel.isActive();
    }

    /** Anything the scenario wants to keep with the connection. */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object value) {
        attachment = value;
    }

    /** Queues one message (ownership of {@code data} passes to the connection); flushes when asked. */
    public void send(boolean binary, ByteBuf data, boolean flush) {
        Object message = raw ? data : binary ? new BinaryWebSocketFrame(data) : new TextWebSocketFrame(data);
        if (flush) {
            channel.writeAndFlush(message, channel.voidPromise());
        } else {
            channel.write(message, channel.voidPromise());
        }
    }

    public void flush() {
        channel.flush();
    }

    /**
     * Queues one message to go out with the next flush, which happens when the connection has
     * finished reading what is available: one system call for all the answers to one read.
     * Only on the connection's event loop, from {@link Listener#onMessage}.
     */
    public void sendBatched(boolean binary, ByteBuf data) {
        send(binary, data, false);
        flushPending = true;
    }

    /** Whether the socket's outbound buffer is below Netty's high-water mark. */
    public boolean isWritable() {
        return channel.isWritable();
    }

    /**
     * Stops ({@code false}) or resumes ({@code true}) reading from the socket, as a client that
     * stalls does: its TCP receive window fills and the server's writes to it stop completing.
     */
    public void autoRead(boolean read) {
        channel.config().setAutoRead(read);
    }

    /** Closes with 1000 (WebSocket) or a plain TCP close, and returns at once. */
    public void close() {
        closedByUs = true;
        Channel c = channel;
        if (c == null) {
            return;
        }
        if (raw || !c.isActive()) {
            c.close();
        } else {
            c.writeAndFlush(new CloseWebSocketFrame(1000, "bench done")).addListener(f -> c.close());
        }
    }

    public boolean closedByUs() {
        return closedByUs;
    }

    ChannelHandler handler() {
        return new Handler();
    }

    private final class Handler extends SimpleChannelInboundHandler<Object> {

        private boolean closeNotified;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object message) {
            long now = System.nanoTime();
            if (raw) {
                listener.onMessage(Conn.this, true, (ByteBuf) message, now);
                return;
            }
            WebSocketFrame frame = (WebSocketFrame) message;
            if (frame instanceof TextWebSocketFrame) {
                listener.onMessage(Conn.this, false, frame.content(), now);
            } else if (frame instanceof BinaryWebSocketFrame) {
                listener.onMessage(Conn.this, true, frame.content(), now);
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            } else if (frame instanceof CloseWebSocketFrame close) {
                int code = close.statusCode() == -1 ? 1005 : close.statusCode();
                notifyClosed(code, close.reasonText());
                if (!closedByUs) {
                    ctx.writeAndFlush(new CloseWebSocketFrame(code == 1005 ? 1000 : code, ""))
                            .addListener(f -> ctx.close());
                } else {
                    ctx.close();
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (flushPending) {
                flushPending = false;
                ctx.flush();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                opened(ctx.channel());
            } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                failOpen(new java.util.concurrent.TimeoutException("WebSocket handshake timed out"));
                ctx.close();
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!ready.isDone()) {
                failOpen(new java.io.IOException("connection closed before the handshake completed"));
            }
            notifyClosed(1006, "connection dropped");
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!ready.isDone()) {
                failOpen(cause);
            } else if (!closedByUs) {
                listener.onError(Conn.this, cause);
            }
            ctx.close();
        }

        private void notifyClosed(int code, String reason) {
            if (!closeNotified && ready.isDone() && !ready.isCompletedExceptionally()) {
                closeNotified = true;
                listener.onClosed(Conn.this, code, reason);
            }
        }
    }
}
