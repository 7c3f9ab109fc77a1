package dev.duplex.image.control;

import dev.duplex.image.control.ImageHeaders.Size;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

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

    public Decoded decode(byte[] bytes) throws ImageException {
        ImageFormat format = inspect(bytes).format();
        ImageReader reader = reader(format);
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(input, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            Size size = new Size(reader.getWidth(0), reader.getHeight(0));
            ImageHeaders.checkLimit(format, size, maxPixels);
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            ImageHeaders.checkLimit(format, new Size(image.getWidth(), image.getHeight()), maxPixels);
            for (String warning : warnings) {
                String lower = warning.toLowerCase(Locale.ROOT);
                if (lower.contains("truncated") || lower.contains("premature end")) {
                    LOG.log(Level.DEBUG, () -> "Decoding a " + format.wireName() + " image: " + warning);
                    throw truncated(format, null);
                }
                LOG.log(Level.DEBUG, () -> "Decoding a " + format.wireName() + " image: " + warning);
            }
            return new Decoded(format, Pixels.of(image));
        } catch (ImageException e) {
            throw e;
        } catch (IOException e) {
            // The decoder's own text stays in the server's log: clients get a fixed description.
            LOG.log(Level.DEBUG, () -> "Decoding a " + format.wireName() + " image failed: " + describe(e));
            if (causedBy(e, EOFException.class)) {
                throw truncated(format, e);
            }
            throw new ImageException(ErrorCode.CORRUPT,
                    "The " + format.wireName() + " image could not be decoded: its data is corrupt", e);
        } catch (RuntimeException e) {
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
