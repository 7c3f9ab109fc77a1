package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Arquillian tests' pre-boot file repeats the hardening commands every deployment gets
 * ({@code src/main/deploy/preboot.txt}: no version headers; TLS versions, suites and HSTS), so that
 * they test what users run; `mvn -Prun`, compose and {@code PayaraMicroServer} read that file
 * itself. The https listener's {@code ssl} settings are left out there: Arquillian starts Payara
 * without {@code --sslport}, and then that element does not exist (the command fails with a warning).
 */
class PrebootFilesTest {

    @Test
    void theTestServersGetEveryHardeningCommand() throws IOException {
        List<String> deploy = Files.readAllLines(Path.of("src/main/deploy/preboot.txt"));
        List<String> tests = Files.readAllLines(Path.of("src/test/resources/preboot.txt"));
        for (String command : deploy) {
            assertTrue(command.isBlank() || command.contains("https-listener.ssl.") || tests.contains(command),
                    "src/test/resources/preboot.txt lacks: " + command);
        }
    }
}
