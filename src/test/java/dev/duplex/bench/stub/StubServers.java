package dev.duplex.bench.stub;

import dev.duplex.bench.serve.NettyServers;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * Small servers that speak the contracts the bench drives, for its tests: {@code /image} (binary
 * image in, a JSON result and the image back, unchanged), {@code /chat} (join, say, welcome,
 * message and presence, one room per name) and an {@code /echo} that corrupts every 10th message.
 */
public final class StubServers {

    private static final int MAX = 64 << 20;

    private StubServers() {
    }

    private static void websocket(io.netty.channel.ChannelPipeline p, String path, String subprotocol) {
        p.addLast(new HttpServerCodec());
        p.addLast(new HttpObjectAggregator(65536));
        p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(path).subprotocols(subprotocol).checkStartsWith(true).maxFramePayloadLength(MAX).build()));
        p.addLast(new WebSocketFrameAggregator(MAX));
    }

    /**
     * {@code /image}: answers each binary message with a JSON result, then the image turned gray
     * ({@code gray = true}) or the same bytes.
     */
    public static NettyServers.Running image(boolean gray) throws InterruptedException {
        return NettyServers.start("127.0.0.1", 0, p -> {
            websocket(p, "/image", null);
            p.addLast(new SimpleChannelInboundHandler<BinaryWebSocketFrame>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) throws IOException {
                    String result = Json.createObjectBuilder().add("type", "result").add("op", "grayscale")
                            .add("bytes", frame.content().readableBytes()).build().toString();
                    ctx.write(new TextWebSocketFrame(result));
                    if (!gray) {
                        ctx.writeAndFlush(new BinaryWebSocketFrame(frame.content().retain()));
                        return;
                    }
                    BufferedImage in = ImageIO.read(new ByteBufInputStream(frame.content()));
                    BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
                    out.getGraphics().drawImage(in, 0, 0, null);
                    ByteArrayOutputStream png = new ByteArrayOutputStream();
                    ImageIO.write(out, "png", png);
                    ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(png.toByteArray())));
                }
            });
        });
    }

    /** {@code /chat} with subprotocol {@code chat}: one room, every message to every member. */
    public static NettyServers.Running chat() throws InterruptedException {
        ChannelGroup room = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        AttributeKey<String> nick = AttributeKey.valueOf("nick");
        AtomicLong ids = new AtomicLong();
        return NettyServers.start("127.0.0.1", 0, p -> {
            websocket(p, "/chat", "chat");
            p.addLast(new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                    JsonObject in = Json.createReader(new StringReader(frame.text())).readObject();
                    Channel ch = ctx.channel();
                    switch (in.getString("type")) {
                        case "join" -> {
                            ch.attr(nick).set(in.getString("nick"));
                            room.add(ch);
                            ch.writeAndFlush(new TextWebSocketFrame(Json.createObjectBuilder().add("type", "welcome")
                                    .add("room", in.getString("room")).add("nick", in.getString("nick"))
                                    .add("members", Json.createArrayBuilder()).add("history", Json.createArrayBuilder())
                                    .build().toString()));
                            room.writeAndFlush(new TextWebSocketFrame(Json.createObjectBuilder().add("type", "presence")
                                    .add("event", "joined").add("nick", in.getString("nick"))
                                    .add("members", Json.createArrayBuilder().add(in.getString("nick"))).build().toString()));
                        }
                        case "say" -> room.writeAndFlush(new TextWebSocketFrame(Json.createObjectBuilder()
                                .add("type", "message").add("id", ids.incrementAndGet()).add("room", "r")
                                .add("from", ch.attr(nick).get()).add("text", in.getString("text"))
                                .add("ts", System.currentTimeMillis()).build().toString()));
                        default -> ch.writeAndFlush(new TextWebSocketFrame(
                                "{\"type\":\"error\",\"code\":\"unknown\",\"message\":\"unknown type\"}"));
                    }
                }
            });
        });
    }

    /** {@code /echo} that flips one byte of every 10th message. */
    public static NettyServers.Running corruptingEcho() throws InterruptedException {
        AtomicLong count = new AtomicLong();
        return NettyServers.start("127.0.0.1", 0, p -> {
            websocket(p, "/echo", null);
            p.addLast(new SimpleChannelInboundHandler<WebSocketFrame>(false) {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                    if (count.incrementAndGet() % 10 == 0) {
                        frame.content().setByte(0, frame.content().getByte(0) ^ 1);
                    }
                    ctx.writeAndFlush(frame);
                }
            });
        });
    }
}
