package dev.duplex.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What differs between the Payara Micro generations Duplex runs on: the Java they need, and the
 * hardening pre-boot commands their configuration accepts.
 *
 * <p>{@code src/main/deploy/preboot.txt} holds the commands every generation accepts.
 * {@code preboot-payara6.txt} next to it holds those only Payara Micro 6 knows: its {@code http}
 * element sends {@code X-Powered-By} unless told not to ({@code xpowered-by=false}). Payara Micro 7
 * removed that attribute (it never sends the header), and a {@code set} of a removed attribute
 * fails with "No configuration found", as {@code ssl3-enabled}, {@code tls-enabled} and
 * {@code tls11-enabled} did on both (neither has them; TLS below 1.2 is off). Public for the
 * integration-test harness, which starts Payara the same way.
 */
public record PayaraVersion(String version, int major) {

    /**
     * The JVM option every Payara Micro start of Duplex gets: the server's start-up services run on
     * one thread. With the default (HK2's run levels on several threads) Payara Micro 7.2026.11 on
     * Java 25 deadlocked during start-up about once in thirty starts here (2026-12-05): one
     * start-up thread waiting for HK2's service-locator write lock while the others wait for its
     * read lock behind it ({@code ServiceLocatorImpl.addConfiguration} against
     * {@code getAnalyzer}); the server never became ready and an integration-test class failed
     * after its 600 s start timeout. {@code AppServerStartup} reads this property.
     */
    public static final String SERIAL_STARTUP = "-Dorg.glassfish.startupThreadPolicy=USE_NO_THREADS";

    /**
     * The JVM option that gives a Payara Micro its temporary folder, created here when missing.
     * Without {@code --rootdir}, Payara Micro (6 and 7) unpacks its runtime, domain configuration
     * and deployed applications into {@code java.io.tmpdir} as {@code payaramicro-rt<random>tmp}
     * (about 163 MiB; {@code ExplodedURLClassloader}) and deletes it only when it stops cleanly: a
     * killed instance leaves it behind, and hundreds of them once filled a build machine's
     * {@code /tmp}. Every Duplex launcher passes a folder under {@code target/} instead, where a
     * leftover goes with the build's output. The folder's name is random per start, so instances
     * may share one {@code dir}.
     */
    public static String tmpdirOption(Path dir) throws IOException {
        Files.createDirectories(dir);
        return "-Djava.io.tmpdir=" + dir.toAbsolutePath();
    }

    /** Payara Micro 7 (Tyrus 2.2, Grizzly 5) runs on Java 21 or newer; 6 on 17 or newer. */
    private static final int JAVA_FOR_7 = 21;
    private static final int JAVA_FOR_6 = 17;

    /** {@code 7.2026.11} → major 7. */
    public static PayaraVersion of(String version) {
        int dot = version.indexOf('.');
        try {
            return new PayaraVersion(version, Integer.parseInt(dot < 0 ? version : version.substring(0, dot)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a Payara version: " + version, e);
        }
    }

    /** The lowest Java feature release this Payara Micro starts on. */
    public int requiredJava() {
        return major >= 7 ? JAVA_FOR_7 : JAVA_FOR_6;
    }

    /**
     * What to tell a person who starts this Payara on Java {@code javaFeature}, or empty when it
     * runs there.
     */
    public Optional<String> javaProblem(int javaFeature) {
        if (javaFeature >= requiredJava()) {
            return Optional.empty();
        }
        return Optional.of("Payara Micro " + version + " needs Java " + requiredJava() + " or newer, and Maven runs on Java "
                + javaFeature + ". Run Maven on a JDK " + requiredJava() + "+ (for example JAVA_HOME=/path/to/jdk-21 mvn -Prun), "
                + "or serve on Payara Micro 6 with -Dpayara.version=6.2025.10 (Java 17).");
    }

    /** The pre-boot files for this generation, from the folder that holds {@code preboot.txt}. */
    public List<Path> prebootFiles(Path folder) {
        List<Path> files = new ArrayList<>(List.of(folder.resolve("preboot.txt")));
        if (major < 7) {
            files.add(folder.resolve("preboot-payara6.txt"));
        }
        return files;
    }

    /** The hardening pre-boot commands for this generation, one per line, blank lines dropped. */
    public List<String> prebootCommands(Path folder) throws IOException {
        List<String> commands = new ArrayList<>();
        for (Path file : prebootFiles(folder)) {
            Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).forEach(commands::add);
        }
        return commands;
    }
}
