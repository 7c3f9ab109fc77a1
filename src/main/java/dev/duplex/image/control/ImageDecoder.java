package dev.duplex.image.control;

import dev.duplex.image.control.ImageHeaders.Size;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import java.awt.image.BufferedImage;
import java.awt.image.SampleModel;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns the bytes of an image into {@link Pixels}, refusing what should not be decoded:
 * <ol>
 * <li>the format is sniffed from the bytes ({@link FormatSniffer});</li>
 * <li>the size the header claims is checked against the pixel limit ({@link ImageHeaders}) before
 * any decoder runs;</li>
 * <li>the ImageIO reader's own idea of the size is checked again before it reads, so that a
 * header the two parse differently cannot slip through;</li>
 * <li>decoding runs in memory (no ImageIO file cache), metadata ignored, first frame only;
 * truncation and damage become {@link ErrorCode#TRUNCATED} and {@link ErrorCode#CORRUPT}.</li>
 * </ol>
 * Stateless and thread-safe.
 */
public final class ImageDecoder {

    private static final System.Logger LOG = System.getLogger(ImageDecoder.class.getName());

    /** What a decoded image is. */
    public record Decoded(ImageFormat format, Pixels pixels) {
    }

    /** What the header says, before decoding. */
    public record Inspection(ImageFormat format, Size claimed) {
    }

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /** Steps 1 and 2: cheap enough for the WebSocket's own thread (no decoding, no allocation). */
    public Inspection inspect(byte[] bytes) throws ImageException {
        ImageFormat format = FormatSniffer.sniff(bytes);
        Size claimed = ImageHeaders.claimedSize(format, bytes);
        ImageHeaders.checkLimit(format, claimed, maxPixels);
        return new Inspection(format, claimed);
    }

    /** Decodes outside any memory budget (tests, tools). */
    public Decoded decode(byte[] bytes) throws ImageException {
        return decode(bytes, ImageMemory.unlimited(), Plan.NONE);
    }

    /**
     * Decodes into {@link Pixels}, charging {@code memory} first: the decoder's raster (as the
     * reader's destination type will lay it out, plus its row buffers), then the ARGB pixels it is
     * converted to; the raster is released once converted. On return {@code memory} holds what it
     * held before plus the pixels' {@code 4 × width × height} bytes; on failure, what it held before.
     *
     * @param plan told the size and the raster's bytes before anything is charged or decoded, so
     *             that an image whose whole processing cannot fit is refused first
     */
    public Decoded decode(byte[] bytes, ImageMemory memory, Plan plan) throws ImageException {
        long before = memory.held();
        try {
            Read read = read(bytes, memory, plan);
            BufferedImage image = read.image();
            long conversion = Pixels.conversionBytes(image);
            memory.charge(conversion, "the conversion to ARGB pixels");
            Pixels pixels = Pixels.of(image);
            memory.release(read.rasterBytes() + conversion - Rasters.argb(pixels.width(), pixels.height()));
            return new Decoded(read.format(), pixels);
        } catch (ImageException | RuntimeException | Error e) {
            memory.release(memory.held() - before);
            throw e;
        }
    }

    /**
     * Decodes the image to make sure it is a whole one, then lets the raster go (what {@code echo}
     * needs); the raster is charged to {@code memory} while it exists.
     *
     * @return the format and the decoded size
     */
    public Inspection check(byte[] bytes, ImageMemory memory, Plan plan) throws ImageException {
        long before = memory.held();
        try {
            Read read = read(bytes, memory, plan);
            return new Inspection(read.format(), new Size(read.image().getWidth(), read.image().getHeight()));
        } finally {
            memory.release(memory.held() - before);
        }
    }

    /** What the processor checks before an image is decoded. */
    @FunctionalInterface
    public interface Plan {
        Plan NONE = (width, height, rasterBytes, scratchBytes, argbRaster) -> { };

        /**
         * @param rasterBytes  the bytes the decoder's raster will take
         * @param scratchBytes the bytes the decoder needs besides, while it runs
         * @param argbRaster   whether that raster becomes the ARGB pixels without a conversion
         */
        void check(int width, int height, long rasterBytes, long scratchBytes, boolean argbRaster) throws ImageException;
    }

    /** A decoded image and the bytes of its raster, charged. */
    private record Read(ImageFormat format, BufferedImage image, long rasterBytes) {
    }

    private Read read(byte[] bytes, ImageMemory memory, Plan plan) throws ImageException {
        ImageFormat format = inspect(bytes).format();
        ImageReader reader = reader(format);
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream input = new ByteArrayImageInput(bytes)) {
            reader.setInput(input, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            ImageHeaders.checkLimit(format, new Size(width, height), maxPixels);
            // The reader allocates its destination as the first of its image types describes it
            // (ImageReader.getDestination); it is named explicitly so that the charge is for that one.
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            ImageTypeSpecifier type = types.hasNext() ? types.next() : null;
            long raster = type == null ? MAX_BYTES_PER_PIXEL * width * height : Rasters.bytes(type.getSampleModel(width, height));
            SampleModel sample = type == null ? null : type.getSampleModel(1, 1);
            boolean byteColour = sample == null
                    || sample.getNumBands() >= 3 && sample.getDataType() == java.awt.image.DataBuffer.TYPE_BYTE;
            long scratch = scratchBytes(format, width, height, raster, byteColour, bytes.length);
            plan.check(width, height, raster, scratch,
                    type != null && type.getBufferedImageType() == BufferedImage.TYPE_INT_ARGB);
            memory.charge(raster + scratch, "decoding " + width + "×" + height);
            ImageReadParam param = reader.getDefaultReadParam();
            if (type != null) {
                param.setDestinationType(type);
            }
            BufferedImage image = reader.read(0, param);
            memory.release(scratch);
            ImageHeaders.checkLimit(format, new Size(image.getWidth(), image.getHeight()), maxPixels);
            long actual = Rasters.bytes(image);
            if (actual > raster) {
                LOG.log(Level.WARNING, "The {0} decoder allocated {1} bytes for a {2}×{3} raster, {4} were charged",
                        format.wireName(), actual, width, height, raster);
                memory.charge(actual - raster, "the decoded raster");
            } else {
                memory.release(raster - actual);
            }
            for (String warning : warnings) {
                String lower = warning.toLowerCase(Locale.ROOT);
                if (lower.contains("truncated") || lower.contains("premature end")) {
                    LOG.log(Level.DEBUG, () -> "Decoding a " + format.wireName() + " image: " + warning);
                    throw truncated(format, null);
                }
                LOG.log(Level.DEBUG, () -> "Decoding a " + format.wireName() + " image: " + warning);
            }
            return new Read(format, image, actual);
        } catch (ImageException e) {
            throw e;
        } catch (IOException e) {
            // ImageIO's PNG reader wraps everything it catches, OutOfMemoryError included, in an
            // IIOException: that is the server failing, not a corrupt image.
            rethrowVirtualMachineError(e);
            // The decoder's own text stays in the server's log: clients get a fixed description.
            LOG.log(Level.DEBUG, () -> "Decoding a " + format.wireName() + " image failed: " + describe(e));
            if (causedBy(e, EOFException.class)) {
                throw truncated(format, e);
            }
            throw new ImageException(ErrorCode.CORRUPT,
                    "The " + format.wireName() + " image could not be decoded: its data is corrupt", e);
        } catch (RuntimeException e) {
            rethrowVirtualMachineError(e);
            // Decoders signal some damage with unchecked exceptions (IllegalArgumentException,
            // ArrayIndexOutOfBoundsException, ...): the image is bad, not the server. Their text
            // describes the decoder's internals, so the client gets a fixed one.
            LOG.log(Level.DEBUG, () -> "Decoding a " + format.wireName() + " image failed: " + e);
            throw new ImageException(ErrorCode.CORRUPT,
                    "The " + format.wireName() + " image could not be decoded: its data is corrupt", e);
        } finally {
            reader.dispose();
        }
    }

    /**
     * What a reader allocates besides its destination, as measured on JDK 17 with the thread's
     * allocation counter (ImageMemoryTest checks it): row buffers (a few rows of at most eight
     * bytes per pixel: PNG's filtered rows and row raster, GIF's and BMP's row, JPEG's row raster;
     * libjpeg's own memory is native, outside the heap); for PNG images of three or four 8-bit
     * bands and for JPEG a second buffer the size of the raster, and for PNG about a third of the
     * input in chunk buffers; for WebP (TwelveMonkeys) a whole ARGB plane and its decoder's tables.
     *
     * @param byteColour whether the raster has three or four bands of bytes
     */
    static long scratchBytes(ImageFormat format, long width, long height, long rasterBytes, boolean byteColour,
                             long inputBytes) {
        long rows = ROW_SCRATCH_BYTES_PER_PIXEL * width;
        return switch (format) {
            case PNG -> rows + (byteColour ? rasterBytes : 0) + inputBytes / 2;
            case JPEG -> rows + rasterBytes;
            case WEBP -> rows + Rasters.argb(width, height) + 256 * 1024;
            default -> rows;
        };
    }

    /** The bytes per pixel of the largest standard raster (four 16-bit samples). */
    static final long MAX_BYTES_PER_PIXEL = 8;

    /** Row buffers a decoder or encoder may hold at once: four rows of eight bytes per pixel. */
    static final long ROW_SCRATCH_BYTES_PER_PIXEL = 4 * MAX_BYTES_PER_PIXEL;

    private static ImageReader reader(ImageFormat format) throws ImageException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.wireName());
        if (!readers.hasNext()) {
            throw new ImageException(ErrorCode.UNSUPPORTED_FORMAT,
                    "This server has no decoder for " + format.wireName() + " images");
        }
        return readers.next();
    }

    private static ImageException truncated(ImageFormat format, Throwable cause) {
        return new ImageException(ErrorCode.TRUNCATED, "The " + format.wireName() + " image is truncated: its data ends early", cause);
    }

    private static void rethrowVirtualMachineError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof VirtualMachineError error) {
                throw error;
            }
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The most specific message in the chain, e.g. "Invalid block length for LZW encoded image data". */
    private static String describe(Throwable failure) {
        String message = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message == null ? failure.getClass().getSimpleName() : message;
    }
}
