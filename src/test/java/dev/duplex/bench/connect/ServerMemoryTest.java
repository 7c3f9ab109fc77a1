package dev.duplex.bench.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerMemoryTest {

    private static final String HISTOGRAM = """
            12345:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         10000        4800000  [B (java.base@17.0.15)
               2:          2000         320000  org.glassfish.tyrus.core.TyrusSession
               3:            10            480  [Ljava.lang.Object; (java.base@17.0.15)
            Total         12010        5120480
            """;

    @Test
    void readsTheLiveHeapTotalAndPerClassBytes() {
        assertEquals(5_120_480, ServerMemory.parseTotal(HISTOGRAM));
        Map<String, Long> classes = ServerMemory.parseClassBytes(HISTOGRAM);
        assertEquals(4_800_000L, classes.get("[B"));
        assertEquals(320_000L, classes.get("org.glassfish.tyrus.core.TyrusSession"));
        assertEquals(3, classes.size());
        assertEquals(-1, ServerMemory.parseTotal("no histogram here"));
    }

    @Test
    void onlyJavaProcessesAreAskedWithJcmd() throws Exception {
        assertTrue(ServerMemory.isJvm(ProcessHandle.current().pid()));
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            assertFalse(ServerMemory.isJvm(sleep.pid()));
        } finally {
            sleep.destroy();
        }
        assertFalse(ServerMemory.isJvm(Long.MAX_VALUE));
    }

    @Test
    void readsTheResidentSizeOfALiveProcess() {
        assertTrue(ServerMemory.rss(ProcessHandle.current().pid()) > 1_000_000);
        assertEquals(-1, ServerMemory.rss(Long.MAX_VALUE));
    }

    @Test
    void aBaselineHasSettledWhenTwoReadingsAreWithinOneMibOrOnePercent() {
        assertTrue(ServerMemory.settled(50_000_000, 50_900_000), "within 1 MiB");
        assertTrue(ServerMemory.settled(400_000_000, 403_000_000), "within 1 %");
        assertFalse(ServerMemory.settled(1_426_069_128, 883_664_464), "a server still letting go of an earlier load");
        assertFalse(ServerMemory.settled(50_000_000, 53_000_000));
    }
}
