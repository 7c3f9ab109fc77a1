package dev.duplex.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * Images for the tests: synthetic pictures in every format, the WebP fixtures, and decompression
 * bombs (tiny files whose headers claim huge sizes), built byte by byte.
 *
 * <p>The WebP fixtures in {@code src/test/resources/images} were made with libwebp's {@code cwebp}
 * (Debian package {@code webp}) from 32×24 PNGs: four quadrants red, green / blue, white
 * ({@code quad-lossless.webp}: {@code -lossless}, a VP8L file; {@code quad-lossy.webp}: {@code -q 95},
 * VP8) and opaque red left, transparent right ({@code alpha-lossy.webp}: {@code -q 95 -exact},
 * VP8X with an ALPH chunk).
 */
public final class TestImages {

    private TestImages() {
    }

    /** An opaque picture with gradients, stripes and a disc: many distinct colours, deterministic. */
    public static BufferedImage colorful(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        int[] argb = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = x * 255 / Math.max(1, width - 1);
                int g = y * 255 / Math.max(1, height - 1);
                int b = ((x / 8 + y / 8) % 2) * 160 + 40;
                double dx = x - width / 2.0;
                double dy = y - height / 2.0;
                if (dx * dx + dy * dy < Math.pow(Math.min(width, height) / 4.0, 2)) {
                    r = 250;
                    g = 200;
                    b = 20;
                }
                argb[y * width + x] = 0xff000000 | r << 16 | g << 8 | b;
            }
        }
        image.setRGB(0, 0, width, height, argb, 0, width);
        return image;
    }

    /** A photo-like picture: smooth shading plus fine noise, which PNG cannot compress much. */
    public static BufferedImage photoLike(int width, int height, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int[] argb = new int[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double shade = 0.5 + 0.5 * Math.sin(x / 97.0) * Math.cos(y / 61.0);
                int noise = random.nextInt(17) - 8;
                int r = clamp((int) (200 * shade) + 30 + noise);
                int g = clamp((int) (120 + 100 * Math.sin((x + y) / 150.0)) + noise);
                int b = clamp((int) (255 * (1 - shade)) + noise);
                argb[y * width + x] = 0xff000000 | r << 16 | g << 8 | b;
            }
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, argb, 0, width);
        return image;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** The image in an ImageIO format ("png", "jpeg", "gif", "bmp"); JPEG and BMP get an RGB copy. */
    public static byte[] encode(BufferedImage image, String format) {
        BufferedImage source = image;
        if (format.equals("jpeg") || format.equals("bmp")) {
            source = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            source.getGraphics().drawImage(image, 0, 0, null);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(source, format, out)) {
                throw new IllegalArgumentException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static BufferedImage decode(byte[] bytes) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file from src/test/resources/images. */
    public static byte[] resource(String name) {
        try (InputStream in = TestImages.class.getResourceAsStream("/images/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test image " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- decompression bombs ----------------------------------------------------------------------

    /** A valid PNG header claiming width × height RGBA pixels, with a few rows of zeros: well under 1 KiB. */
    public static byte[] pngBomb(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 6)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[64 * 1024]);
        deflater.finish();
        byte[] compressed = new byte[1024];
        int length = deflater.deflate(compressed);
        deflater.end();
        chunk(out, "IDAT", java.util.Arrays.copyOf(compressed, length));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /**
     * A whole, valid 8-bit PNG of one flat colour: every row unfiltered samples of {@code value},
     * deflated at level 9, so that it is about a thousandth of its decoded size (a 40 Mpx gray one
     * is about 39 KB) yet decodes to width × height real pixels.
     *
     * @param colourType 0 gray (1 byte per pixel), 2 RGB (3), 6 RGBA (4)
     */
    public static byte[] flatPng(int width, int height, int colourType, int value) {
        return flatPng(width, height, colourType, value, 8);
    }

    /** As {@link #flatPng(int, int, int, int)}, with 8 or 16 bits per sample. */
    public static byte[] flatPng(int width, int height, int colourType, int value, int bitDepth) {
        int channels = switch (colourType) {
            case 0 -> 1;
            case 2 -> 3;
            case 6 -> 4;
            default -> throw new IllegalArgumentException("colour type " + colourType);
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        byte[] row = new byte[1 + width * channels * (bitDepth / 8)];
        java.util.Arrays.fill(row, 1, row.length, (byte) value);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(9);
        byte[] buffer = new byte[64 * 1024];
        for (int y = 0; y < height; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                idat.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * A GIF whose logical screen is screenWidth × screenHeight and whose one frame is
     * frameWidth × frameHeight, with a handful of LZW bytes.
     */
    public static byte[] gifBomb(int screenWidth, int screenHeight, int frameWidth, int frameHeight) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GIF89a".getBytes(StandardCharsets.US_ASCII));
        b.putShort((short) screenWidth).putShort((short) screenHeight).put((byte) 0x80).put((byte) 0).put((byte) 0);
        b.put(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
        b.put((byte) 0x2c).putShort((short) 0).putShort((short) 0).putShort((short) frameWidth)
                .putShort((short) frameHeight).put((byte) 0);
        b.put((byte) 2).put((byte) 2).put((byte) 0x4c).put((byte) 0x01).put((byte) 0);
        b.put((byte) 0x3b);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** The start of a baseline JPEG whose frame header (SOF0) claims width × height. */
    public static byte[] jpegBomb(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(64);
        b.put(new byte[] {(byte) 0xff, (byte) 0xd8});
        b.put(new byte[] {(byte) 0xff, (byte) 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0});
        b.put(new byte[] {(byte) 0xff, (byte) 0xc0, 0, 11, 8}).putShort((short) height).putShort((short) width)
                .put(new byte[] {1, 1, 0x11, 0});
        b.put(new byte[] {(byte) 0xff, (byte) 0xd9});
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** A 24-bit BMP header (BITMAPINFOHEADER) claiming width × height, with a few bytes of pixels. */
    public static byte[] bmpBomb(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(70).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(70).putInt(0).putInt(54);
        b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0).putInt(0)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        return b.array();
    }

    /** A WebP with a VP8X header whose canvas is width × height (up to 2^24 each). */
    public static byte[] webpBomb(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(22).put("WEBP".getBytes(StandardCharsets.US_ASCII));
        b.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10).putInt(0);
        b.put((byte) (width - 1)).put((byte) ((width - 1) >> 8)).put((byte) ((width - 1) >> 16));
        b.put((byte) (height - 1)).put((byte) ((height - 1) >> 8)).put((byte) ((height - 1) >> 16));
        return b.array();
    }
}
