package dev.duplex.image.control;

import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import java.nio.charset.StandardCharsets;

/**
 * Tells the format of an image from its first bytes (magic numbers), never from what the client
 * claims. Formats the server reads are returned; a few others are recognised to say so clearly
 * ({@link ErrorCode#UNSUPPORTED_FORMAT}); anything else is {@link ErrorCode#NOT_AN_IMAGE}.
 */
public final class FormatSniffer {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private FormatSniffer() {
    }

    public static ImageFormat sniff(byte[] bytes) throws ImageException {
        if (startsWith(bytes, 0, PNG)) {
            return ImageFormat.PNG;
        }
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8 && (bytes[2] & 0xff) == 0xff) {
            return ImageFormat.JPEG;
        }
        if (startsWith(bytes, 0, ascii("GIF87a")) || startsWith(bytes, 0, ascii("GIF89a"))) {
            return ImageFormat.GIF;
        }
        if (startsWith(bytes, 0, ascii("BM")) && bytes.length >= 18 && plausibleBmpHeader(u32le(bytes, 14))) {
            return ImageFormat.BMP;
        }
        if (startsWith(bytes, 0, ascii("RIFF")) && startsWith(bytes, 8, ascii("WEBP"))) {
            return ImageFormat.WEBP;
        }
        String other = otherFormat(bytes);
        String readable = String.join(", ", ImageFormat.readableNames());
        if (other != null) {
            throw new ImageException(ErrorCode.UNSUPPORTED_FORMAT,
                    other + " images are not supported; send " + readable, ImageFormat.readableNames());
        }
        throw new ImageException(ErrorCode.NOT_AN_IMAGE,
                "The message is not an image (" + describe(bytes) + "); send " + readable, ImageFormat.readableNames());
    }

    /** The name of an image format the server recognises but does not read, or null. */
    static String otherFormat(byte[] b) {
        if (startsWith(b, 0, new byte[] {'I', 'I', 42, 0}) || startsWith(b, 0, new byte[] {'M', 'M', 0, 42})) {
            return "TIFF";
        }
        if (startsWith(b, 0, new byte[] {0, 0, 1, 0}) && b.length >= 6) {
            return "ICO";
        }
        if (startsWith(b, 4, ascii("ftyp")) && b.length >= 12) {
            String brand = new String(b, 8, 4, StandardCharsets.ISO_8859_1);
            if (brand.startsWith("avi")) {
                return "AVIF";
            }
            if (brand.startsWith("hei") || brand.startsWith("mif") || brand.startsWith("hev")) {
                return "HEIF";
            }
        }
        if (startsWith(b, 0, new byte[] {(byte) 0xff, 0x0a}) || startsWith(b, 4, ascii("JXL "))) {
            return "JPEG XL";
        }
        if (startsWith(b, 4, ascii("jP  "))) {
            return "JPEG 2000";
        }
        if (startsWith(b, 0, ascii("8BPS"))) {
            return "Photoshop";
        }
        if (startsWith(b, 0, ascii("qoif"))) {
            return "QOI";
        }
        String start = new String(b, 0, Math.min(b.length, 256), StandardCharsets.ISO_8859_1).stripLeading();
        if (start.startsWith("<svg") || (start.startsWith("<?xml") && start.contains("<svg"))) {
            return "SVG";
        }
        return null;
    }

    private static boolean plausibleBmpHeader(long size) {
        return size == 12 || size == 16 || size == 40 || size == 52 || size == 56 || size == 64 || size == 108 || size == 124;
    }

    /** "empty", or the size and the first bytes in hex. */
    private static String describe(byte[] bytes) {
        if (bytes.length == 0) {
            return "it is empty";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xff));
        }
        return bytes.length + " bytes starting " + hex + (bytes.length > 8 ? " …" : "");
    }

    static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        if (bytes.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static long u32le(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }
}
