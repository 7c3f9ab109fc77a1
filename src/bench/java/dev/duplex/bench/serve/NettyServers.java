package dev.duplex.bench.serve;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reference echo servers on Netty: a WebSocket echo on {@code /echo} (whole messages up to
 * 16 MiB, subprotocol {@code echo} when offered, answers flushed once per read like Netty's own
 * examples) and a raw TCP echo (the floor any WebSocket server is measured against).
 */
public final class NettyServers {

    static final int MAX_MESSAGE_BYTES = 16 << 20;

    private NettyServers() {
    }

    /** A running server; {@link #close()} stops it. */
    public static final class Running implements AutoCloseable {
        private final EventLoopGroup group;
        private final Channel channel;

        Running(EventLoopGroup group, Channel channel) {
            this.group = group;
            this.channel = channel;
        }

        public int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Starts the WebSocket echo; port 0 picks a free port. */
    public static Running websocketEcho(String host, int port) throws InterruptedException {
        return start(host, port, pipeline -> {
            pipeline.addLast(new HttpServerCodec());
            pipeline.addLast(new HttpObjectAggregator(64 * 1024));
            pipeline.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath("/echo")
                    .subprotocols("echo")
                    .allowExtensions(false)
                    .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                    .build()));
            pipeline.addLast(new WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
            pipeline.addLast(new WebSocketEcho());
            pipeline.addLast(new NotFound());
        });
    }

    /** Starts the raw TCP echo; port 0 picks a free port. */
    public static Running tcpEcho(String host, int port) throws InterruptedException {
        return start(host, port, pipeline -> pipeline.addLast(new TcpEcho()));
    }

    /** Starts a server whose connections get the given handlers; used by the tests' stub servers too. */
    public static Running start(String host, int port, Consumer<io.netty.channel.ChannelPipeline> handlers)
            throws InterruptedException {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        EventLoopGroup group;
        Class<? extends ServerChannel> channelClass;
        if (Epoll.isAvailable()) {
            group = new EpollEventLoopGroup();
            channelClass = EpollServerSocketChannel.class;
        } else {
            group = new NioEventLoopGroup();
            channelClass = NioServerSocketChannel.class;
        }
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        handlers.accept(ch.pipeline());
                    }
                })
                .bind(host, port).sync().channel();
        return new Running(group, channel);
    }

    /** Writes back what it reads, flushing once per read like Netty's own examples. */
    abstract static class Echo extends ChannelInboundHandlerAdapter {

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * Echoes whole text and binary messages; pings are answered by Netty's protocol handler, and
     * plain HTTP requests go on to {@link NotFound}.
     */
    @ChannelHandler.Sharable
    static final class WebSocketEcho extends Echo {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.write(msg, ctx.voidPromise());
            } else if (msg instanceof WebSocketFrame frame) {
                frame.release();
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }

    /** Answers plain HTTP requests (anything but a WebSocket upgrade on the right path) with 404. */
    @ChannelHandler.Sharable
    public static final class NotFound extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(),
                    HttpResponseStatus.NOT_FOUND, Unpooled.copiedBuffer("not found\n", StandardCharsets.US_ASCII));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Writes back every byte it reads. */
    static final class TcpEcho extends Echo {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }
    }
}
