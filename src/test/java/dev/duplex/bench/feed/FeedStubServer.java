package dev.duplex.bench.feed;

import dev.duplex.bench.serve.NettyServers;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A small {@code /feed} for the scenario's tests, speaking docs/FEED.md's {@code feed.json} and
 * {@code feed.bin}: a market of {@code items} items whose {@code last} moves by a cent every
 * change, {@code perTick} changes every 10 ms, every subscriber getting every change (no
 * conflation). With {@code dropEvery > 0} it silently skips every n-th change to subscribers (the
 * item's seq still moves): a lossy server the scenario must catch.
 */
final class FeedStubServer implements AutoCloseable {

    private final NettyServers.Running server;
    private final ScheduledExecutorService market = Executors.newSingleThreadScheduledExecutor();
    private final List<Sub> subs = new CopyOnWriteArrayList<>();
    private final String[] names;
    private final long[] seq;
    private final long[] ts;
    private final long[] cents;
    private final int dropEvery;
    private long changes;
    private int next;

    /** One subscriber: its items and, under feed.bin, its bound field indices and item handles. */
    private static final class Sub {
        final Channel channel;
        final boolean binary;
        final Set<Integer> items = new LinkedHashSet<>();
        final Map<String, Integer> fields = new HashMap<>();
        final Map<Integer, Integer> handles = new HashMap<>();

        Sub(Channel channel, boolean binary) {
            this.channel = channel;
            this.binary = binary;
        }
    }

    FeedStubServer(int items, int perTick, int dropEvery) throws InterruptedException {
        this.dropEvery = dropEvery;
        names = new String[items];
        seq = new long[items];
        ts = new long[items];
        cents = new long[items];
        for (int i = 0; i < items; i++) {
            names[i] = "S" + i;
            seq[i] = 1;
            ts[i] = micros();
            cents[i] = 10_000 + i;
        }
        server = NettyServers.start("127.0.0.1", 0, p -> {
            p.addLast(new HttpServerCodec());
            p.addLast(new HttpObjectAggregator(65536));
            p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath("/feed").subprotocols("feed.json,feed.bin").build()));
            p.addLast(new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                    JsonObject in = Json.createReader(new StringReader(frame.text())).readObject();
                    Channel ch = ctx.channel();
                    market.execute(() -> subscribe(ch, in));
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
                        String protocol = hc.selectedSubprotocol();
                        ctx.channel().attr(io.netty.util.AttributeKey.valueOf("subprotocol")).set(protocol);
                        ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"hello\",\"protocol\":\"" + protocol
                                + "\",\"instance\":\"stub\",\"topics\":[\"stocks\"]}"));
                    }
                    super.userEventTriggered(ctx, evt);
                }
            });
        });
        market.scheduleAtFixedRate(() -> tick(perTick), 10, 10, TimeUnit.MILLISECONDS);
    }

    int port() {
        return server.port();
    }

    private static long micros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    private void subscribe(Channel ch, JsonObject in) {
        boolean binary = "feed.bin".equals(ch.attr(io.netty.util.AttributeKey.valueOf("subprotocol")).get());
        Sub sub = new Sub(ch, binary);
        if (in.containsKey("items")) {
            for (JsonString item : in.getJsonArray("items").getValuesAs(JsonString.class)) {
                sub.items.add(Integer.parseInt(item.getString().substring(1)));
            }
        } else {
            for (int i = 0; i < names.length; i++) {
                sub.items.add(i);
            }
        }
        send(sub, new ArrayList<>(sub.items), true);
        subs.add(sub);
        ch.closeFuture().addListener(f -> subs.remove(sub));
    }

    private void tick(int perTick) {
        List<Integer> changed = new ArrayList<>();
        List<Integer> delivered = new ArrayList<>();
        for (int n = 0; n < perTick; n++) {
            int i = next;
            next = (next + 1) % names.length;
            seq[i]++;
            ts[i] = micros();
            cents[i] += (changes % 3) - 1;
            changes++;
            changed.add(i);
            if (dropEvery == 0 || changes % dropEvery != 0) {
                delivered.add(i);
            }
        }
        for (Sub sub : subs) {
            List<Integer> mine = delivered.stream().filter(sub.items::contains).distinct().toList();
            if (!mine.isEmpty()) {
                send(sub, mine, false);
            }
        }
    }

    private void send(Sub sub, List<Integer> items, boolean snapshot) {
        if (!sub.binary) {
            StringBuilder out = new StringBuilder();
            if (snapshot) {
                out.append("{\"type\":\"snapshot\",\"id\":1,\"topic\":\"stocks\",\"items\":[");
            } else {
                out.append("{\"type\":\"updates\",\"updates\":[");
            }
            for (int k = 0; k < items.size(); k++) {
                int i = items.get(k);
                out.append(k > 0 ? "," : "").append('{').append(snapshot ? "" : "\"id\":1,")
                        .append("\"item\":\"").append(names[i]).append("\",\"seq\":").append(seq[i])
                        .append(",\"ts\":").append(ts[i]).append(snapshot ? "" : ",\"conflated\":0")
                        .append(",\"fields\":{\"last\":").append(cents[i] / 100.0);
                if (snapshot) {
                    out.append(",\"name\":\"").append(names[i]).append(" Inc\"");
                }
                out.append("}}");
            }
            out.append("]}");
            sub.channel.writeAndFlush(new TextWebSocketFrame(out.toString()));
            return;
        }
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(1);
        long base = micros();
        varint(buf, base);
        for (String field : List.of("last", "name")) {
            if (!sub.fields.containsKey(field)) {
                int index = sub.fields.size();
                sub.fields.put(field, index);
                buf.writeByte(0x01);
                varint(buf, index);
                string(buf, field);
            }
        }
        for (int i : items) {
            if (!sub.handles.containsKey(i)) {
                int handle = sub.handles.size();
                sub.handles.put(i, handle);
                buf.writeByte(0x02);
                varint(buf, handle);
                varint(buf, 1);
                string(buf, names[i]);
            }
        }
        if (snapshot) {
            buf.writeByte(0x03);
            varint(buf, 1);
            varint(buf, items.size());
        }
        for (int i : items) {
            buf.writeByte(0x04);
            varint(buf, sub.handles.get(i));
            varint(buf, seq[i]);
            long delta = ts[i] - base;
            varint(buf, (delta << 1) ^ (delta >> 63));
            varint(buf, 0);
            varint(buf, snapshot ? 2 : 1);
            varint(buf, sub.fields.get("last"));
            buf.writeByte(2);
            varint(buf, (cents[i] << 1) ^ (cents[i] >> 63));
            if (snapshot) {
                varint(buf, sub.fields.get("name"));
                buf.writeByte(0x11);
                string(buf, names[i] + " Inc");
            }
        }
        sub.channel.writeAndFlush(new BinaryWebSocketFrame(buf));
    }

    /** A feed.bin varint (docs/FEED.md); the reader tests write their messages with it too. */
    static void varint(ByteBuf out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    /** A feed.bin string: varint byte length, UTF-8 bytes. */
    static void string(ByteBuf out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(out, b.length);
        out.writeBytes(b);
    }

    @Override
    public void close() throws InterruptedException {
        market.shutdownNow();
        market.awaitTermination(2, TimeUnit.SECONDS);
        server.close();
    }
}
