package dev.duplex.servers;

import dev.duplex.bench.servers.GlassFishDomain;
import dev.duplex.run.PayaraVersion;
import dev.duplex.testing.Conditions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The five servers of the matrix and how each is started: from the copies Maven unpacked into
 * {@code target/servers/} ({@code -Dmatrix.dir}), each run in a fresh state directory of its own
 * under {@code target/servers/run/}, on 127.0.0.1 with free ports, 1 GiB of heap, no clustering,
 * the packaged WAR ({@code -Dduplex.war}) at context root {@code /}, unchanged, as a user would
 * deploy it. The start commands are those of {@code /work/shared/STACK-NOTES.md} and docs/SERVERS.md.
 */
public enum ServerKind {

    PAYARA_MICRO_6("Payara Micro " + version("payara6", "6.2025.10")) {
        @Override
        ManagedServer start(Path war, String instance, Map<String, String> properties) throws Exception {
            return payaraMicro("payara-micro-6" + instance, version("payara6", "6.2025.10"), 17, war, properties);
        }
    },

    PAYARA_MICRO_7("Payara Micro " + version("payara7", "7.2026.11")) {
        @Override
        ManagedServer start(Path war, String instance, Map<String, String> properties) throws Exception {
            return payaraMicro("payara-micro-7" + instance, version("payara7", "7.2026.11"), 21, war, properties);
        }
    },

    /** WildFly's MicroProfile configuration (Config, Health; Micrometer rather than MicroProfile Metrics). */
    WILDFLY("WildFly " + version("wildfly", "39.0.1.Final")) {
        @Override
        ManagedServer start(Path war, String instance, Map<String, String> properties) throws Exception {
            Path home = dist().resolve("wildfly-" + version("wildfly", "39.0.1.Final"));
            Path base = fresh("wildfly" + instance).resolve("standalone");
            copyTree(home.resolve("standalone"), base);
            Path deployments = base.resolve("deployments");
            Files.copy(war, deployments.resolve("ROOT.war"), StandardCopyOption.REPLACE_EXISTING);
            // one offset for all of WildFly's ports (http 8080, https 8443, management 9990/9993,
            // ajp 8009, transactions 4712/4713), chosen so that every one of them is free
            int offset = portOffset(List.of(8080, 8443, 8009, 9990, 9993, 4712, 4713));
            Path log = log("wildfly" + instance);
            long started = System.nanoTime();
            List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/standalone.sh").toString(),
                    "-c", "standalone-microprofile.xml", "-b", "127.0.0.1", "-bmanagement", "127.0.0.1",
                    "-Djboss.server.base.dir=" + base, "-Djboss.socket.binding.port-offset=" + offset));
            command.addAll(systemProperties(properties));
            Process process = ManagedServer.launch(command, home, Jdks.atLeast(17), log, Map.of("JBOSS_JAVA_SIZING", "-Xms64m -Xmx1g"));
            ManagedServer server = new ManagedServer("wildfly" + instance, process, log, 8080 + offset);
            return ready(server, started, war, () -> {
                Path failed = deployments.resolve("ROOT.war.failed");
                return Files.exists(failed) ? Optional.of("deployment failed: " + read(failed)) : Optional.empty();
            });
        }
    },

    /** GlassFish's domain1, copied, with its ports moved and bound to loopback; deployed with asadmin. */
    GLASSFISH("GlassFish " + version("glassfish", "8.0.0")) {
        @Override
        ManagedServer start(Path war, String instance, Map<String, String> properties) throws Exception {
            Path home = dist().resolve("glassfish8");
            Path domains = fresh("glassfish" + instance).resolve("domains");
            copyTree(home.resolve("glassfish/domains/domain1"), domains.resolve("domain1"));
            Path domainXml = domains.resolve("domain1/config/domain.xml");
            int http = ManagedServer.freePort();
            int admin = ManagedServer.freePort();
            GlassFishDomain.prepare(domainXml, http, admin, concat(List.of("-Xmx1g"), systemProperties(properties)));
            Path java = Jdks.atLeast(21);
            Map<String, String> env = Map.of("AS_JAVA", java.toString());
            String asadmin = home.resolve("bin/asadmin").toString();
            Path log = log("glassfish" + instance);
            long started = System.nanoTime();
            Process process = ManagedServer.launch(List.of("bash", asadmin, "start-domain", "--verbose",
                    "--domaindir", domains.toString(), "domain1"), home, java, log, env);
            ManagedServer server = new ManagedServer("glassfish" + instance, process, log, http);
            try {
                awaitListening(process, admin, server);
                Path deployLog = log("glassfish" + instance + "-deploy");
                Process deploy = ManagedServer.launch(List.of("bash", asadmin, "--host", "127.0.0.1", "--port",
                        String.valueOf(admin), "deploy", "--contextroot", "/", "--name", "duplex", war.toString()),
                        home, java, deployLog, env);
                if (!deploy.waitFor(ManagedServer.STARTUP.toSeconds(), TimeUnit.SECONDS)) {
                    deploy.destroyForcibly();
                    throw new IllegalStateException("glassfish: asadmin deploy did not finish:\n" + read(deployLog));
                }
                if (deploy.exitValue() != 0) {
                    throw new IllegalStateException("glassfish: asadmin deploy failed (" + deploy.exitValue() + "): "
                            + read(deployLog) + "\n" + server.tail());
                }
            } catch (Exception | Error e) {
                server.close();
                throw e;
            }
            return ready(server, started, war, Optional::empty);
        }
    },

    /** Open Liberty with the features a user of this WAR enables: webProfile-10.0, mpConfig, mpHealth, mpMetrics. */
    LIBERTY("Open Liberty " + version("liberty", "26.0.0.3")) {
        @Override
        ManagedServer start(Path war, String instance, Map<String, String> properties) throws Exception {
            Path home = dist().resolve("wlp");
            Path user = fresh("liberty" + instance).resolve("usr");
            Path serverDir = Files.createDirectories(user.resolve("servers/duplex"));
            int http = ManagedServer.freePort();
            Files.writeString(serverDir.resolve("server.xml"), """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <server description="Duplex in the server matrix">
                        <featureManager>
                            <feature>webProfile-10.0</feature>
                            <feature>mpConfig-3.1</feature>
                            <feature>mpHealth-4.0</feature>
                            <feature>mpMetrics-5.1</feature>
                        </featureManager>
                        <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"/>
                        <webApplication location="%s" contextRoot="/"/>
                    </server>
                    """.formatted(http, war));
            Files.writeString(serverDir.resolve("jvm.options"), String.join("\n", concat(List.of("-Xmx1g"), systemProperties(properties))) + "\n");
            Path log = log("liberty" + instance);
            Path messages = serverDir.resolve("logs/messages.log");
            long started = System.nanoTime();
            Process process = ManagedServer.launch(List.of("bash", home.resolve("bin/server").toString(), "run", "duplex"),
                    home, Jdks.atLeast(17), log, Map.of("WLP_USER_DIR", user.toString()));
            ManagedServer server = new ManagedServer("liberty" + instance, process, log, http);
            ready(server, started, war, () -> {
                // CWWKZ0002E: the application failed to start; CWWKF0001E: a feature is missing
                String out = server.output();
                return Stream.of("CWWKZ0002E", "CWWKZ0004E", "CWWKF0001E").filter(out::contains).findFirst()
                        .map(code -> "failed (" + code + "), messages.log:\n" + ManagedServer.tail(messages, 20));
            });
            try {
                // the page is served once the web module is bound; its endpoints are added just after,
                // and Liberty says "CWWKZ0001I: Application duplex started" once they are
                Conditions.await(() -> server.output().contains("CWWKZ0001I"), 120,
                        "liberty: no CWWKZ0001I (application started) within 120 s; see " + messages);
            } catch (AssertionError | InterruptedException e) {
                server.close();
                throw e;
            }
            return server;
        }
    };

    private final String title;

    ServerKind(String title) {
        this.title = title;
    }

    /** The server's name and version, e.g. "WildFly 39.0.1.Final". */
    public String title() {
        return title;
    }

    /** Starts the server with {@code war} at context root {@code /} and returns once it serves its first page. */
    ManagedServer start(Path war) throws Exception {
        return start(war, "", Map.of());
    }

    /**
     * Starts one instance of the server: {@code instance} tells its state directory and log apart
     * from another instance's ("-a", "-b"); {@code properties} are JVM system properties, which
     * MicroProfile Config reads (e.g. {@code duplex.cluster.members}).
     */
    abstract ManagedServer start(Path war, String instance, Map<String, String> properties) throws Exception;

    private static List<String> systemProperties(Map<String, String> properties) {
        return properties.entrySet().stream().map(p -> "-D" + p.getKey() + "=" + p.getValue()).sorted().toList();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static String version(String server, String fallback) {
        return System.getProperty("matrix." + server + ".version", fallback);
    }

    private static Path dir() {
        return Path.of(System.getProperty("matrix.dir", "target/servers")).toAbsolutePath();
    }

    private static Path dist() {
        Path dist = dir().resolve("dist");
        if (!Files.isDirectory(dist)) {
            throw new IllegalStateException("No servers in " + dist + ": run the matrix with `mvn verify`, which unpacks them");
        }
        return dist;
    }

    private static Path log(String name) throws IOException {
        return Files.createDirectories(dir()).resolve(name + ".log");
    }

    /** An empty state directory for one start of one server, {@code target/servers/run/<name>}. */
    private static Path fresh(String name) throws IOException {
        Path run = dir().resolve("run").resolve(name);
        if (Files.exists(run)) {
            try (Stream<Path> files = Files.walk(run)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        return Files.createDirectories(run);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ManagedServer ready(ManagedServer server, long started, Path war,
            java.util.function.Supplier<Optional<String>> failure) throws Exception {
        try {
            server.awaitServing(started, war, failure);
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    /** Waits until something listens on {@code port} of 127.0.0.1 (the server's admin listener). */
    private static void awaitListening(Process process, int port, ManagedServer server) throws Exception {
        long deadline = System.nanoTime() + ManagedServer.STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(server.name() + " exited with " + process.exitValue() + ":\n" + server.tail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                return;
            } catch (IOException e) {
                process.waitFor(500, TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException(server.name() + " did not listen on " + port + ":\n" + server.tail());
    }

    /** An offset under which every one of the server's default ports is free. */
    private static int portOffset(List<Integer> ports) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int offset = ThreadLocalRandom.current().nextInt(10_000, 40_000);
            if (ports.stream().allMatch(port -> ManagedServer.isFree(port + offset))) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset for " + ports);
    }

    /** Payara Micro with the hardening pre-boot commands every deployment gets, loopback only, no Hazelcast. */
    private static ManagedServer payaraMicro(String name, String version, int javaFeature, Path war,
            Map<String, String> properties) throws Exception {
        Path jar = dir().resolve("payara-micro-" + version + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No " + jar + ": run the matrix with `mvn verify`, which copies it");
        }
        Path run = fresh(name);
        int http = ManagedServer.freePort();
        List<String> preboot = new ArrayList<>(List.of(
                "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1",
                "set configs.config.server-config.network-config.network-listeners.network-listener.https-listener.address=127.0.0.1"));
        // the https listener's ssl element exists only with --sslport: its settings would fail (logged)
        Files.readAllLines(Path.of("src/main/deploy/preboot.txt")).stream()
                .filter(line -> !line.contains("https-listener.ssl.")).forEach(preboot::add);
        Path prebootFile = Files.writeString(run.resolve("preboot.txt"), String.join("\n", preboot) + "\n");
        Path java = Jdks.atLeast(javaFeature);
        Path log = log(name);
        long started = System.nanoTime();
        // --rootdir already puts the unpacked runtime in run/root; anything else the JVM writes to its tmpdir goes next to it
        List<String> command = new ArrayList<>(List.of(java.resolve("bin/java").toString(), "-Xmx1g", PayaraVersion.SERIAL_STARTUP,
                PayaraVersion.tmpdirOption(run.resolve("tmp"))));
        command.addAll(systemProperties(properties));
        command.addAll(List.of("-jar", jar.toString(),
                "--deploy", war.toString(), "--contextroot", "/", "--port", String.valueOf(http),
                "--nohazelcast", "--disablephonehome", "--rootdir", run.resolve("root").toString(),
                "--prebootcommandfile", prebootFile.toString()));
        Process process = ManagedServer.launch(command, run, java, log, Map.of());
        ManagedServer server = new ManagedServer(name, process, log, http);
        // Payara Micro deploys before it prints "... ready in N (ms)": ready without the page is a failed deployment
        return ready(server, started, war, () -> server.output().contains(" ready in ")
                ? Optional.of("started, but the WAR does not serve /index.html (deployment failed)") : Optional.empty());
    }
}
