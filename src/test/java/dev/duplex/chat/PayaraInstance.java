package dev.duplex.chat;

import dev.duplex.run.PayaraVersion;
import dev.duplex.testing.PayaraTmp;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.concurrent.TimeUnit;

/**
 * One Payara Micro process running the packaged WAR on loopback, for tests that need several
 * (the Arquillian adapter starts one per class). HTTP is bound to 127.0.0.1 by a pre-boot
 * command file; Hazelcast, when clustered, finds its peers by explicit TCP/IP on 127.0.0.1 only,
 * never multicast. The process is killed when the test JVM exits, whatever happens.
 */
public final class PayaraInstance implements AutoCloseable {

    /** HTTP/1.1: the JDK client otherwise offers an h2c upgrade and keeps one connection per server. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    private final PayaraTmp tmp;
    private volatile String lastStatusProblem;

    private PayaraInstance(String name, int port, Process process, Path log, PayaraTmp tmp) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.tmp = tmp;
    }

    /**
     * Starts an instance of a cluster whose members find each other at
     * {@code 127.0.0.1:clusterPort} and up.
     *
     * @param jvmOptions extra JVM options, e.g. {@code -Dduplex.chat.rate-per-second=1000}
     */
    public static PayaraInstance startClustered(String name, int port, String clusterName, int clusterPort, Path workDir,
            List<String> jvmOptions) throws IOException {
        return start(name, port, workDir, jvmOptions, clustered(clusterName, clusterPort));
    }

    /** The Payara Micro options of {@link #startClustered}: its Hazelcast on loopback, TCP/IP join. */
    public static List<String> clustered(String clusterName, int clusterPort) {
        return List.of("--clustermode", "tcpip:127.0.0.1:" + clusterPort,
                "--startport", String.valueOf(clusterPort), "--clustername", clusterName, "--interfaces", "127.0.0.1");
    }

    /** Starts an instance alone, Hazelcast off, as {@code mvn -Prun} does. */
    public static PayaraInstance startSingle(String name, int port, Path workDir, List<String> jvmOptions) throws IOException {
        return start(name, port, workDir, jvmOptions, List.of("--nohazelcast"));
    }

    /**
     * Starts an instance with these Payara Micro options besides the WAR, port, name, loopback
     * pre-boot file and {@code --disablephonehome} (e.g. {@code --nohazelcast} and a
     * {@link #redeployOnce post-deploy file}).
     */
    public static PayaraInstance startWith(String name, int port, Path workDir, List<String> jvmOptions, List<String> microOptions)
            throws IOException {
        return start(name, port, workDir, jvmOptions, microOptions);
    }

    /**
     * Payara Micro options that undeploy the WAR once it is deployed and deploy it again, in the
     * same process (a post-deploy command file, run by Payara Micro's boot command runner).
     */
    public static List<String> redeployOnce(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path commands = workDir.resolve("redeploy.txt");
        String app = war().getName().replaceFirst("\\.war$", "");
        Files.writeString(commands, "undeploy " + app + "\n"
                + "deploy --name " + app + " --contextroot / " + war().getAbsolutePath() + "\n", StandardCharsets.UTF_8);
        return List.of("--postdeploycommandfile", commands.toString());
    }

    private static PayaraInstance start(String name, int port, Path workDir, List<String> jvmOptions, List<String> clustering)
            throws IOException {
        Files.createDirectories(workDir);
        Path preboot = workDir.resolve("preboot.txt");
        Files.writeString(preboot, "set configs.config.server-config.network-config.network-listeners.network-listener"
                + ".http-listener.address=127.0.0.1\n", StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dhazelcast.socket.bind.any=false");
        command.add(PayaraVersion.SERIAL_STARTUP);
        PayaraTmp tmp = PayaraTmp.create(name);
        command.add(tmp.option());
        command.addAll(jvmOptions.stream().anyMatch(o -> o.startsWith("-Xmx")) ? jvmOptions
                : concat(List.of("-Xmx512m"), jvmOptions));
        command.addAll(List.of("-jar", microJar().getAbsolutePath(),
                "--deploy", war().getAbsolutePath(), "--contextroot", "/",
                "--port", String.valueOf(port), "--name", name,
                "--prebootcommandfile", preboot.toString(), "--disablephonehome"));
        command.addAll(clustering);
        Path log = workDir.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PayaraInstance instance = new PayaraInstance(name, port, process, log, tmp);
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return instance;
    }

    public String name() {
        return name;
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until every instance's chat status says it runs on Hazelcast in a cluster of all of
     * them; fails with the instance's log tail when one exits or the time is up.
     */
    public static void awaitClusterOf(Duration timeout, PayaraInstance... instances) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (PayaraInstance instance : instances) {
            while (!isCluster(instance.chatStatus(), instances.length)) {
                if (!instance.isAlive()) {
                    throw new AssertionError("instance " + instance.name() + " exited:\n" + instance.logTail());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no cluster of " + instances.length + " within " + timeout + "; " + instance.name()
                            + " says " + instance.chatStatus() + " (" + instance.lastStatusProblem() + ")\n" + instance.logTail());
                }
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
    }

    private static boolean isCluster(String status, int size) {
        if (status == null) {
            return false;
        }
        JsonObject json = Json.createReader(new StringReader(status)).readObject();
        return "hazelcast".equals(json.getString("mode")) && json.getInt("instances") == size;
    }

    /** Why the last {@link #chatStatus()} gave null (an HTTP status or an exception), or null. */
    public String lastStatusProblem() {
        return lastStatusProblem;
    }

    /** The body of GET /chat-status, or null while the instance does not answer. */
    public String chatStatus() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base().resolve("chat-status"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            lastStatusProblem = response.statusCode() == 200 ? null : "HTTP " + response.statusCode();
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            lastStatusProblem = e.toString();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The instance's whole console log so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + log, e);
        }
    }

    /** The last lines of the instance's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            String exit = process.isAlive() ? "running" : "exit code " + process.exitValue();
            return exit + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Stops the process as an operator would (SIGTERM: Payara's shutdown, Hazelcast leaves the
     * cluster cleanly); kills it if it is still running after {@code timeout}.
     */
    public void stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
        tmp.removeAfter(process);
    }

    /**
     * Kills the process at once, as a crash would (no shutdown hooks, no goodbyes to the cluster),
     * and removes the runtime folder its shutdown hook would have ({@link PayaraTmp}).
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
        tmp.removeAfter(process);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /** A TCP port on loopback that nothing listens on now (and, when {@code span} > 1, the ones after it). */
    public static int freePort(int span) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                candidate = socket.getLocalPort();
            }
            if (candidate + span < 65535 && allFree(candidate + 1, span - 1)) {
                return candidate;
            }
        }
        throw new IOException("no " + span + " free consecutive ports on loopback");
    }

    private static boolean allFree(int from, int count) {
        for (int port = from; port < from + count; port++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static File microJar() {
        return existing(System.getProperty("payara.microJar", "target/payara-micro.jar"));
    }

    private static File war() {
        return existing(System.getProperty("duplex.war", "target/duplex.war"));
    }

    private static File existing(String path) {
        File file = new File(path);
        if (!file.isFile()) {
            throw new IllegalStateException("No " + file.getAbsolutePath() + ": run the tests with `mvn verify`");
        }
        return file;
    }
}
