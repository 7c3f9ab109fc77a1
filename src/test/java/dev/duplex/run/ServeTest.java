package dev.duplex.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What `mvn -Prun` shows of Payara's log, and how it reads its settings. */
class ServeTest {

    private static final String READY = "[2026-12-05T08:42:45.624+0000] [] [INFO] [] [PayaraMicro] [tid: _ThreadID=1 "
            + "_ThreadName=main] [timeMillis: 1796460165624] [levelValue: 800] Payara Micro 6.2025.10 (build 42) ready in 51,668 (ms)";

    @Test
    void theReadyLineIsRecognised() {
        PayaraLog.Entry entry = PayaraLog.parse(READY).orElseThrow();
        assertEquals("INFO", entry.level());
        assertEquals("PayaraMicro", entry.logger());
        assertTrue(entry.ready());
        assertFalse(entry.shown(), "shown as Duplex's own ready line instead");
    }

    @Test
    void severeRecordsAndTheApplicationsWarningsAreShownPayarasWarningsAndInfoAreNot() {
        String severe = "[2026-12-05T08:42:46.000+0000] [] [SEVERE] [] [org.glassfish.grizzly.http.server.HttpServerFilter] "
                + "[tid: _ThreadID=33 _ThreadName=http-thread-pool::http-listener(2)] [timeMillis: 1796460166000] "
                + "[levelValue: 1000] [[";
        assertTrue(PayaraLog.parse(severe).orElseThrow().shown());
        String certificate = "[2026-12-05T08:41:58.000+0000] [] [WARNING] [] [fish.payara.nucleus.certificate] [tid: "
                + "_ThreadID=1 _ThreadName=main] [timeMillis: 1796460118000] [levelValue: 900] Certificate expired: CN=Old Root CA";
        assertFalse(PayaraLog.parse(certificate).orElseThrow().shown());
        String ours = "[2026-12-05T08:41:58.000+0000] [] [WARNING] [] [dev.duplex.platform.Connections] [tid: _ThreadID=71 "
                + "_ThreadName=x] [timeMillis: 1796460118000] [levelValue: 900] duplex.limits.max-sessions is not a number";
        PayaraLog.Entry entry = PayaraLog.parse(ours).orElseThrow();
        assertTrue(entry.shown());
        assertEquals("duplex.limits.max-sessions is not a number", entry.message());
        String info = READY.replace("Payara Micro 6.2025.10 (build 42) ready in 51,668 (ms)", "Disabled Phone Home");
        assertFalse(PayaraLog.parse(info).orElseThrow().shown());
        assertFalse(PayaraLog.parse(info).orElseThrow().ready());
    }

    @Test
    void colouredLinesAreReadLikePlainOnes() {
        // what Payara writes when its output goes to a file: ANSI colours around the level and logger
        String coloured = READY.replace("[INFO]", "[\u001B[1;92mINFO\u001B[0m]")
                .replace("[PayaraMicro]", "[\u001B[1;94mPayaraMicro\u001B[0m]");
        PayaraLog.Entry entry = PayaraLog.parse(coloured).orElseThrow();
        assertEquals("INFO", entry.level());
        assertEquals("PayaraMicro", entry.logger());
        assertTrue(entry.ready());
    }

    @Test
    void continuationLinesStartNoRecord() {
        assertEquals(Optional.empty(), PayaraLog.parse("  Boot Command set returned with result SUCCESS"));
        assertEquals(Optional.empty(), PayaraLog.parse("\tat java.base/java.lang.Thread.run(Thread.java:840)"));
        assertEquals(Optional.empty(), PayaraLog.parse("]]"));
        assertEquals(Optional.empty(), PayaraLog.parse(""));
    }

    @Test
    void jvmArgumentsAreSplitLikeAShellWouldWithQuotes() {
        assertEquals(List.of(), Serve.words(""));
        assertEquals(List.of(), Serve.words("   "));
        assertEquals(List.of("-Da=1", "-Db=two words", "-Dc=it's"), Serve.words(" -Da=1  -Db='two words' \"-Dc=it's\""));
        assertThrows(IllegalArgumentException.class, () -> Serve.words("-Da='open"));
    }

    @Test
    void optionsAreNameValuePairs() {
        assertEquals("9090", Serve.options(new String[] {"--port=9090", "--jvm-args="}).get("port"));
        assertEquals("", Serve.options(new String[] {"--jvm-args="}).get("jvm-args"));
        assertEquals("-Dx=a=b", Serve.options(new String[] {"--jvm-args=-Dx=a=b"}).get("jvm-args"));
        assertThrows(IllegalArgumentException.class, () -> Serve.options(new String[] {"port"}));
    }
}
