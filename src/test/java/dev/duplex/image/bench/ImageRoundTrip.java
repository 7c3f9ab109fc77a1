package dev.duplex.image.bench;

import dev.duplex.image.TestImages;
import dev.duplex.testing.WsClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Round trips of a 1920×1080 PNG through a running server, one at a time on one connection:
 * send the image, wait for the {@code result} and the image after it. Prints median, 90th
 * percentile, minimum and maximum of the round trip and of the server's own time, after a
 * warm-up. Bounded: a fixed number of runs against the given address (loopback).
 *
 * <pre>
 * mvn -Prun -Dduplex.port=8280 -Dduplex.sslport=8281          (another terminal)
 * mvn -Pbench -Dbench.main=dev.duplex.image.bench.ImageRoundTrip -Dbench.args="ws://127.0.0.1:8280/image 30 10"
 * </pre>
 */
public final class ImageRoundTrip {

    private static final Pattern SERVER_MS = Pattern.compile("\"serverMs\":([0-9.]+)");
    private static final Pattern QUEUE_MS = Pattern.compile("\"queueMs\":([0-9.]+)");

    private ImageRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "ws://127.0.0.1:8280/image";
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        byte[] photo = TestImages.encode(TestImages.photoLike(1920, 1080, 42), "png");
        byte[] drawing = TestImages.encode(TestImages.colorful(1920, 1080), "png");
        System.out.printf(Locale.ROOT, "%d round trips each after %d to warm up, one connection, one image at a time%n", runs, warmup);
        System.out.printf(Locale.ROOT, "%-34s %9s | %8s %8s %8s %8s | %9s %9s%n", "", "bytes", "rtt p50", "p90", "min", "max",
                "server p50", "queue p50");
        for (String op : List.of("grayscale", "echo")) {
            measure(base + "?op=" + op, "photo-like PNG, " + op, photo, runs, warmup);
            measure(base + "?op=" + op, "drawing-like PNG, " + op, drawing, runs, warmup);
        }
    }

    private static void measure(String url, String label, byte[] png, int runs, int warmup) throws Exception {
        List<Double> roundTrips = new ArrayList<>();
        List<Double> server = new ArrayList<>();
        List<Double> queue = new ArrayList<>();
        try (WsClient client = WsClient.connect(URI.create(url))) {
            for (int i = 0; i < warmup + runs; i++) {
                long start = System.nanoTime();
                client.sendBinary(png);
                String json = client.nextText();
                if (json == null || !json.contains("\"type\":\"result\"")) {
                    throw new IllegalStateException("expected a result, got " + json);
                }
                if (client.nextBinary() == null) {
                    throw new IllegalStateException("no image after the result");
                }
                double ms = (System.nanoTime() - start) / 1e6;
                if (i >= warmup) {
                    roundTrips.add(ms);
                    server.add(number(SERVER_MS, json));
                    queue.add(number(QUEUE_MS, json));
                }
            }
        }
        Collections.sort(roundTrips);
        Collections.sort(server);
        Collections.sort(queue);
        System.out.printf(Locale.ROOT, "%-34s %9d | %8.1f %8.1f %8.1f %8.1f | %9.1f %9.1f%n", label, png.length,
                percentile(roundTrips, 50), percentile(roundTrips, 90), roundTrips.get(0), roundTrips.get(roundTrips.size() - 1),
                percentile(server, 50), percentile(queue, 50));
    }

    private static double number(Pattern pattern, String json) {
        Matcher m = pattern.matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
