package dev.duplex.image.control;

import dev.duplex.image.entity.ImageFormat;

/**
 * One image through a {@link Pipeline}: decode, apply each operation in turn, encode. A chain of
 * nothing but {@code echo} answers with the input bytes themselves, after decoding them once to
 * make sure they are a whole image. Plain Java, stateless and thread-safe; runs on a worker thread.
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

    public Processed process(byte[] input, Pipeline pipeline) throws ImageException {
        ImageDecoder.Decoded decoded = decoder.decode(input);
        Pixels pixels = decoded.pixels();
        int inputWidth = pixels.width();
        int inputHeight = pixels.height();
        if (pipeline.echoes()) {
            return new Processed(decoded.format(), decoded.format(), inputWidth, inputHeight, inputWidth, inputHeight, input);
        }
        for (ImageOperation operation : pipeline.operations()) {
            pixels = operation.apply(pixels);
        }
        byte[] output = encoder.encode(pixels, pipeline.format(), pipeline.quality());
        return new Processed(decoded.format(), pipeline.format(), inputWidth, inputHeight, pixels.width(), pixels.height(),
                output);
    }
}
