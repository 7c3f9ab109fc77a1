package dev.duplex.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One application server process started by a test, with the Duplex WAR at context root {@code /}
 * on 127.0.0.1: its console output in {@code target/servers/<name>.log}, stopped (with every
 * process it started) by {@link #close()}, and at the latest when the test JVM exits.
 */
public final class ManagedServer implements AutoCloseable {

    /** Generous: a healthy start on two busy cores returns long before; a failed deployment is seen early. */
    static final Duration STARTUP = Duration.ofSeconds(420);

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final int httpPort;
    private final Thread reaper;
    private Duration startTook = Duration.ZERO;

    ManagedServer(String name, Process process, Path log, int httpPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
        this.reaper = new Thread(this::kill, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts a server's process with its console output in {@code log}, the JDK in {@code javaHome}. */
    static Process launch(List<String> command, Path directory, Path javaHome, Path log, java.util.Map<String, String> env)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().putAll(env);
        return builder.start();
    }

    public String name() {
        return name;
    }

    public URI http(String path) {
        return URI.create("http://localhost:" + httpPort + "/" + path);
    }

    public URI ws(String path) {
        return URI.create("ws://localhost:" + httpPort + "/" + path);
    }

    public int port() {
        return httpPort;
    }

    public Path log() {
        return log;
    }

    /** How long the start took, from launching the process to the WAR serving its first page. */
    public Duration startTook() {
        return startTook;
    }

    /**
     * Waits until the server answers {@code /index.html} with the WAR's own {@code index.html} (a
     * page every server serves the same way, whatever optional services it has; Open Liberty
     * answered that path with 200 some 30 s before the WAR was bound to {@code /}, its endpoints 404);
     * fails at once when the process exits or {@code failure} reports a failed deployment, with the
     * log's tail.
     */
    void awaitServing(long startedNanos, Path war, Supplier<Optional<String>> failure) throws Exception {
        byte[] page;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(war.toFile())) {
            page = zip.getInputStream(zip.getEntry("index.html")).readAllBytes();
        }
        HttpRequest request = HttpRequest.newBuilder(http("index.html")).timeout(Duration.ofSeconds(10)).build();
        long deadline = startedNanos + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            // taken before the page is asked for: a start that had finished then, without serving the page, failed
            Optional<String> failed = failure.get();
            try {
                HttpResponse<byte[]> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() == 200 && java.util.Arrays.equals(page, answer.body())) {
                    startTook = Duration.ofNanos(System.nanoTime() - startedNanos);
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (failed.isPresent()) {
                throw new IllegalStateException(name + ": " + failed.get() + "\n" + tail());
            }
            process.waitFor(500, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException(name + " did not serve the WAR's /index.html within " + STARTUP.toSeconds() + " s:\n" + tail());
    }

    /** The whole console output so far. */
    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of the console output, for failure messages. */
    public String tail() {
        return tail(log, 40);
    }

    static String tail(Path file, int count) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file + ")";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port nothing listens on now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Whether nothing listens on {@code port} (of 127.0.0.1 or any address) now. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the server (SIGTERM to it and to every process it started), forcibly after 60 s. */
    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: nothing left to remove
        }
    }

    private void kill() {
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ProcessHandle handle : concat(tree, process.toHandle())) {
            try {
                handle.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    private static List<ProcessHandle> concat(List<ProcessHandle> tree, ProcessHandle root) {
        java.util.ArrayList<ProcessHandle> all = new java.util.ArrayList<>(tree);
        all.add(root);
        return all;
    }
}
