package dev.duplex.image.control;

import dev.duplex.image.entity.Step;
import java.util.Map;

/**
 * One image operation with its parameters. Operations work on the {@code int[]} of {@link Pixels}
 * with no per-pixel method calls on images. {@link #apply(Pixels)} may change its argument and
 * return it, or return new pixels: callers use only what it returns. Instances are immutable
 * values, safe to share between threads; {@link OperationCatalog} makes them from requests.
 */
public sealed interface ImageOperation
        permits Echo, Reencode, Grayscale, Invert, Sepia, Blur, Sharpen, Edges, Threshold, Rotate, Flip, Resize, Pixelate {

    /** The operation's name on the wire. */
    String name();

    Pixels apply(Pixels image);

    /**
     * What {@link #apply} allocates for an input of {@code width} × {@code height}: its output raster
     * when it makes a new one, and its scratch buffers, in bytes (array headers aside), and the
     * size of the image it returns. {@link ImageProcessor} charges these bytes to the session's
     * memory budget before calling {@link #apply}, so they must cover every array it allocates.
     * Operations that work in place allocate nothing.
     */
    default Footprint footprint(int width, int height) {
        return new Footprint(0, width, height);
    }

    /**
     * @param allocatedBytes bytes {@link #apply} allocates (output raster and scratch)
     * @param width          the result's width
     * @param height         the result's height
     */
    record Footprint(long allocatedBytes, int width, int height) {
    }

    /** The parameters with the values in use, by name. */
    default Map<String, Object> parameters() {
        return Map.of();
    }

    /** The operation as it is described in replies. */
    default Step step() {
        return new Step(name(), parameters());
    }
}
