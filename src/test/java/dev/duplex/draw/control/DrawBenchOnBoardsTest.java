package dev.duplex.draw.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.bench.Options;
import dev.duplex.bench.Result;
import dev.duplex.bench.draw.DrawScenario;
import dev.duplex.bench.serve.NettyServers;
import dev.duplex.platform.MemoryBudget;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code duplex-bench draw} (scenario D1) end to end without an application server: the bench's
 * members on loopback against the real {@link DrawBoards} (default limits) behind a small Netty
 * WebSocket front, which stands in for DrawEndpoint. Checks that the bench counts what it should
 * (every sample of every member at every other member of its board, once, in order; snapshot
 * requests answered with a PNG the boards take), not how fast anything is.
 */
class DrawBenchOnBoardsTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private final MemoryBudget budget = new MemoryBudget(256 << 20, 256 << 20, 256 << 20);
    private final DrawBoards boards = new DrawBoards();
    private NettyServers.Running server;

    @BeforeEach
    void start() throws InterruptedException {
        boards.start(DrawLimits.defaults(), name -> budget.account(DrawBoards.ENDPOINT, "board " + name), System::nanoTime);
        server = NettyServers.start("127.0.0.1", 0, p -> {
            p.addLast(new HttpServerCodec());
            p.addLast(new HttpObjectAggregator(65536));
            p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder().websocketPath("/draw")
                    .subprotocols("draw.bin").maxFramePayloadLength(8 << 20).build()));
            p.addLast(new WebSocketFrameAggregator(8 << 20));
            p.addLast(new Front());
        });
    }

    @AfterEach
    void stop() {
        server.close();
        boards.stop();
    }

    /** One connection: a board member while it is open; /api/status answers with the boards' figures. */
    private final class Front extends ChannelInboundHandlerAdapter {
        private DrawMember member;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                member = boards.connect(peer(ctx.channel()));
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (message instanceof BinaryWebSocketFrame frame && member != null) {
                    boards.handle(member, ByteBuffer.wrap(ByteBufUtil.getBytes(frame.content())));
                } else if (message instanceof FullHttpRequest request) {
                    String json = "{\"jvm\":{\"heapUsedBytes\":1,\"heapMaxBytes\":2},\"draw\":{\"boards\":" + boards.boardCount()
                            + ",\"members\":" + boards.memberCount() + ",\"bytes\":" + boards.bytes() + "}}";
                    var response = new DefaultFullHttpResponse(request.protocolVersion(),
                            "/api/status".equals(request.uri()) ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND,
                            Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
                    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                } else if (!(message instanceof WebSocketFrame)) {
                    ctx.close();
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (member != null) {
                boards.disconnect(member);
            }
            super.channelInactive(ctx);
        }
    }

    private static DrawPeer peer(Channel channel) {
        return new DrawPeer() {
            @Override
            public String id() {
                return channel.id().asShortText();
            }

            @Override
            public void send(ByteBuffer message) {
                channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.copiedBuffer(message)));
            }

            @Override
            public void close(int code, String reason) {
                channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
            }
        };
    }

    private static long number(Result r, String key) {
        return ((Number) r.get(key)).longValue();
    }

    @Test
    void everySampleReachesEveryOtherMemberOfItsBoardOnceAndSnapshotRequestsAreAnswered() throws Exception {
        // strokes of one sample: 3 members x 60 strokes/s pass duplex.draw.compact-after (200) in about a second
        List<String> args = List.of("--url", "ws://127.0.0.1:" + server.port() + "/draw", "--boards", "2", "--members", "3",
                "--rate", "60", "--stroke-length", "1", "--warmup", "500ms", "--duration", "3s", "--drain", "60s",
                "--threads", "2", "--board-prefix", "t");
        Options options = Options.parse(args, Set.of());
        DrawScenario.Settings settings = DrawScenario.settings(options);
        options.rejectUnknown();
        Result r = DrawScenario.run(settings, QUIET);
        String all = r.fields().toString();
        assertEquals(6, number(r, "joined_members"), all);
        assertTrue(number(r, "samples_sent") > 0, all);
        assertEquals(2 * number(r, "samples_sent"), number(r, "samples_expected"), "two other members each: " + all);
        assertEquals(number(r, "samples_expected"), number(r, "samples_delivered"), all);
        for (String none : List.of("lost", "gaps", "out_of_order", "mismatches", "errors")) {
            assertEquals(0, number(r, none), none + ": " + all);
        }
        assertTrue(number(r, "snapshots_answered") > 0, all);
        assertEquals(2, number(r, "server_boards"), "read from /api/status: " + all);
        assertTrue(r.latency().getTotalCount() > 0, "deliveries were timed: " + all);
    }
}
