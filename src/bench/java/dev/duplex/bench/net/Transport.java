package dev.duplex.bench.net;

import dev.duplex.bench.Target;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The client side's event loops and connection factory: non-blocking Netty channels, on epoll when
 * the native transport loads, otherwise NIO. Each {@link Conn} lives on one event loop, so its
 * callbacks never run concurrently.
 */
public final class Transport implements AutoCloseable {

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final String kind;
    private volatile SslContext insecureTls;

    public Transport(int threads) {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        if (Epoll.isAvailable()) {
            group = new EpollEventLoopGroup(threads);
            channelClass = EpollSocketChannel.class;
            kind = "epoll";
        } else {
            group = new NioEventLoopGroup(threads);
            channelClass = NioSocketChannel.class;
            kind = "nio";
        }
    }

    /** "epoll" or "nio". */
    public String kind() {
        return kind;
    }

    /**
     * Opens a connection and completes when it is ready: for WebSockets after the handshake, for
     * raw TCP after the TCP connect. Messages arrive whole; raw TCP messages are cut into pieces of
     * {@code rawMessageBytes}, since an echo returns exactly what was sent.
     *
     * @param subprotocol offered subprotocol, or null
     * @param maxMessageBytes largest message accepted from the server
     */
    public CompletableFuture<Conn> connect(Target target, String subprotocol, int maxMessageBytes, int rawMessageBytes,
            Conn.Listener listener) {
        Conn conn = new Conn(target.raw(), listener);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) throws SSLException {
                        ChannelPipeline pipeline = channel.pipeline();
                        if (target.raw()) {
                            pipeline.addLast(new FixedLengthFrameDecoder(rawMessageBytes));
                        } else {
                            if (target.tls()) {
                                pipeline.addLast(tls().newHandler(channel.alloc(), target.host(), target.port()));
                            }
                            URI uri = URI.create(target.scheme() + "://" + target.host() + ":" + target.port()
                                    + target.pathAndQuery());
                            WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                                    .webSocketUri(uri)
                                    .version(WebSocketVersion.V13)
                                    .subprotocol(subprotocol)
                                    .allowExtensions(false)
                                    .customHeaders(new DefaultHttpHeaders())
                                    .maxFramePayloadLength(maxMessageBytes)
                                    .handleCloseFrames(false)
                                    .dropPongFrames(true)
                                    .handshakeTimeoutMillis(30_000)
                                    .build();
                            pipeline.addLast(new HttpClientCodec());
                            pipeline.addLast(new HttpObjectAggregator(64 * 1024));
                            pipeline.addLast(new WebSocketClientProtocolHandler(config));
                            pipeline.addLast(new WebSocketFrameAggregator(maxMessageBytes));
                        }
                        pipeline.addLast(conn.handler());
                    }
                });
        long start = System.nanoTime();
        conn.connectStartedAt(start);
        bootstrap.connect(target.host(), target.port()).addListener(f -> {
            if (!f.isSuccess()) {
                conn.failOpen(f.cause());
            } else if (target.raw()) {
                conn.opened(((io.netty.channel.ChannelFuture) f).channel());
            }
        });
        return conn.ready();
    }

    private SslContext tls() throws SSLException {
        SslContext context = insecureTls;
        if (context == null) {
            // Loopback benchmarks talk to servers with self-signed certificates.
            context = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            insecureTls = context;
        }
        return context;
    }

    /** Runs a task on one of the event loops after a delay. */
    public void schedule(Runnable task, long delayNanos) {
        group.next().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Returns once every event loop has run a task submitted now: whatever a loop was doing when
     * this was called (a send, a tick) has finished.
     */
    public void quiesce() {
        List<Future<?>> done = new ArrayList<>();
        for (EventExecutor loop : group) {
            done.add(loop.submit(() -> { }));
        }
        done.forEach(f -> f.awaitUninterruptibly(5, TimeUnit.SECONDS));
    }

    /** Closes the channels' event loops, waiting briefly. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
