package dev.duplex.image.control;

import dev.duplex.image.entity.ControlMessage.Configure;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import dev.duplex.image.entity.Step;
import java.util.List;

/**
 * What happens to the images a connection sends: a chain of operations and the output format.
 * Immutable: each image is processed with the pipeline in force when it arrived.
 *
 * @param operations the chain, never empty
 * @param format     PNG or JPEG
 * @param quality    JPEG quality, 0 to 1
 */
public record Pipeline(List<ImageOperation> operations, ImageFormat format, double quality) {

    public static final double DEFAULT_QUALITY = 0.9;

    /** {@code echo}, PNG, quality 0.9: what a connection starts with. */
    public static final Pipeline DEFAULT = new Pipeline(List.of(new Echo()), ImageFormat.PNG, DEFAULT_QUALITY);

    public Pipeline {
        operations = List.copyOf(operations);
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one operation");
        }
        if (!format.writable()) {
            throw new IllegalArgumentException("cannot write " + format);
        }
    }

    /** Whether the chain is nothing but {@code echo}: the input goes back unchanged. */
    public boolean echoes() {
        return operations.stream().allMatch(Echo.class::isInstance);
    }

    public List<Step> steps() {
        return operations.stream().map(ImageOperation::step).toList();
    }

    /** This pipeline with what the message changes; fields it leaves out stay as they are. */
    public Pipeline configure(Configure message, OperationCatalog catalog) throws ImageException {
        List<ImageOperation> chain = message.ops() == null ? operations : catalog.chain(message.ops());
        ImageFormat output = message.format() == null ? format : outputFormat(message.format());
        double q = message.quality() == null ? quality : quality(message.quality());
        return new Pipeline(chain, output, q);
    }

    /** The writable format with this name, or {@link ErrorCode#BAD_PARAMETER} listing them. */
    static ImageFormat outputFormat(String name) throws ImageException {
        return ImageFormat.ofWireName(name).filter(ImageFormat::writable)
                .orElseThrow(() -> new ImageException(ErrorCode.BAD_PARAMETER,
                        "format must be one of " + String.join(", ", ImageFormat.writableNames()) + ", not "
                                + ImageException.quote(name), ImageFormat.writableNames()));
    }

    static double quality(double quality) throws ImageException {
        if (!(quality >= 0 && quality <= 1)) {
            throw new ImageException(ErrorCode.BAD_PARAMETER,
                    "quality must be a number from 0 to 1, not " + ImageException.quote(quality),
                    List.of("quality: a number from 0 to 1 (default " + DEFAULT_QUALITY + ")"));
        }
        return quality;
    }
}
