package dev.duplex.draw.entity;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The {@code draw.bin} subprotocol, byte by byte as docs/PLAY.md specifies it: every message is one
 * binary WebSocket message, big-endian, whose first byte is its type. Client messages are 0x01-0x08
 * ({@link #decode}), server messages 0x81-0x8F (the static encoders). Plain Java, stateless,
 * thread-safe; the shared vectors in {@code src/test/resources/draw/vectors.json} pin it for this
 * class and for {@code webapp/js/draw-codec.js}.
 */
public final class DrawCodec {

    /** The board's size in pixels: every page draws on a canvas of exactly this size. */
    public static final int WIDTH = 1600;
    public static final int HEIGHT = 1000;
    /** Samples are quantised to 1/{@value} pixel. */
    public static final int SUBPIXELS = 8;
    public static final int MAX_X = WIDTH * SUBPIXELS;
    public static final int MAX_Y = HEIGHT * SUBPIXELS;
    public static final int MAX_WIDTH = 64;
    /** Bytes of one sample on the wire: u16 x, u16 y, u8 pressure. */
    public static final int SAMPLE_BYTES = 5;
    public static final int MAX_SAMPLES_PER_MESSAGE = 255;

    public static final int JOIN = 0x01, BEGIN = 0x02, POINTS = 0x03, END = 0x04, CURSOR = 0x05, UNDO = 0x06,
            CLEAR = 0x07, SNAPSHOT = 0x08;
    public static final int S_WELCOME = 0x81, S_MEMBER = 0x82, S_LEFT = 0x83, S_BEGIN = 0x84, S_POINTS = 0x85,
            S_END = 0x86, S_CURSOR = 0x87, S_REMOVE = 0x88, S_CLEAR = 0x89, S_SNAPSHOT = 0x8A,
            S_SNAPSHOT_REQUEST = 0x8B, S_COMPACTED = 0x8C, S_ERROR = 0x8F;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private DrawCodec() {
    }

    /**
     * Reads one client message.
     *
     * @throws DrawProtocolException {@link DrawError#MALFORMED} when it is empty, truncated or has bytes
     *         left over, {@link DrawError#UNKNOWN_TYPE} for a type byte it does not know,
     *         {@link DrawError#OUT_OF_RANGE} for a coordinate, width or count outside the board's ranges
     */
    public static DrawCommand decode(ByteBuffer message) throws DrawProtocolException {
        ByteBuffer in = message.duplicate();
        if (!in.hasRemaining()) {
            throw new DrawProtocolException(DrawError.MALFORMED, "Empty message");
        }
        int type = in.get() & 0xFF;
        try {
            DrawCommand command = switch (type) {
                case JOIN -> new DrawCommand.Join(string(in), string(in));
                case BEGIN -> begin(in);
                case POINTS -> points(in);
                case END -> new DrawCommand.End();
                case CURSOR -> new DrawCommand.Cursor(x(in), y(in));
                case UNDO -> new DrawCommand.Undo();
                case CLEAR -> new DrawCommand.Clear();
                case SNAPSHOT -> snapshot(in);
                default -> throw new DrawProtocolException(DrawError.UNKNOWN_TYPE, "Unknown message type 0x" + Integer.toHexString(type));
            };
            if (in.hasRemaining()) {
                throw new DrawProtocolException(DrawError.MALFORMED, in.remaining() + " bytes after the end of message type 0x" + Integer.toHexString(type));
            }
            return command;
        } catch (BufferUnderflowException e) {
            throw new DrawProtocolException(DrawError.MALFORMED, "Truncated message of type 0x" + Integer.toHexString(type));
        }
    }

    private static DrawCommand begin(ByteBuffer in) throws DrawProtocolException {
        int rgb = ((in.get() & 0xFF) << 16) | ((in.get() & 0xFF) << 8) | (in.get() & 0xFF);
        int width = in.get() & 0xFF;
        if (width < 1 || width > MAX_WIDTH) {
            throw new DrawProtocolException(DrawError.OUT_OF_RANGE, "Width " + width + " is outside 1.." + MAX_WIDTH);
        }
        return new DrawCommand.Begin(rgb, width);
    }

    private static DrawCommand points(ByteBuffer in) throws DrawProtocolException {
        int count = in.get() & 0xFF;
        if (count == 0) {
            throw new DrawProtocolException(DrawError.OUT_OF_RANGE, "A points message needs at least one sample");
        }
        if (in.remaining() != count * SAMPLE_BYTES) {
            throw new DrawProtocolException(DrawError.MALFORMED, count + " samples need " + count * SAMPLE_BYTES
                    + " bytes, the message has " + in.remaining());
        }
        int[] samples = new int[count * 3];
        for (int i = 0; i < samples.length; i += 3) {
            samples[i] = x(in);
            samples[i + 1] = y(in);
            samples[i + 2] = in.get() & 0xFF;
        }
        return new DrawCommand.Points(samples);
    }

    private static DrawCommand snapshot(ByteBuffer in) throws DrawProtocolException {
        long request = in.getInt() & 0xFFFFFFFFL;
        byte[] png = new byte[in.remaining()];
        in.get(png);
        if (!isPng(png)) {
            throw new DrawProtocolException(DrawError.MALFORMED, "A snapshot must be a PNG image");
        }
        return new DrawCommand.Snapshot(request, png);
    }

    private static int x(ByteBuffer in) throws DrawProtocolException {
        int x = in.getShort() & 0xFFFF;
        if (x > MAX_X) {
            throw new DrawProtocolException(DrawError.OUT_OF_RANGE, "x " + x + " is outside 0.." + MAX_X);
        }
        return x;
    }

    private static int y(ByteBuffer in) throws DrawProtocolException {
        int y = in.getShort() & 0xFFFF;
        if (y > MAX_Y) {
            throw new DrawProtocolException(DrawError.OUT_OF_RANGE, "y " + y + " is outside 0.." + MAX_Y);
        }
        return y;
    }

    private static String string(ByteBuffer in) throws DrawProtocolException {
        int length = in.get() & 0xFF;
        byte[] bytes = new byte[length];
        in.get(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DrawProtocolException(DrawError.MALFORMED, "A name is not UTF-8");
        }
    }

    /** Whether {@code bytes} start with the PNG signature and an IHDR of exactly {@link #WIDTH} x {@link #HEIGHT}. */
    public static boolean isPng(byte[] bytes) {
        if (bytes.length < 24) {
            return false;
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (bytes[i] != PNG_SIGNATURE[i]) {
                return false;
            }
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, 12, 12);
        return header.get() == 'I' && header.get() == 'H' && header.get() == 'D' && header.get() == 'R'
                && header.getInt() == WIDTH && header.getInt() == HEIGHT;
    }

    // ---- server to client ----

    public static ByteBuffer welcome(int member) {
        return ByteBuffer.allocate(7).put((byte) S_WELCOME).putShort((short) member).putShort((short) WIDTH)
                .putShort((short) HEIGHT).flip();
    }

    public static ByteBuffer member(int member, String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + utf8.length).put((byte) S_MEMBER).putShort((short) member)
                .put((byte) utf8.length).put(utf8).flip();
    }

    public static ByteBuffer left(int member) {
        return ByteBuffer.allocate(3).put((byte) S_LEFT).putShort((short) member).flip();
    }

    public static ByteBuffer begin(long stroke, int member, int rgb, int width) {
        return ByteBuffer.allocate(11).put((byte) S_BEGIN).putInt((int) stroke).putShort((short) member)
                .put((byte) (rgb >> 16)).put((byte) (rgb >> 8)).put((byte) rgb).put((byte) width).flip();
    }

    /** Samples {@code from} (inclusive) to {@code to} (exclusive, at most 255 more) of {@code samples}, three ints each. */
    public static ByteBuffer points(long stroke, int[] samples, int from, int to) {
        int count = to - from;
        if (count < 1 || count > MAX_SAMPLES_PER_MESSAGE) {
            throw new IllegalArgumentException("1.." + MAX_SAMPLES_PER_MESSAGE + " samples per message, not " + count);
        }
        ByteBuffer out = ByteBuffer.allocate(6 + count * SAMPLE_BYTES).put((byte) S_POINTS).putInt((int) stroke).put((byte) count);
        for (int i = from; i < to; i++) {
            out.putShort((short) samples[3 * i]).putShort((short) samples[3 * i + 1]).put((byte) samples[3 * i + 2]);
        }
        return out.flip();
    }

    public static ByteBuffer end(long stroke) {
        return ByteBuffer.allocate(5).put((byte) S_END).putInt((int) stroke).flip();
    }

    public static ByteBuffer cursor(int member, int x, int y) {
        return ByteBuffer.allocate(7).put((byte) S_CURSOR).putShort((short) member).putShort((short) x).putShort((short) y).flip();
    }

    public static ByteBuffer remove(long stroke) {
        return ByteBuffer.allocate(5).put((byte) S_REMOVE).putInt((int) stroke).flip();
    }

    public static ByteBuffer clear(int member) {
        return ByteBuffer.allocate(3).put((byte) S_CLEAR).putShort((short) member).flip();
    }

    public static ByteBuffer snapshot(long upTo, byte[] png) {
        return ByteBuffer.allocate(5 + png.length).put((byte) S_SNAPSHOT).putInt((int) upTo).put(png).flip();
    }

    public static ByteBuffer snapshotRequest(long request, long upTo) {
        return ByteBuffer.allocate(9).put((byte) S_SNAPSHOT_REQUEST).putInt((int) request).putInt((int) upTo).flip();
    }

    public static ByteBuffer compacted(long upTo) {
        return ByteBuffer.allocate(5).put((byte) S_COMPACTED).putInt((int) upTo).flip();
    }

    /** An error: its code and a message (cut to 255 bytes of UTF-8 at a character boundary). */
    public static ByteBuffer error(DrawError error, String message) {
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(utf8.length, 255);
        while (length < utf8.length && length > 0 && (utf8[length] & 0xC0) == 0x80) {
            length--;
        }
        return ByteBuffer.allocate(3 + length).put((byte) S_ERROR).put((byte) error.code()).put((byte) length)
                .put(utf8, 0, length).flip();
    }
}
