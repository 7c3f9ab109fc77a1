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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The same work as {@link ImageOperationsBench} and {@link ImageCodecBench}, timed in CPU time of
 * the benchmark thread as well as wall time. On a machine shared with other busy processes the
 * wall time mostly measures the wait for a core; the CPU time is what the code itself costs.
 * Prints medians after a warm-up.
 *
 * <pre>mvn -Pbench -Dbench.main=dev.duplex.image.bench.ImageCpuBench -Dbench.args="20 40"</pre>
 */
public final class ImageCpuBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final double MEGAPIXELS = ImageOperationsBench.WIDTH * (double) ImageOperationsBench.HEIGHT / 1e6;

    private ImageCpuBench() {
    }

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        var picture = TestImages.photoLike(ImageOperationsBench.WIDTH, ImageOperationsBench.HEIGHT, 42);
        int[] original = Pixels.of(picture).argb().clone();
        OperationCatalog catalog = new OperationCatalog();
        System.out.printf(Locale.ROOT, "1920×1080 photo-like, median of %d runs after %d warm-up runs%n", runs, warmup);
        System.out.printf(Locale.ROOT, "%-22s %10s %10s %10s%n", "", "CPU ms", "wall ms", "MP/s (CPU)");
        for (String op : List.of("grayscale", "invert", "sepia", "blur", "sharpen", "edges", "threshold", "rotate", "flip",
                "resize", "pixelate")) {
            ImageOperation operation = catalog.create(Step.of(op));
            Pixels work = new Pixels(ImageOperationsBench.WIDTH, ImageOperationsBench.HEIGHT, new int[original.length]);
            report(op, warmup, runs, () -> System.arraycopy(original, 0, work.argb(), 0, original.length),
                    () -> operation.apply(work));
        }
        byte[] png = TestImages.encode(picture, "png");
        byte[] jpeg = TestImages.encode(picture, "jpeg");
        ImageDecoder decoder = new ImageDecoder(40_000_000);
        ImageEncoder encoder = new ImageEncoder(64L << 20);
        Pixels colour = Pixels.of(picture);
        Pixels gray = catalog.create(Step.of("grayscale")).apply(colour.copy());
        Pipeline grayscale = new Pipeline(List.of(catalog.create(Step.of("grayscale"))), ImageFormat.PNG, 0.9);
        ImageProcessor processor = new ImageProcessor(decoder, encoder);
        report("decode PNG", warmup, runs, () -> { }, () -> decoder.decode(png));
        report("decode JPEG", warmup, runs, () -> { }, () -> decoder.decode(jpeg));
        report("encode PNG colour", warmup, runs, () -> { }, () -> encoder.encode(colour, ImageFormat.PNG, 0.9));
        report("encode PNG gray", warmup, runs, () -> { }, () -> encoder.encode(gray, ImageFormat.PNG, 0.9));
        report("encode JPEG", warmup, runs, () -> { }, () -> encoder.encode(colour, ImageFormat.JPEG, 0.9));
        report("PNG→grayscale→PNG", warmup, runs, () -> { }, () -> processor.process(png, grayscale));
    }

    private static void report(String label, int warmup, int runs, Runnable prepare, Callable<Object> work) throws Exception {
        List<Double> cpu = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        Object sink = null;
        for (int i = 0; i < warmup + runs; i++) {
            prepare.run();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long wallStart = System.nanoTime();
            sink = work.call();
            long wallEnd = System.nanoTime();
            long cpuEnd = THREADS.getCurrentThreadCpuTime();
            if (i >= warmup) {
                cpu.add((cpuEnd - cpuStart) / 1e6);
                wall.add((wallEnd - wallStart) / 1e6);
            }
        }
        if (sink == null) {
            throw new IllegalStateException(label + " returned nothing");
        }
        Collections.sort(cpu);
        Collections.sort(wall);
        double cpuMs = cpu.get(cpu.size() / 2);
        System.out.printf(Locale.ROOT, "%-22s %10.2f %10.2f %10.1f%n", label, cpuMs, wall.get(wall.size() / 2), MEGAPIXELS / (cpuMs / 1000));
    }
}
