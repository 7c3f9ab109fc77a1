package dev.duplex.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java each Payara Micro generation needs, and the pre-boot commands each one is given. */
class PayaraVersionTest {

    private static final Path DEPLOY = Path.of("src/main/deploy");
    /** Attributes Payara Micro 7 removed: a `set` of them fails with "No configuration found". */
    private static final List<String> GONE_IN_7 = List.of(".http.xpowered-by=");
    /** Attributes neither Payara Micro 6.2025.10 nor 7.2026.11 has (their commands failed on both). */
    private static final List<String> GONE_IN_6_AND_7 = List.of(".ssl.ssl3-enabled=", ".ssl.tls-enabled=", ".ssl.tls11-enabled=");

    @Test
    void theMajorVersionDecidesTheJava() {
        assertEquals(7, PayaraVersion.of("7.2026.11").major());
        assertEquals(21, PayaraVersion.of("7.2026.11").requiredJava());
        assertEquals(17, PayaraVersion.of("6.2025.10").requiredJava());
        assertThrows(IllegalArgumentException.class, () -> PayaraVersion.of("latest"));
    }

    @Test
    void payara7OnJava17IsToldWhatToDo() {
        String problem = PayaraVersion.of("7.2026.11").javaProblem(17).orElseThrow();
        assertTrue(problem.contains("needs Java 21 or newer"), problem);
        assertTrue(problem.contains("JAVA_HOME="), problem);
        assertTrue(problem.contains("-Dpayara.version=6.2025.10"), problem);
        assertTrue(PayaraVersion.of("7.2026.11").javaProblem(21).isEmpty());
        assertTrue(PayaraVersion.of("7.2026.11").javaProblem(25).isEmpty());
        assertTrue(PayaraVersion.of("6.2025.10").javaProblem(17).isEmpty());
    }

    @Test
    void payara7GetsNoCommandForAnAttributeItRemoved() throws IOException {
        List<String> seven = PayaraVersion.of("7.2026.11").prebootCommands(DEPLOY);
        assertFalse(seven.isEmpty());
        for (String command : seven) {
            assertTrue(GONE_IN_7.stream().noneMatch(command::contains), command);
        }
        assertTrue(seven.contains("set configs.config.server-config.network-config.protocols.protocol.http-listener.http.server-header=false"));
    }

    @Test
    void payara6GetsEveryCommandOf7AndSwitchesOffWhatOnlyItHas() throws IOException {
        List<String> seven = PayaraVersion.of("7.2026.11").prebootCommands(DEPLOY);
        List<String> six = PayaraVersion.of("6.2025.10").prebootCommands(DEPLOY);
        assertTrue(six.containsAll(seven));
        for (String gone : GONE_IN_7) {
            assertTrue(six.stream().anyMatch(command -> command.contains(gone) && command.endsWith("=false")), gone);
        }
        for (String command : six) {
            assertTrue(GONE_IN_6_AND_7.stream().noneMatch(command::contains), command);
        }
    }

    @Test
    void aRefusedPrebootCommandIsShown() {
        String refused = "[2026-12-05T11:47:49.354+0000] [] [\u001B[1;93mWARNING\u001B[0m] [] [\u001B[1;94mfish.payara.boot.runtime.BootCommand"
                + "\u001B[0m] [tid: _ThreadID=3 _ThreadName=main] [timeMillis: 1796471269354] [levelValue: 900] Boot Command set "
                + "failed PlainTextActionReporterFAILURENo configuration found for "
                + "configs.config.server-config.network-config.protocols.protocol.http-listener.http";
        PayaraLog.Entry entry = PayaraLog.parse(refused).orElseThrow();
        assertTrue(entry.bootCommandFailed());
        assertTrue(entry.shown());
    }

    @Test
    void theTmpdirOptionNamesAnAbsoluteFolderThatExists(@TempDir Path temp) throws IOException {
        Path dir = temp.resolve("target").resolve("payara-tmp");
        String option = PayaraVersion.tmpdirOption(dir);
        assertEquals("-Djava.io.tmpdir=" + dir.toAbsolutePath(), option);
        assertTrue(Files.isDirectory(dir), "created, since Payara Micro's File.createTempFile fails in a missing folder");
        assertEquals(option, PayaraVersion.tmpdirOption(dir), "an existing folder is fine");
    }
}
