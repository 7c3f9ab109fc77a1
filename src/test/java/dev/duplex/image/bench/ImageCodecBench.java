package dev.duplex.image.bench;

import dev.duplex.image.TestImages;
import dev.duplex.image.control.ImageDecoder;
import dev.duplex.image.control.ImageEncoder;
import dev.duplex.image.control.ImageOperation;
import dev.duplex.image.control.ImageProcessor;
import dev.duplex.image.control.OperationCatalog;
import dev.duplex.image.control.Pipeline;
import dev.duplex.image.control.Pixels;
import dev.duplex.image.entity.ImageFormat;
import dev.duplex.image.entity.Step;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding, encoding and the whole server-side work of a grayscale request, on the same 1920×1080
 * photo-like image: what a round trip costs the server besides the network.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ImageCodecBench {

    private byte[] png;
    private byte[] jpeg;
    private Pixels colour;
    private Pixels gray;
    private ImageDecoder decoder;
    private ImageEncoder encoder;
    private ImageProcessor processor;
    private Pipeline grayscale;

    @Setup
    public void prepare() throws Exception {
        var picture = TestImages.photoLike(ImageOperationsBench.WIDTH, ImageOperationsBench.HEIGHT, 42);
        png = TestImages.encode(picture, "png");
        jpeg = TestImages.encode(picture, "jpeg");
        colour = Pixels.of(picture);
        ImageOperation toGray = new OperationCatalog().create(Step.of("grayscale"));
        gray = toGray.apply(colour.copy());
        decoder = new ImageDecoder(40_000_000);
        encoder = new ImageEncoder(64L << 20);
        processor = new ImageProcessor(decoder, encoder);
        grayscale = new Pipeline(List.of(toGray), ImageFormat.PNG, 0.9);
    }

    @Benchmark
    public Object decodePng() throws Exception {
        return decoder.decode(png);
    }

    @Benchmark
    public Object decodeJpeg() throws Exception {
        return decoder.decode(jpeg);
    }

    @Benchmark
    public byte[] encodePngColour() throws Exception {
        return encoder.encode(colour, ImageFormat.PNG, 0.9);
    }

    @Benchmark
    public byte[] encodePngGray() throws Exception {
        return encoder.encode(gray, ImageFormat.PNG, 0.9);
    }

    @Benchmark
    public byte[] encodeJpeg() throws Exception {
        return encoder.encode(colour, ImageFormat.JPEG, 0.9);
    }

    /** What the server does for {@code /image?op=grayscale} with this PNG: decode, grayscale, encode. */
    @Benchmark
    public Object grayscalePngToPng() throws Exception {
        return processor.process(png, grayscale);
    }
}
