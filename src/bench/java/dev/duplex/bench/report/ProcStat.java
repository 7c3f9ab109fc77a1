package dev.duplex.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process from Linux's {@code /proc/<pid>/stat}: user + system time (fields 14 and
 * 15, in clock ticks of {@code USER_HZ}, 100 on Linux for every architecture the tool runs on).
 */
public final class ProcStat {

    static final double TICKS_PER_SECOND = 100.0;

    private ProcStat() {
    }

    /** CPU seconds used by the process so far, or NaN when it cannot be read (pid 0, no /proc). */
    public static double cpuSeconds(long pid) {
        if (pid <= 0) {
            return Double.NaN;
        }
        return read(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** CPU seconds used by this process. */
    public static double selfCpuSeconds() {
        return read(Path.of("/proc/self/stat"));
    }

    private static double read(Path stat) {
        try {
            return parse(Files.readString(stat));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** utime + stime in seconds from the text of a stat file. */
    static double parse(String stat) {
        // The command name (field 2) is in parentheses and may hold spaces: count from its end.
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long utime = Long.parseLong(rest[11]);
        long stime = Long.parseLong(rest[12]);
        return (utime + stime) / TICKS_PER_SECOND;
    }
}
