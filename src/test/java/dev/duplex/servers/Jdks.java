package dev.duplex.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JDK a server runs on: the test's own when it is new enough, otherwise the newest under
 * {@code /usr/lib/jvm} (or {@code -Dmatrix.jvm.dir}) that is. Payara Micro 7 and GlassFish 8 need
 * Java 21; the tests themselves may run on 17.
 */
final class Jdks {

    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private Jdks() {
    }

    static Path atLeast(int feature) {
        if (Runtime.version().feature() >= feature) {
            return Path.of(System.getProperty("java.home"));
        }
        Path dir = Path.of(System.getProperty("matrix.jvm.dir", "/usr/lib/jvm"));
        try (Stream<Path> homes = Files.list(dir)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> version(home).orElse(0) >= feature)
                    .max(Comparator.comparingInt(home -> version(home).orElse(0)))
                    .orElseThrow(() -> new IllegalStateException("This server needs Java " + feature
                            + " or newer: run the tests on it, or install one under " + dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The feature version a JDK's {@code release} file declares. */
    private static Optional<Integer> version(Path home) {
        try {
            Matcher matcher = VERSION.matcher(Files.readString(home.resolve("release")));
            return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
