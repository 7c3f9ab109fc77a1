package dev.duplex.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Bench.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryScenario() throws Exception {
        assertEquals(0, run("help"));
        String usage = out.toString(StandardCharsets.UTF_8);
        for (String command : List.of("echo", "image", "fanout", "connect", "flood", "serve", "summary", "jfr-top")) {
            assertTrue(usage.contains("  " + command + " "), command);
        }
    }

    @Test
    void aRemoteTargetIsRefusedWithExitCode2() throws Exception {
        assertEquals(2, run("echo", "--url", "ws://10.9.8.7:8080/echo", "--duration", "1s"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("not a loopback address"));
    }

    @Test
    void aTypoIsRefusedBeforeAnythingRuns() throws Exception {
        assertEquals(2, run("echo", "--url", "ws://127.0.0.1:1/echo", "--windw", "4"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--windw"));
        assertEquals(2, run("echo", "--url", "ws://127.0.0.1:1/echo", "--rate", "100", "--window", "4"));
        assertEquals(2, run("bogus"));
    }
}
