package dev.duplex.testing;

import dev.duplex.run.PayaraVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary folder of its own for each Payara Micro the tests' launchers start, under failsafe's
 * {@code payara.tmpdir} ({@code target/payara-tmp}): Payara Micro unpacks its 163 MiB runtime there
 * ({@link PayaraVersion#tmpdirOption}) and deletes it only on a clean stop, so the launcher removes
 * the folder itself once the process is gone, killed or not.
 */
public final class PayaraTmp {

    private static final System.Logger LOG = System.getLogger(PayaraTmp.class.getName());

    private final Path dir;

    private PayaraTmp(Path dir) {
        this.dir = dir;
    }

    /** A new, empty folder for the instance {@code name}. */
    public static PayaraTmp create(String name) throws IOException {
        Path root = Files.createDirectories(Path.of(System.getProperty("payara.tmpdir", "target/payara-tmp")));
        return new PayaraTmp(Files.createTempDirectory(root, name + "-"));
    }

    /** The JVM option that makes it the instance's {@code java.io.tmpdir}. */
    public String option() throws IOException {
        return PayaraVersion.tmpdirOption(dir);
    }

    public Path dir() {
        return dir;
    }

    /**
     * Removes the folder once {@code process} has exited; leaves it (and says so) while it runs.
     * Again after it is gone (a test kills an instance, its class closes it) does nothing.
     */
    public void removeAfter(Process process) {
        if (!Files.exists(dir)) {
            return;
        }
        if (process.isAlive()) {
            LOG.log(Level.WARNING, "Payara Micro {0} still runs: its temporary folder {1} stays", process.pid(), dir);
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.WARNING, "Could not remove Payara Micro's temporary folder " + dir
                    + " (target/payara-tmp is emptied before the next integration tests)", e);
        }
    }
}
