package dev.duplex.bench.draw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.draw.entity.DrawCodec;
import dev.duplex.draw.entity.DrawCommand;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bench's draw.bin writer against the shared vectors (src/test/resources/draw/vectors.json) that
 * the server's DrawCodec and the page's draw-codec.js are tested with, and against the server's own
 * decoder: what the bench sends is what a page sends.
 */
class DrawWireTest {

    private static final HexFormat HEX = HexFormat.of();
    private static JsonObject vectors;

    @BeforeAll
    static void readVectors() throws Exception {
        try (InputStream in = DrawWireTest.class.getResourceAsStream("/draw/vectors.json"); JsonReader reader = Json.createReader(in)) {
            vectors = reader.readObject();
        }
    }

    private static String hex(Consumer<ByteBuf> write) {
        ByteBuf out = Unpooled.buffer();
        write.accept(out);
        return HEX.formatHex(ByteBufUtil.getBytes(out));
    }

    private static JsonObject clientVector(String name) {
        for (JsonValue v : vectors.getJsonArray("client")) {
            if (v.asJsonObject().getString("name").equals(name)) {
                return v.asJsonObject();
            }
        }
        throw new AssertionError("no client vector " + name);
    }

    @Test
    void theMessagesTheBenchSendsAreTheSharedVectors() {
        JsonObject join = clientVector("join").getJsonObject("command");
        assertEquals(clientVector("join").getString("hex"),
                hex(out -> DrawWire.join(out, join.getString("name"), join.getString("board"))));
        JsonObject begin = clientVector("begin").getJsonObject("command");
        assertEquals(clientVector("begin").getString("hex"),
                hex(out -> DrawWire.begin(out, begin.getInt("rgb"), begin.getInt("width"))));
        JsonArray samples = clientVector("points").getJsonObject("command").getJsonArray("samples");
        assertEquals(clientVector("points").getString("hex"), hex(out -> {
            DrawWire.pointsHead(out, samples.size());
            for (JsonValue s : samples) {
                JsonArray xyp = s.asJsonArray();
                DrawWire.sample(out, xyp.getInt(0), xyp.getInt(1), xyp.getInt(2));
            }
        }));
        assertEquals(clientVector("end").getString("hex"), hex(DrawWire::end));
        JsonObject snapshot = clientVector("snapshot").getJsonObject("command");
        assertEquals(clientVector("snapshot").getString("hex"), hex(out -> DrawWire.snapshot(out,
                snapshot.getJsonNumber("request").longValue(), HEX.parseHex(snapshot.getString("png")))));
    }

    @Test
    void pointsRefuseCountsOutsideTheProtocol() {
        assertThrows(IllegalArgumentException.class, () -> DrawWire.pointsHead(Unpooled.buffer(), 0));
        assertThrows(IllegalArgumentException.class, () -> DrawWire.pointsHead(Unpooled.buffer(), 256));
    }

    @Test
    void everySampleOfTheLongestStrokeIsOneTheServerAccepts() throws Exception {
        StrokePlan plan = new StrokePlan(StrokePlan.MAX_LENGTH);
        for (int member : new int[] {0, 9, 499, 31_999}) {
            for (long stroke : new long[] {0, 1, 77, 0xFFFFFF}) {
                ByteBuf begin = Unpooled.buffer();
                DrawWire.begin(begin, StrokePlan.rgb(stroke), StrokePlan.WIDTH_PX);
                DrawCommand.Begin b = assertInstanceOf(DrawCommand.Begin.class, DrawCodec.decode(begin.nioBuffer()));
                assertEquals(stroke, b.rgb());
                for (int from = 0; from < plan.length(); from += DrawWire.MAX_SAMPLES_PER_MESSAGE) {
                    int count = Math.min(DrawWire.MAX_SAMPLES_PER_MESSAGE, plan.length() - from);
                    ByteBuf points = Unpooled.buffer();
                    DrawWire.pointsHead(points, count);
                    for (int i = from; i < from + count; i++) {
                        DrawWire.sample(points, StrokePlan.x(i), StrokePlan.y(member, stroke, i), 0);
                    }
                    // the server's decoder checks the layout and every coordinate's range
                    DrawCommand.Points p = assertInstanceOf(DrawCommand.Points.class, DrawCodec.decode(points.nioBuffer()));
                    assertEquals(count, p.count());
                    for (int i = 0; i < count; i++) {
                        assertEquals(from + i, plan.indexOf(p.samples()[3 * i]), "the sample's place comes back from its x");
                    }
                }
            }
        }
    }

    @Test
    void theSnapshotAnswerIsAWhiteBoardTheServerTakesForAPng() throws Exception {
        byte[] png = DrawWire.blankBoardPng();
        assertTrue(DrawCodec.isPng(png), "signature and a 1600 x 1000 IHDR, as the server checks");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(1600, image.getWidth());
        assertEquals(1000, image.getHeight());
        for (int[] xy : new int[][] {{0, 0}, {799, 500}, {1599, 999}}) {
            assertEquals(0xFFFFFF, image.getRGB(xy[0], xy[1]) & 0xFFFFFF);
        }
        ByteBuf answer = Unpooled.buffer();
        DrawWire.snapshot(answer, 42, png);
        DrawCommand.Snapshot s = assertInstanceOf(DrawCommand.Snapshot.class, DrawCodec.decode(answer.nioBuffer()));
        assertEquals(42, s.request());
        assertArrayEquals(png, s.png());
    }

    static ByteBuf wrap(ByteBuffer message) {
        return Unpooled.wrappedBuffer(message);
    }
}
