package dev.duplex.image.control;

import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

/**
 * Writes {@link Pixels} as PNG or JPEG, in memory, in the smallest exact layout:
 * <ul>
 * <li>PNG ({@link PngWriter}): 8-bit gray when every pixel is opaque gray, RGB when every pixel is
 * opaque, else RGBA;</li>
 * <li>JPEG (ImageIO): gray or RGB at the requested quality; translucent pixels are flattened onto
 * white first (JPEG has no alpha).</li>
 * </ul>
 * A result larger than the output limit is refused with {@link ErrorCode#OUTPUT_TOO_LARGE} as soon
 * as the encoder passes the limit. Stateless and thread-safe.
 */
public final class ImageEncoder {

    private final long maxOutputBytes;

    public ImageEncoder(long maxOutputBytes) {
        this.maxOutputBytes = maxOutputBytes;
    }

    public byte[] encode(Pixels pixels, ImageFormat format, double quality) throws ImageException {
        if (!format.writable()) {
            throw new IllegalArgumentException("cannot write " + format);
        }
        MemoryImageOutput out = new MemoryImageOutput(maxOutputBytes, pixels.argb().length + 1024);
        try (out) {
            boolean gray = pixels.isOpaqueGray();
            if (format == ImageFormat.PNG) {
                PngWriter.ColourType type = gray ? PngWriter.ColourType.GRAY
                        : pixels.isOpaque() ? PngWriter.ColourType.RGB : PngWriter.ColourType.RGBA;
                PngWriter.write(pixels, type, out);
            } else {
                BufferedImage image = gray ? grayImage(pixels)
                        : (pixels.isOpaque() ? pixels : flattenOntoWhite(pixels)).toOpaqueImage();
                writeJpeg(image, quality, out);
            }
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof MemoryImageOutput.TooLarge) {
                    throw new ImageException(ErrorCode.OUTPUT_TOO_LARGE, String.format(Locale.ROOT,
                            "The %s result would be larger than %d bytes; ask for jpeg or resize the image",
                            format.wireName(), maxOutputBytes));
                }
            }
            throw new IllegalStateException("Encoding " + format.wireName() + " in memory failed", e);
        }
        return out.toByteArray();
    }

    private static void writeJpeg(BufferedImage image, double quality, MemoryImageOutput out) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality((float) quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    /** A one-byte-per-pixel gray image of pixels that are all opaque gray. */
    private static BufferedImage grayImage(Pixels pixels) {
        BufferedImage gray = new BufferedImage(pixels.width(), pixels.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] target = ((DataBufferByte) gray.getRaster().getDataBuffer()).getData();
        int[] source = pixels.argb();
        for (int i = 0; i < source.length; i++) {
            target[i] = (byte) source[i];
        }
        return gray;
    }

    /** Composites translucent pixels over white, into a copy. */
    private static Pixels flattenOntoWhite(Pixels pixels) {
        int[] source = pixels.argb();
        int[] flat = new int[source.length];
        for (int i = 0; i < source.length; i++) {
            int p = source[i];
            int a = p >>> 24;
            int white = (255 - a) * 255;
            flat[i] = Pixels.pack(255, (((p >> 16) & 0xff) * a + white + 127) / 255,
                    (((p >> 8) & 0xff) * a + white + 127) / 255, ((p & 0xff) * a + white + 127) / 255);
        }
        return new Pixels(pixels.width(), pixels.height(), flat);
    }
}
