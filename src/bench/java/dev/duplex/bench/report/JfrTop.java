package dev.duplex.bench.report;

import dev.duplex.bench.Options;
import dev.duplex.bench.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code jfr-top RECORDING.jfr [--top 25] [--thread TEXT] [--match TEXT ...]}: where the CPU samples
 * of a Java Flight Recording are ({@code jdk.ExecutionSample}): the methods on top of the stack
 * (self), the methods anywhere on it (total), the packages on top, the share of samples whose
 * stack holds a frame matching each {@code --match} text ({@code A+B}: frames matching A and B
 * both), and where threads waited for monitors ({@code jdk.JavaMonitorEnter}).
 */
public final class JfrTop {

    /** Counted samples: self and total per method, self per package, matches, monitor waits. */
    record Profile(long samples, Map<String, Long> self, Map<String, Long> total, Map<String, Long> packages,
            Map<String, Long> matches, Map<String, Duration> monitors, long monitorEvents) {
    }

    private JfrTop() {
    }

    public static int run(Options options, PrintStream out) throws IOException {
        List<String> files = options.positional();
        int top = (int) options.integer("top", 25, 1, 1_000);
        String thread = options.string("thread", null);
        List<String> match = options.list("match");
        options.rejectUnknown();
        if (files.size() != 1) {
            throw new UsageException("jfr-top needs one recording file");
        }
        Profile profile = read(Path.of(files.get(0)), thread, match);
        out.print(format(profile, top, thread));
        return 0;
    }

    static Profile read(Path file, String threadFilter, List<String> match) throws IOException {
        long samples = 0;
        long monitorEvents = 0;
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        Map<String, Long> packages = new HashMap<>();
        Map<String, Long> matches = new LinkedHashMap<>();
        match.forEach(m -> matches.put(m, 0L));
        Map<String, Duration> monitors = new HashMap<>();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                String type = event.getEventType().getName();
                if (!threadMatches(event, type, threadFilter)) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if ("jdk.ExecutionSample".equals(type) && stack != null && !stack.getFrames().isEmpty()) {
                    samples++;
                    List<RecordedFrame> frames = stack.getFrames();
                    String topFrame = name(frames.get(0));
                    self.merge(topFrame, 1L, Long::sum);
                    packages.merge(packageOf(frames.get(0)), 1L, Long::sum);
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame frame : frames) {
                        String name = name(frame);
                        if (seen.add(name)) {
                            total.merge(name, 1L, Long::sum);
                        }
                    }
                    for (String m : match) {
                        if (matchesAll(seen, m)) {
                            matches.merge(m, 1L, Long::sum);
                        }
                    }
                } else if ("jdk.JavaMonitorEnter".equals(type)) {
                    monitorEvents++;
                    String where = stack == null || stack.getFrames().isEmpty() ? "?" : name(stack.getFrames().get(0));
                    String monitor = event.getClass("monitorClass") == null ? "?" : event.getClass("monitorClass").getName();
                    monitors.merge(monitor + " at " + where, event.getDuration(), Duration::plus);
                }
            }
        }
        return new Profile(samples, self, total, packages, matches, monitors, monitorEvents);
    }

    /** Whether every '+'-separated part of {@code match} is in some frame name. */
    static boolean matchesAll(Set<String> frames, String match) {
        for (String part : match.split("\\+")) {
            if (frames.stream().noneMatch(n -> n.contains(part))) {
                return false;
            }
        }
        return true;
    }

    private static boolean threadMatches(RecordedEvent event, String type, String filter) {
        if (filter == null) {
            return true;
        }
        String field = "jdk.ExecutionSample".equals(type) ? "sampledThread" : "eventThread";
        if (!event.hasField(field)) {
            return false;
        }
        RecordedThread thread = event.getThread(field);
        return thread != null && thread.getJavaName() != null && thread.getJavaName().contains(filter);
    }

    static String name(RecordedFrame frame) {
        if (frame.getMethod() == null) {
            return "?";
        }
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    static String packageOf(RecordedFrame frame) {
        if (frame.getMethod() == null) {
            return "?";
        }
        String type = frame.getMethod().getType().getName();
        int dot = type.lastIndexOf('.');
        return dot < 0 ? "(default)" : type.substring(0, dot);
    }

    static String format(Profile p, int top, String thread) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d execution samples%s%n", p.samples(),
                thread == null ? "" : " on threads named *" + thread + "*"));
        section(out, "Top methods by self samples (top of stack)", p.self(), p.samples(), top);
        section(out, "Top methods by total samples (anywhere on the stack)", p.total(), p.samples(), top);
        section(out, "Top packages by self samples", p.packages(), p.samples(), top);
        if (!p.matches().isEmpty()) {
            out.append("\nSamples whose stack holds a frame matching\n");
            p.matches().forEach((m, n) -> out.append(String.format(Locale.ROOT, "  %6.2f%%  %8d  %s%n",
                    percent(n, p.samples()), n, m)));
        }
        if (p.monitorEvents() > 0) {
            out.append(String.format(Locale.ROOT, "%nMonitor waits (jdk.JavaMonitorEnter, %d events), by total time%n",
                    p.monitorEvents()));
            List<Map.Entry<String, Duration>> waits = new ArrayList<>(p.monitors().entrySet());
            waits.sort(Map.Entry.<String, Duration>comparingByValue().reversed());
            for (var e : waits.subList(0, Math.min(top, waits.size()))) {
                out.append(String.format(Locale.ROOT, "  %10.1f ms  %s%n", e.getValue().toNanos() / 1e6, e.getKey()));
            }
        }
        return out.toString();
    }

    private static void section(StringBuilder out, String title, Map<String, Long> counts, long samples, int top) {
        out.append('\n').append(title).append('\n');
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        for (var e : sorted.subList(0, Math.min(top, sorted.size()))) {
            out.append(String.format(Locale.ROOT, "  %6.2f%%  %8d  %s%n", percent(e.getValue(), samples), e.getValue(),
                    e.getKey()));
        }
    }

    private static double percent(long n, long of) {
        return of == 0 ? 0 : 100.0 * n / of;
    }
}
