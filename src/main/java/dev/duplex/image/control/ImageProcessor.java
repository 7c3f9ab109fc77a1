package dev.duplex.image.control;

import dev.duplex.image.entity.ImageFormat;

/**
 * One image through a {@link Pipeline}: decode, apply each operation in turn, encode. A chain of
 * nothing but {@code echo} answers with the input bytes themselves, after decoding them once to
 * make sure they are a whole image. Plain Java, stateless and thread-safe; runs on a worker thread.
 *
 * <p>Every raster is charged to the image's {@link ImageMemory} before it is allocated and
 * released when it is let go, computed from the header's size and each operation's
 * {@linkplain ImageOperation#footprint footprint}: the decoder's raster, the ARGB pixels, each
 * operation's output and scratch, the encoder's buffers. Before anything is decoded, the peak of
 * the whole chain is checked against the most one connection may ever hold, so that an image that
 * can never fit is refused with {@code too-many-pixels} at once; one that does not fit now is
 * refused with {@code busy} at the first charge the budget refuses.
 */
public final class ImageProcessor {

    /**
     * What came out.
     *
     * @param inputFormat  the format sniffed from the input
     * @param outputFormat the format of {@code bytes}
     * @param inputWidth   the decoded input's width
     * @param inputHeight  the decoded input's height
     * @param width        the result's width
     * @param height       the result's height
     * @param bytes        the encoded result (the input itself for echo)
     */
    public record Processed(ImageFormat inputFormat, ImageFormat outputFormat, int inputWidth, int inputHeight,
                            int width, int height, byte[] bytes) {
    }

    private final ImageDecoder decoder;
    private final ImageEncoder encoder;

    public ImageProcessor(ImageDecoder decoder, ImageEncoder encoder) {
        this.decoder = decoder;
        this.encoder = encoder;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    /** Processes outside any memory budget (tests, tools). */
    public Processed process(byte[] input, Pipeline pipeline) throws ImageException {
        return process(input, pipeline, ImageMemory.unlimited());
    }

    /**
     * Processes the image, charging {@code memory} for every buffer first. On return
     * {@code memory} holds what it held before plus the result's bytes (for an echo, nothing more:
     * the result is the input); on failure, exactly what it held before.
     */
    public Processed process(byte[] input, Pipeline pipeline, ImageMemory memory) throws ImageException {
        long before = memory.held();
        try {
            if (pipeline.echoes()) {
                ImageDecoder.Inspection checked = decoder.check(input, memory, plan(pipeline, true, memory));
                int w = checked.claimed().width();
                int h = checked.claimed().height();
                return new Processed(checked.format(), checked.format(), w, h, w, h, input);
            }
            ImageDecoder.Decoded decoded = decoder.decode(input, memory, plan(pipeline, false, memory));
            Pixels pixels = decoded.pixels();
            int inputWidth = pixels.width();
            int inputHeight = pixels.height();
            for (ImageOperation operation : pipeline.operations()) {
                pixels = apply(operation, pixels, memory);
            }
            byte[] output = encoder.encode(pixels, pipeline.format(), pipeline.quality(), memory);
            memory.release(Rasters.argb(pixels.width(), pixels.height()));
            return new Processed(decoded.format(), pipeline.format(), inputWidth, inputHeight, pixels.width(), pixels.height(),
                    output);
        } catch (ImageException | RuntimeException | Error e) {
            memory.release(memory.held() - before);
            throw e;
        }
    }

    /**
     * Charges what the operation allocates, applies it, and releases what it let go: its scratch,
     * and the input raster when it returned a new one (which stays charged).
     */
    static Pixels apply(ImageOperation operation, Pixels pixels, ImageMemory memory) throws ImageException {
        ImageOperation.Footprint footprint = operation.footprint(pixels.width(), pixels.height());
        memory.charge(footprint.allocatedBytes(), operation.name() + " of " + pixels.width() + "×" + pixels.height());
        Pixels next = operation.apply(pixels);
        long kept = next.argb() == pixels.argb() ? 0 : Rasters.argb(next.width(), next.height());
        long letGo = kept == 0 ? 0 : Rasters.argb(pixels.width(), pixels.height());
        if (kept > footprint.allocatedBytes()) {
            throw new IllegalStateException(operation.name() + " allocated a " + next.width() + "×" + next.height()
                    + " raster but its footprint charged only " + footprint.allocatedBytes() + " bytes");
        }
        memory.release(footprint.allocatedBytes() - kept + letGo);
        return next;
    }

    /**
     * The check that runs once the decoder knows the size and its raster, before it allocates:
     * the most this image will hold at once over the whole chain (decoding, converting to ARGB,
     * each operation with its input, encoding), on top of what it holds already (its bytes), must
     * fit under {@link ImageMemory#ceiling}.
     */
    private ImageDecoder.Plan plan(Pipeline pipeline, boolean echo, ImageMemory memory) {
        return (width, height, rasterBytes, scratchBytes, argbRaster) -> {
            long peak = peak(pipeline, echo, width, height, rasterBytes, scratchBytes, argbRaster);
            memory.checkFits(peak, pipeline.steps().stream().map(s -> s.op()).toList() + " of a " + width + "×" + height
                    + " image");
        };
    }

    /** The most {@link #process} holds at once for this image, in bytes, besides the input. */
    long peak(Pipeline pipeline, boolean echo, int width, int height, long rasterBytes, long scratchBytes, boolean argbRaster) {
        long peak = rasterBytes + scratchBytes;
        if (echo) {
            return peak;
        }
        if (!argbRaster) {
            peak = Math.max(peak, rasterBytes + Rasters.argb(width, height) + 4L * width * 4);
        }
        int w = width;
        int h = height;
        for (ImageOperation operation : pipeline.operations()) {
            ImageOperation.Footprint footprint = operation.footprint(w, h);
            peak = Math.max(peak, Rasters.argb(w, h) + footprint.allocatedBytes());
            w = footprint.width();
            h = footprint.height();
        }
        return Math.max(peak, Rasters.argb(w, h) + encoder.initialBytes(w, h, pipeline.format()));
    }
}
