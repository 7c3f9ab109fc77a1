package dev.duplex.bench.flood;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server process holds, read from Linux's {@code /proc/<pid>} (the same user's processes
 * only): open file descriptors and threads, the threads of Grizzly's HTTP worker pool among them
 * (named {@code http-thread-pool…}, cut to 15 characters by the kernel). Sampled on its own thread
 * so that the peak is seen; and the server's log, read from where it ended when the watch started,
 * for SEVERE records; and a {@code -Xlog:gc} file for the heap's peak.
 */
final class ServerWatch implements AutoCloseable {

    /** One reading; -1 where it could not be read. */
    record Sample(int fds, int threads, int workerThreads) {
    }

    /** SEVERE records in the log since the watch started: how many, how many Grizzly queue overflows, the first few. */
    record LogFindings(int severe, int queueFull, List<String> first) {
    }

    private static final Pattern COLOUR = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final Pattern THREADS = Pattern.compile("(?m)^Threads:\\s+(\\d+)");
    private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private final long pid;
    private final Path log;
    private final long logStart;
    private final Path gcLog;
    private final long gcLogStart;
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile int peakFds = -1;
    private volatile int peakThreads = -1;
    private volatile int peakWorkers = -1;

    ServerWatch(long pid, Path log, Path gcLog) {
        this.pid = pid;
        this.log = log;
        this.logStart = log != null && Files.exists(log) ? size(log) : 0;
        this.gcLog = gcLog;
        this.gcLogStart = gcLog != null && Files.exists(gcLog) ? size(gcLog) : 0;
        sampler = new Thread(this::sample, "server-watch");
        sampler.setDaemon(true);
        if (pid > 0) {
            sampler.start();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private void sample() {
        while (running) {
            Sample now = read();
            peakFds = Math.max(peakFds, now.fds());
            peakThreads = Math.max(peakThreads, now.threads());
            peakWorkers = Math.max(peakWorkers, now.workerThreads());
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The highest descriptors, threads and worker threads seen since the watch started. */
    Sample peak() {
        return new Sample(peakFds, peakThreads, peakWorkers);
    }

    /** Reads the process now. */
    Sample read() {
        if (pid <= 0) {
            return new Sample(-1, -1, -1);
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        return new Sample(count(proc.resolve("fd")), threads(proc), workerThreads(proc));
    }

    private static int count(Path dir) {
        int n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path ignored : entries) {
                n++;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static int threads(Path proc) {
        try {
            Matcher m = THREADS.matcher(Files.readString(proc.resolve("status")));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static int workerThreads(Path proc) {
        int n = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith("http-thread-poo")) {
                        n++;
                    }
                } catch (IOException e) {
                    // the thread ended between the listing and the read: not a worker any more
                }
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Waits up to {@code timeoutMillis} until the descriptors are at most {@code fds} and the
     * threads outside the worker pool at most {@code otherThreads}; returns the last reading.
     */
    Sample awaitAtMost(int fds, int otherThreads, long timeoutMillis) throws InterruptedException {
        long until = System.nanoTime() + timeoutMillis * 1_000_000;
        Sample now = read();
        while ((now.fds() > fds || now.threads() - now.workerThreads() > otherThreads) && System.nanoTime() < until) {
            Thread.sleep(500);
            now = read();
        }
        return now;
    }

    /** SEVERE records (Payara's {@code [SEVERE]} or {@code [levelValue: 1000]}) written since the watch started. */
    LogFindings logFindings() {
        if (log == null || !Files.exists(log)) {
            return new LogFindings(-1, -1, List.of());
        }
        try {
            return scan(tail(log, logStart));
        } catch (IOException e) {
            return new LogFindings(-1, -1, List.of("could not read " + log + ": " + e));
        }
    }

    /** The heap's peak (before a collection) since the watch started, from the GC log; -1 without one. */
    long gcHeapPeak() {
        if (gcLog == null || !Files.exists(gcLog)) {
            return -1;
        }
        try {
            return gcHeapPeak(tail(gcLog, gcLogStart));
        } catch (IOException e) {
            return -1;
        }
    }

    private static String tail(Path file, long from) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(Math.min(from, in.length()));
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, in.length() - in.getFilePointer())];
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Counts SEVERE records in Payara's ODL log text. */
    static LogFindings scan(String text) {
        int severe = 0;
        int queueFull = 0;
        List<String> first = new ArrayList<>();
        for (String line : text.split("\n")) {
            String plain = COLOUR.matcher(line).replaceAll("");
            if (plain.contains("] [SEVERE] [") || plain.contains("[levelValue: 1000]")) {
                severe++;
                if (first.size() < 3) {
                    first.add(plain.length() > 300 ? plain.substring(0, 300) + "…" : plain);
                }
            }
            if (plain.contains("task queue is full")) {
                queueFull++;
            }
        }
        return new LogFindings(severe, queueFull, List.copyOf(first));
    }

    /** The largest heap occupancy before a collection in {@code -Xlog:gc} text, in bytes; -1 without one. */
    static long gcHeapPeak(String gcLogText) {
        Matcher pause = GC_PAUSE.matcher(gcLogText);
        long peak = -1;
        while (pause.find()) {
            peak = Math.max(peak, Long.parseLong(pause.group(1)));
        }
        return peak < 0 ? -1 : peak * 1024 * 1024;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.join(5_000);
    }
}
