package dev.duplex.image.entity;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The image formats {@code /image} reads, and the two it writes. Wire names are lower case. */
public enum ImageFormat {
    PNG("png", "image/png", true),
    JPEG("jpeg", "image/jpeg", true),
    GIF("gif", "image/gif", false),
    BMP("bmp", "image/bmp", false),
    WEBP("webp", "image/webp", false);

    private final String wireName;
    private final String mimeType;
    private final boolean writable;

    ImageFormat(String wireName, String mimeType, boolean writable) {
        this.wireName = wireName;
        this.mimeType = mimeType;
        this.writable = writable;
    }

    /** The name in JSON messages and query parameters, and ImageIO's format name. */
    public String wireName() {
        return wireName;
    }

    public String mimeType() {
        return mimeType;
    }

    /** Whether results can be written in this format (PNG and JPEG). */
    public boolean writable() {
        return writable;
    }

    /** The format with this wire name ({@code jpg} is taken for {@code jpeg}), ignoring case. */
    public static Optional<ImageFormat> ofWireName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        String canonical = wanted.equals("jpg") ? "jpeg" : wanted;
        return Arrays.stream(values()).filter(f -> f.wireName.equals(canonical)).findFirst();
    }

    /** Every format's wire name, in declaration order. */
    public static List<String> readableNames() {
        return Arrays.stream(values()).map(ImageFormat::wireName).toList();
    }

    /** The wire names of the formats results can be written in. */
    public static List<String> writableNames() {
        return Arrays.stream(values()).filter(ImageFormat::writable).map(ImageFormat::wireName).toList();
    }
}
