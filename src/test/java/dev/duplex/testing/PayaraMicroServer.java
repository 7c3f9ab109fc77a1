package dev.duplex.testing;

import dev.duplex.run.PayaraVersion;
import java.io.File;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged Duplex WAR on a Payara Micro process that the test starts and stops itself, for
 * what Arquillian's adapter cannot do: a configuration of the test's own (system properties), TLS
 * with the build's generated certificate, stopping the server mid-test, and reading the server
 * JVM's heap and threads. Loopback only, Hazelcast off, with the hardening pre-boot commands every
 * deployment gets for this Payara version ({@code src/main/deploy/preboot.txt}, on Payara Micro 6 also
 * {@code preboot-payara6.txt}; every one must be applied); the output goes to {@code target/<name>.log}.
 */
public final class PayaraMicroServer implements AutoCloseable {

    private static final HttpClient STATUS_CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Simulators off unless the test's own properties switch them on. */
    static final Map<String, String> QUIET_FEED = Map.of(
            "duplex.feed.market.enabled", "false", "duplex.feed.weather.enabled", "false");


    /** Generous: Payara Micro took over 150 s to start at load 45 on two cores; a healthy start returns early. */
    private static final Duration STARTUP = Duration.ofSeconds(600);

    private final String name;
    private final Process process;
    private final Path log;
    private final int httpPort;
    private final int httpsPort;
    private final PayaraTmp tmp;

    private PayaraMicroServer(String name, Process process, Path log, int httpPort, int httpsPort, PayaraTmp tmp) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
        this.httpsPort = httpsPort;
        this.tmp = tmp;
    }

    /**
     * Starts Payara Micro with the WAR at context root {@code /} and waits until it serves pages.
     *
     * @param systemProperties e.g. MicroProfile Config overrides ({@code duplex.limits.message-rate})
     * @param tls              whether to open an https/wss listener with the build's keystore
     */
    public static PayaraMicroServer start(String name, Map<String, String> systemProperties, boolean tls) throws Exception {
        return start(name, systemProperties, tls, List.of());
    }

    /** As {@link #start(String, Map, boolean)}, with extra Payara pre-boot commands (asadmin {@code set ...}). */
    public static PayaraMicroServer start(String name, Map<String, String> systemProperties, boolean tls,
            List<String> prebootCommands) throws Exception {
        return start(name, systemProperties, tls, prebootCommands, List.of());
    }

    /**
     * As {@link #start(String, Map, boolean, List)}, with extra options for the server's JVM (for
     * example {@code -Xmx512m}, so that a test of memory limits runs against a known heap).
     */
    public static PayaraMicroServer start(String name, Map<String, String> systemProperties, boolean tls,
            List<String> prebootCommands, List<String> jvmOptions) throws Exception {
        return start(name, systemProperties, tls, prebootCommands, jvmOptions, 0);
    }

    /**
     * As {@link #start(String, Map, boolean, List, List)}, with the server process's limit on open
     * file descriptors ({@code ulimit -n}, soft and hard) lowered to {@code openFiles} through
     * {@code bash} (0: the test JVM's limit), for tests of what the server does when descriptors
     * run short. The process is still the server's JVM ({@code exec}), so {@link #pid()} is its.
     */
    public static PayaraMicroServer start(String name, Map<String, String> systemProperties, boolean tls,
            List<String> prebootCommands, List<String> jvmOptions, int openFiles) throws Exception {
        int http = freePort();
        int https = tls ? freePort() : -1;
        Path dir = Files.createDirectories(Path.of("target", "servers"));
        Path preboot = dir.resolve(name + "-preboot.txt");
        List<String> commands = new ArrayList<>(List.of(
                "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1",
                "set configs.config.server-config.network-config.network-listeners.network-listener.https-listener.address=127.0.0.1"));
        // The https listener's ssl element exists only with --sslport: its settings otherwise fail (logged).
        payaraVersion().prebootCommands(Path.of("src/main/deploy")).stream()
                .filter(line -> tls || !line.contains("https-listener.ssl.")).forEach(commands::add);
        commands.addAll(prebootCommands);
        Files.writeString(preboot, String.join("\n", commands) + "\n");
        List<String> command = new ArrayList<>();
        if (openFiles > 0) {
            command.addAll(List.of("bash", "-c", "ulimit -n " + openFiles + " && exec \"$0\" \"$@\""));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // The feed's simulators publish thousands of changes a second from start; a test that
        // wants them says so (FeedStalledSubscribersIT), the others (attack suites timing a
        // canary) run without that load.
        QUIET_FEED.forEach((key, value) -> {
            if (!systemProperties.containsKey(key)) {
                command.add("-D" + key + "=" + value);
            }
        });
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        if (tls) {
            command.add("-Djavax.net.ssl.keyStore=" + keystore());
            command.add("-Djavax.net.ssl.keyStorePassword=" + System.getProperty("duplex.tls.password", "duplex-development"));
            command.add("-Djavax.net.ssl.keyStoreType=PKCS12");
        }
        command.add(PayaraVersion.SERIAL_STARTUP);
        PayaraTmp tmp = PayaraTmp.create(name);
        command.add(tmp.option());
        command.addAll(List.of("-jar", file("payara.microJar", "target/payara-micro.jar"),
                "--deploy", file("duplex.war", "target/duplex.war"), "--contextroot", "/",
                "--port", String.valueOf(http), "--nohazelcast", "--disablephonehome",
                "--prebootcommandfile", preboot.toString()));
        if (tls) {
            command.addAll(List.of("--sslport", String.valueOf(https), "--sslcert", System.getProperty("duplex.tls.alias", "duplex")));
        }
        Path log = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PayaraMicroServer server = new PayaraMicroServer(name, process, log, http, https, tmp);
        try {
            server.awaitReady();
        } catch (Exception | AssertionError e) {
            server.kill();
            throw e;
        }
        return server;
    }

    /** The build's generated keystore (or the one given with -Dduplex.tls.keystore). */
    public static Path keystore() {
        return Path.of(file("duplex.tls.keystore", "target/tls/duplex.p12"));
    }

    private static String file(String property, String fallback) {
        File file = new File(System.getProperty(property, fallback));
        if (!file.isFile()) {
            throw new IllegalStateException("Missing " + file.getAbsolutePath() + ": run the tests with `mvn verify`");
        }
        return file.getAbsolutePath();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(http("health/ready")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    assertEveryPrebootCommandApplied();
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            process.waitFor(250, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError(name + " did not become ready within " + STARTUP.toSeconds() + " s:\n" + tail());
    }

    /**
     * The Payara Micro the build copied ({@code -Dpayara.version}, passed on by failsafe), which
     * decides the hardening pre-boot commands it accepts.
     */
    public static PayaraVersion payaraVersion() {
        String version = System.getProperty("payara.version");
        if (version == null) {
            throw new IllegalStateException("Missing system property payara.version: run the tests with `mvn verify`");
        }
        return PayaraVersion.of(version);
    }

    /**
     * A pre-boot command Payara refuses (an attribute this version lacks: "No configuration
     * found") is only a WARNING in its log, and the setting silently not in force: fail instead.
     */
    private void assertEveryPrebootCommandApplied() throws IOException {
        List<String> refused = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains("Boot Command") && line.contains(" failed"))
                .toList();
        if (!refused.isEmpty()) {
            throw new AssertionError(name + " (Payara Micro " + payaraVersion().version() + ") refused pre-boot commands:\n"
                    + String.join("\n", refused));
        }
    }

    public URI http(String path) {
        return URI.create("http://localhost:" + httpPort + "/" + path);
    }

    public URI https(String path) {
        return URI.create("https://localhost:" + httpsPort + "/" + path);
    }

    public URI ws(String path) {
        return URI.create("ws://localhost:" + httpPort + "/" + path);
    }

    public URI wss(String path) {
        return URI.create("wss://localhost:" + httpsPort + "/" + path);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Live heap bytes after a full collection, from {@code jcmd GC.class_histogram}. */
    public long liveHeapBytes() throws IOException, InterruptedException {
        Matcher total = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$").matcher(jcmd("GC.class_histogram"));
        if (!total.find()) {
            throw new AssertionError("no total in the class histogram");
        }
        return Long.parseLong(total.group(2));
    }

    /** Live instances of a class after a full collection, from {@code jcmd GC.class_histogram}. */
    public long liveInstances(String className) throws IOException, InterruptedException {
        Matcher row = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "(\\s|$)")
                .matcher(jcmd("GC.class_histogram"));
        return row.find() ? Long.parseLong(row.group(1)) : 0;
    }

    /**
     * Bytes of the live instances of a class after a full collection, from {@code jcmd
     * GC.class_histogram} ({@code "[B"} for byte arrays).
     */
    public long liveBytes(String className) throws IOException, InterruptedException {
        Matcher row = Pattern.compile("(?m)^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+" + Pattern.quote(className) + "(\\s|$)")
                .matcher(jcmd("GC.class_histogram"));
        return row.find() ? Long.parseLong(row.group(1)) : 0;
    }

    /**
     * The server JVM's live threads grouped by name with digits folded to {@code #} (so that
     * {@code http-thread-pool::http-listener(3)} and {@code (4)} count in one group), from
     * {@code jcmd Thread.print}.
     */
    public SortedMap<String, Integer> threadGroups() throws IOException, InterruptedException {
        SortedMap<String, Integer> groups = new TreeMap<>();
        Matcher name = Pattern.compile("(?m)^\"([^\"]*)\"").matcher(jcmd("Thread.print"));
        while (name.find()) {
            groups.merge(name.group(1).replaceAll("\\d+", "#"), 1, Integer::sum);
        }
        return groups;
    }

    /** How many file descriptors the server process has open now (sockets, files, pipes), from {@code /proc}. */
    public int openFileDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid()), "fd"))) {
            return (int) fds.count();
        }
    }

    /** {@code /api/status} as JSON text, or {@code "no status: …"} when the server is too busy to answer within 20 s. */
    public String status() {
        try {
            return STATUS_CLIENT.send(HttpRequest.newBuilder(http("api/status")).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "no status: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The first figure of that name in {@code /api/status} ("sessions", the budget's "usedBytes", …), or -1. */
    public long statusFigure(String name) {
        Matcher figure = Pattern.compile("\"" + name + "\":(\\d+)").matcher(status());
        return figure.find() ? Long.parseLong(figure.group(1)) : -1;
    }

    /** {@link #openFileDescriptors()} for conditions and lambdas. */
    public int fds() {
        try {
            return openFileDescriptors();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid()), command).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new AssertionError("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    /** Stops the server as an operator would (SIGTERM) and waits for it to exit. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
        tmp.removeAfter(process);
        return process.exitValue();
    }

    /** Kills the process and removes the runtime folder its shutdown hook would have ({@link PayaraTmp}). */
    private void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tmp.removeAfter(process);
    }

    /** The last lines of the server's output, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole output so far. */
    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
