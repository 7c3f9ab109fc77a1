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

    /** Encodes outside any memory budget (tests, tools). */
    public byte[] encode(Pixels pixels, ImageFormat format, double quality) throws ImageException {
        return encode(pixels, format, quality, ImageMemory.unlimited());
    }

    /**
     * Encodes, charging {@code memory} before each buffer is allocated: the output buffer (as it
     * grows), the PNG writer's rows, JPEG's gray or flattened copy and row buffers. On return
     * {@code memory} holds what it held before plus the result's length; on failure, what it held.
     */
    public byte[] encode(Pixels pixels, ImageFormat format, double quality, ImageMemory memory) throws ImageException {
        if (!format.writable()) {
            throw new IllegalArgumentException("cannot write " + format);
        }
        long before = memory.held();
        try {
            return write(pixels, format, quality, memory);
        } catch (ImageException | RuntimeException | Error e) {
            memory.release(memory.held() - before);
            throw e;
        }
    }

    /** The bytes {@link #encode} charges before it writes the first byte. */
    long initialBytes(int width, int height, ImageFormat format) {
        long output = MemoryImageOutput.initialCapacity(maxOutputBytes, (long) width * height + 1024);
        return output + (format == ImageFormat.PNG ? PngWriter.scratchBytes(width, PngWriter.ColourType.RGBA)
                : jpegScratch(width, height, false));
    }

    private static long jpegScratch(int width, int height, boolean gray) {
        long pixels = (long) width * height;
        return (gray ? pixels + pixels / 2 : 2 * 3 * pixels) + ImageDecoder.ROW_SCRATCH_BYTES_PER_PIXEL * width;
    }

    private byte[] write(Pixels pixels, ImageFormat format, double quality, ImageMemory memory) throws ImageException {
        MemoryImageOutput out = MemoryImageOutput.open(maxOutputBytes, pixels.argb().length + 1024, memory);
        long scratch = 0;
        try (out) {
            boolean gray = pixels.isOpaqueGray();
            if (format == ImageFormat.PNG) {
                PngWriter.ColourType type = gray ? PngWriter.ColourType.GRAY
                        : pixels.isOpaque() ? PngWriter.ColourType.RGB : PngWriter.ColourType.RGBA;
                scratch = PngWriter.scratchBytes(pixels.width(), type);
                memory.charge(scratch, "the PNG writer's rows");
                PngWriter.write(pixels, type, out);
            } else {
                // A byte-interleaved copy (one byte per pixel for gray, three for colour), for colour
                // a second one the size of it that ImageIO's JPEG writer makes (half that for gray;
                // measured with the thread's
                // allocation counter on JDK 17) and its row buffers; libjpeg's own memory is native.
                // Handed an int-per-pixel image instead, the writer copied every sample as an int:
                // 12 bytes per pixel.
                scratch = jpegScratch(pixels.width(), pixels.height(), gray);
                memory.charge(scratch, "the JPEG writer's copy and rows");
                BufferedImage image = gray ? grayImage(pixels) : bgrOntoWhite(pixels);
                writeJpeg(image, quality, out);
            }
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof MemoryImageOutput.TooLarge) {
                    throw new ImageException(ErrorCode.OUTPUT_TOO_LARGE, String.format(Locale.ROOT,
                            "The %s result would be larger than %d bytes; ask for jpeg or resize the image",
                            format.wireName(), maxOutputBytes));
                }
                if (t instanceof MemoryImageOutput.Refused refused) {
                    throw refused.refusal();
                }
            }
            throw new IllegalStateException("Encoding " + format.wireName() + " in memory failed", e);
        }
        memory.release(scratch);
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

    /** A three-byte-per-pixel BGR copy, translucent pixels composited over white. */
    private static BufferedImage bgrOntoWhite(Pixels pixels) {
        BufferedImage bgr = new BufferedImage(pixels.width(), pixels.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] target = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        int[] source = pixels.argb();
        for (int i = 0, j = 0; i < source.length; i++, j += 3) {
            int p = source[i];
            int a = p >>> 24;
            int r = (p >> 16) & 0xff;
            int g = (p >> 8) & 0xff;
            int b = p & 0xff;
            if (a != 0xff) {
                int white = (255 - a) * 255;
                r = (r * a + white + 127) / 255;
                g = (g * a + white + 127) / 255;
                b = (b * a + white + 127) / 255;
            }
            target[j] = (byte) b;
            target[j + 1] = (byte) g;
            target[j + 2] = (byte) r;
        }
        return bgr;
    }
}
