package dev.duplex.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Figures from a server's {@code -Xlog:gc} file. */
public final class GcLog {

    private static final Pattern PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private GcLog() {
    }

    /** The largest heap occupancy before a collection, in bytes; -1 when there is no log. */
    public static long heapPeak(Path log) throws IOException {
        if (!Files.exists(log)) {
            return -1;
        }
        Matcher pause = PAUSE.matcher(Files.readString(log));
        long peak = 0;
        while (pause.find()) {
            peak = Math.max(peak, Long.parseLong(pause.group(1)));
        }
        return peak * 1024 * 1024;
    }
}
