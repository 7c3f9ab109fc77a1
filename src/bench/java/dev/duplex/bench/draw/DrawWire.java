package dev.duplex.bench.draw;

import io.netty.buffer.ByteBuf;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * The part of {@code draw.bin} (docs/PLAY.md, "Subprotocol draw.bin") the bench speaks: it writes
 * JOIN, BEGIN, POINTS, END and SNAPSHOT and knows the server's type bytes; {@link BoardView} reads
 * the server's messages. The bench jar holds only {@code dev.duplex.bench}, not the server's
 * {@code DrawCodec}, so this is coded here; {@code DrawWireTest} pins it to the shared vectors
 * ({@code src/test/resources/draw/vectors.json}) that the server's and the page's codecs are tested
 * with. All integers big-endian, unsigned.
 */
final class DrawWire {

    static final String SUBPROTOCOL = "draw.bin";
    static final int WIDTH = 1600;
    static final int HEIGHT = 1000;
    /** Coordinates are in eighths of a pixel: x 0..12800, y 0..8000. */
    static final int MAX_X = WIDTH * 8;
    static final int MAX_Y = HEIGHT * 8;
    static final int SAMPLE_BYTES = 5;
    static final int MAX_SAMPLES_PER_MESSAGE = 255;

    static final int JOIN = 0x01, BEGIN = 0x02, POINTS = 0x03, END = 0x04, SNAPSHOT = 0x08;
    static final int S_WELCOME = 0x81, S_MEMBER = 0x82, S_LEFT = 0x83, S_BEGIN = 0x84, S_POINTS = 0x85,
            S_END = 0x86, S_CURSOR = 0x87, S_REMOVE = 0x88, S_CLEAR = 0x89, S_SNAPSHOT = 0x8A,
            S_SNAPSHOT_REQUEST = 0x8B, S_COMPACTED = 0x8C, S_ERROR = 0x8F;

    private DrawWire() {
    }

    /** JOIN: {@code nameLength} u8, name, {@code boardLength} u8, board (UTF-8, at most 255 bytes each). */
    static void join(ByteBuf out, String name, String board) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] b = board.getBytes(StandardCharsets.UTF_8);
        if (n.length > 255 || b.length > 255) {
            throw new IllegalArgumentException("name and board are at most 255 UTF-8 bytes");
        }
        out.writeByte(JOIN).writeByte(n.length).writeBytes(n).writeByte(b.length).writeBytes(b);
    }

    /** BEGIN: {@code r g b} u8, {@code width} u8 (1..64). */
    static void begin(ByteBuf out, int rgb, int width) {
        out.writeByte(BEGIN).writeMedium(rgb & 0xFFFFFF).writeByte(width);
    }

    /** The head of a POINTS message; {@link #sample} the {@code count} samples (1..255) after it. */
    static void pointsHead(ByteBuf out, int count) {
        if (count < 1 || count > MAX_SAMPLES_PER_MESSAGE) {
            throw new IllegalArgumentException("1..255 samples per POINTS, not " + count);
        }
        out.writeByte(POINTS).writeByte(count);
    }

    /** One sample: {@code x} u16, {@code y} u16, {@code pressure} u8. */
    static void sample(ByteBuf out, int x, int y, int pressure) {
        out.writeShort(x).writeShort(y).writeByte(pressure);
    }

    static void end(ByteBuf out) {
        out.writeByte(END);
    }

    /** SNAPSHOT: {@code request} u32, then the PNG to the end of the message. */
    static void snapshot(ByteBuf out, long request, byte[] png) {
        out.writeByte(SNAPSHOT).writeInt((int) request).writeBytes(png);
    }

    /** A white board as PNG (1600 × 1000), what a page with nothing painted would answer a snapshot request with. */
    static byte[] blankBoardPng() {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[WIDTH];
        Arrays.fill(row, 0xFFFFFF);
        for (int y = 0; y < HEIGHT; y++) {
            image.setRGB(0, y, WIDTH, 1, row, 0, WIDTH);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", png)) {
                throw new IllegalStateException("this JVM has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }
}
