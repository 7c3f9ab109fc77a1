package dev.duplex.bench;

import java.time.Duration;
import java.util.Locale;

/** How the tool writes sizes, durations and latencies for people. */
public final class Units {

    private Units() {
    }

    public static String bytes(long bytes) {
        if (bytes >= (1L << 30) && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= (1L << 20) && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= (1L << 10) && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " B";
    }

    public static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0 || millis < 1000) {
            return millis + "ms";
        }
        return String.format(Locale.ROOT, "%ds", millis / 1000);
    }

    /** A latency in microseconds as milliseconds, like wrk2 prints them ({@code 1.234ms}). */
    public static String millis(double micros) {
        double ms = micros / 1000.0;
        if (ms >= 10_000) {
            return String.format(Locale.ROOT, "%.2fs", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%.3fms", ms);
    }

    public static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
