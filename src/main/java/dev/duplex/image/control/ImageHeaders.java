package dev.duplex.image.control;

import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import java.nio.charset.StandardCharsets;

/**
 * Reads the size an image claims from its header alone, without decoding anything, so that a
 * decompression bomb (a small file whose header claims billions of pixels) is refused before a
 * pixel buffer exists. Where a format states a size in more than one place, the largest claim on
 * each axis counts:
 * <ul>
 * <li>PNG: the IHDR chunk, which must come first;</li>
 * <li>GIF: the logical screen and the first image descriptor (the frame that is decoded);</li>
 * <li>JPEG: the first SOFn frame header, found by walking the marker segments;</li>
 * <li>BMP: the DIB header (OS/2 12-byte, Windows 40-byte and later; bottom-up or top-down);</li>
 * <li>WebP: the VP8 frame header, the VP8L header, or the VP8X canvas and every VP8, VP8L and
 * ANMF chunk after it.</li>
 * </ul>
 * A header that ends early is {@link ErrorCode#TRUNCATED}; one that makes no sense is
 * {@link ErrorCode#CORRUPT}.
 */
public final class ImageHeaders {

    /** A width and height in pixels. */
    public record Size(int width, int height) {
        public long pixels() {
            return (long) width * height;
        }

        @Override
        public String toString() {
            return width + "×" + height;
        }
    }

    private final byte[] b;
    private final ImageFormat format;

    private ImageHeaders(byte[] bytes, ImageFormat format) {
        this.b = bytes;
        this.format = format;
    }

    /** The size the header of an image in this format claims. */
    public static Size claimedSize(ImageFormat format, byte[] bytes) throws ImageException {
        ImageHeaders header = new ImageHeaders(bytes, format);
        Size size = switch (format) {
            case PNG -> header.png();
            case GIF -> header.gif();
            case JPEG -> header.jpeg();
            case BMP -> header.bmp();
            case WEBP -> header.webp();
        };
        if (size.width() <= 0 || size.height() <= 0) {
            throw header.corrupt("its header claims an empty size " + size);
        }
        return size;
    }

    /** Refuses a size over the limit with {@link ErrorCode#TOO_MANY_PIXELS}. */
    public static void checkLimit(ImageFormat format, Size size, long maxPixels) throws ImageException {
        if (size.pixels() > maxPixels) {
            throw new ImageException(ErrorCode.TOO_MANY_PIXELS, String.format(java.util.Locale.ROOT,
                    "The %s image claims %s pixels (%.1f megapixels); the limit is %.1f megapixels",
                    format.wireName(), size, size.pixels() / 1e6, maxPixels / 1e6));
        }
    }

    private Size png() throws ImageException {
        need(8, 21);
        if (u32be(8) != 13 || !ascii(12, "IHDR")) {
            throw corrupt("it does not start with an IHDR chunk");
        }
        long width = u32be(16);
        long height = u32be(20);
        if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw corrupt("its header claims an impossible size " + width + "×" + height);
        }
        return new Size((int) width, (int) height);
    }

    private Size gif() throws ImageException {
        int screenWidth = u16le(6);
        int screenHeight = u16le(8);
        int flags = u8(10);
        long pos = 13 + ((flags & 0x80) != 0 ? 3L << ((flags & 7) + 1) : 0);
        while (true) {
            int block = u8(pos);
            if (block == 0x21) {
                pos += 2;
                for (int length = u8(pos); length != 0; length = u8(pos)) {
                    pos += 1 + length;
                }
                pos++;
            } else if (block == 0x2c) {
                int width = u16le(pos + 5);
                int height = u16le(pos + 7);
                return new Size(Math.max(screenWidth, width), Math.max(screenHeight, height));
            } else if (block == 0x3b) {
                throw corrupt("it ends before any image");
            } else {
                throw corrupt(String.format("it has an unknown block 0x%02x at byte %d", block, pos));
            }
        }
    }

    private Size jpeg() throws ImageException {
        long pos = 2;
        while (true) {
            if (u8(pos) != 0xff) {
                throw corrupt("it has no marker at byte " + pos);
            }
            int marker = u8(pos + 1);
            if (marker == 0xff) {
                pos++;
                continue;
            }
            if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                pos += 2;
                continue;
            }
            if (marker == 0xd9 || marker == 0xda) {
                throw corrupt("its image data starts before a frame header (SOF)");
            }
            int length = u16be(pos + 2);
            if (length < 2) {
                throw corrupt("it has a segment of length " + length + " at byte " + pos);
            }
            boolean frame = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
            if (frame) {
                int height = u16be(pos + 5);
                int width = u16be(pos + 7);
                if (height == 0) {
                    throw new ImageException(ErrorCode.UNSUPPORTED_FORMAT,
                            "JPEG images whose height comes after the image data (DNL) are not supported");
                }
                return new Size(width, height);
            }
            pos += 2 + length;
        }
    }

    private Size bmp() throws ImageException {
        long headerSize = u32le(14);
        if (headerSize == 12) {
            return new Size(u16le(18), u16le(20));
        }
        int width = (int) u32le(18);
        int height = (int) u32le(22);
        if (height == Integer.MIN_VALUE) {
            throw corrupt("its header claims an impossible height");
        }
        return new Size(width, Math.abs(height));
    }

    private Size webp() throws ImageException {
        String chunk = fourcc(12);
        long data = 20;
        switch (chunk) {
            case "VP8 ":
                return vp8(data);
            case "VP8L":
                return vp8l(data);
            case "VP8X":
                int width = u24le(data + 4) + 1;
                int height = u24le(data + 7) + 1;
                long pos = data + u32le(16);
                pos += pos & 1;
                while (pos + 8 <= b.length) {
                    String name = fourcc(pos);
                    long size = u32le(pos + 4);
                    Size inner = switch (name) {
                        case "VP8 " -> pos + 18 <= b.length ? vp8(pos + 8) : null;
                        case "VP8L" -> pos + 13 <= b.length ? vp8l(pos + 8) : null;
                        case "ANMF" -> pos + 20 <= b.length ? new Size(u24le(pos + 14) + 1, u24le(pos + 17) + 1) : null;
                        default -> null;
                    };
                    if (inner != null) {
                        width = Math.max(width, inner.width());
                        height = Math.max(height, inner.height());
                    }
                    pos += 8 + size + (size & 1);
                }
                return new Size(width, height);
            default:
                throw corrupt("it has an unknown first chunk " + ImageException.quote(chunk));
        }
    }

    private Size vp8(long data) throws ImageException {
        if (u8(data + 3) != 0x9d || u8(data + 4) != 0x01 || u8(data + 5) != 0x2a) {
            throw corrupt("its VP8 frame has no start code");
        }
        return new Size(u16le(data + 6) & 0x3fff, u16le(data + 8) & 0x3fff);
    }

    private Size vp8l(long data) throws ImageException {
        if (u8(data) != 0x2f) {
            throw corrupt("its VP8L data has no signature");
        }
        long bits = u32le(data + 1);
        return new Size((int) (bits & 0x3fff) + 1, (int) ((bits >>> 14) & 0x3fff) + 1);
    }

    // ---- reading, with bounds checks -----------------------------------------------------------

    private void need(long at, int count) throws ImageException {
        if (at < 0 || at + count > b.length) {
            throw new ImageException(ErrorCode.TRUNCATED,
                    "The " + format.wireName() + " image ends inside its header (" + b.length + " bytes)");
        }
    }

    private ImageException corrupt(String problem) {
        return new ImageException(ErrorCode.CORRUPT, "The " + format.wireName() + " image is damaged: " + problem);
    }

    private int u8(long at) throws ImageException {
        need(at, 1);
        return b[(int) at] & 0xff;
    }

    private int u16le(long at) throws ImageException {
        need(at, 2);
        int i = (int) at;
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    private int u16be(long at) throws ImageException {
        need(at, 2);
        int i = (int) at;
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    private int u24le(long at) throws ImageException {
        need(at, 3);
        int i = (int) at;
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16;
    }

    private long u32le(long at) throws ImageException {
        need(at, 4);
        int i = (int) at;
        return (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24;
    }

    private long u32be(long at) throws ImageException {
        need(at, 4);
        int i = (int) at;
        return (b[i] & 0xffL) << 24 | (b[i + 1] & 0xffL) << 16 | (b[i + 2] & 0xffL) << 8 | (b[i + 3] & 0xffL);
    }

    private String fourcc(long at) throws ImageException {
        need(at, 4);
        return new String(b, (int) at, 4, StandardCharsets.ISO_8859_1);
    }

    private boolean ascii(long at, String expected) throws ImageException {
        return fourcc(at).equals(expected);
    }
}
