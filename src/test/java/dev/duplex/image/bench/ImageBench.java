package dev.duplex.image.bench;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the image benchmarks with JMH and prints a table of milliseconds and megapixels per second
 * for a 1920×1080 image (2.07 megapixels). {@code mvn -Pbench}; JMH options may follow in
 * {@code -Dbench.args="..."} (e.g. {@code -Dbench.args="ImageOperationsBench -p op=blur"}).
 */
public final class ImageBench {

    private ImageBench() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions command = new CommandLineOptions(args);
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(command);
        if (command.getIncludes().isEmpty()) {
            builder.include(ImageOperationsBench.class.getSimpleName()).include(ImageCodecBench.class.getSimpleName());
        }
        Options options = builder.build();
        Collection<RunResult> results = new Runner(options).run();
        double megapixels = ImageOperationsBench.WIDTH * (double) ImageOperationsBench.HEIGHT / 1e6;
        System.out.println();
        System.out.printf(Locale.ROOT, "%-40s %12s %12s%n", "1920×1080 (" + megapixels + " MP)", "ms/op", "MP/s");
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark().replaceAll(".*\\.", "");
            String op = result.getParams().getParam("op");
            String label = op == null ? name : op;
            double ms = result.getPrimaryResult().getScore();
            System.out.printf(Locale.ROOT, "%-40s %12.2f %12.1f%n", label, ms, megapixels / (ms / 1000));
        }
    }
}
