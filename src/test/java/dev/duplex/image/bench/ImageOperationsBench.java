package dev.duplex.image.bench;

import dev.duplex.image.TestImages;
import dev.duplex.image.control.ImageOperation;
import dev.duplex.image.control.OperationCatalog;
import dev.duplex.image.control.Pixels;
import dev.duplex.image.entity.Step;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each pixel operation, with its default parameters, on a 1920×1080 photo-like image. Every call
 * gets a fresh copy of the pixels (copied outside the measurement), since operations may work in
 * place. Run with {@code mvn -Pbench}; {@link ImageBench} prints megapixels per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ImageOperationsBench {

    public static final int WIDTH = 1920;
    public static final int HEIGHT = 1080;

    @Param({"grayscale", "invert", "sepia", "blur", "sharpen", "edges", "threshold", "rotate", "flip", "resize", "pixelate"})
    public String op;

    private int[] original;
    private Pixels work;
    private ImageOperation operation;

    @Setup(Level.Trial)
    public void prepare() throws Exception {
        original = Pixels.of(TestImages.photoLike(WIDTH, HEIGHT, 42)).argb().clone();
        work = new Pixels(WIDTH, HEIGHT, new int[original.length]);
        operation = new OperationCatalog().create(Step.of(op));
    }

    @Setup(Level.Invocation)
    public void refresh() {
        System.arraycopy(original, 0, work.argb(), 0, original.length);
    }

    @Benchmark
    public Pixels apply() {
        return operation.apply(work);
    }
}
