package dev.duplex.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.bench.connect.ConnectScenario;
import dev.duplex.bench.echo.EchoScenario;
import dev.duplex.bench.fanout.FanoutScenario;
import dev.duplex.bench.image.ImageScenario;
import dev.duplex.bench.serve.JettyEchoServer;
import dev.duplex.bench.serve.NettyServers;
import dev.duplex.bench.stub.StubServers;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each scenario, briefly, against servers in this JVM on loopback: the reference servers and stubs
 * of the /image and /chat contracts. Checks that the tool counts what it should, not speed.
 *
 * <p>No check depends on how fast this machine is: a run's measured window ends after a number of
 * answers ({@code --max-messages}) with a long {@link #PATIENCE} behind it, not after a few hundred
 * milliseconds that a busy machine may spend elsewhere (a cold Jetty once echoed nothing in a
 * 300 ms window), and the drain waits as long for the answers still under way.
 */
class ScenariosTest {

    /** How long a run may take on a busy machine; a healthy run ends after its message count. */
    private static final String PATIENCE = "60s";

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static NettyServers.Running netty;
    private static NettyServers.Running tcp;

    @BeforeAll
    static void start() throws InterruptedException {
        netty = NettyServers.websocketEcho("127.0.0.1", 0);
        tcp = NettyServers.tcpEcho("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        netty.close();
        tcp.close();
    }

    private static Options options(String... args) {
        return Options.parse(List.of(args), Set.of("binary", "no-check"));
    }

    private static long number(Result r, String key) {
        return ((Number) r.get(key)).longValue();
    }

    private static Result echo(String... args) throws InterruptedException {
        Options o = options(args);
        EchoScenario.Settings s = EchoScenario.settings(o);
        o.rejectUnknown();
        return EchoScenario.run(s, QUIET);
    }

    @Test
    void closedLoopEchoesAreAllVerifiedAndCounted() throws InterruptedException {
        Result r = echo("--url", "ws://127.0.0.1:" + netty.port() + "/echo", "--connections", "4", "--window", "8",
                "--warmup", "100ms", "--duration", PATIENCE, "--max-messages", "200", "--drain", PATIENCE,
                "--server-pid", Long.toString(ProcessHandle.current().pid()));
        assertTrue(number(r, "messages") >= 200, r.fields().toString());
        assertEquals(0, number(r, "lost") + number(r, "mismatches") + number(r, "errors"), r.fields().toString());
        assertEquals(number(r, "sent"), number(r, "received"));
        assertTrue(r.latency().getTotalCount() > 0);
        assertTrue(Bench.clean(r));
    }

    @Test
    void openLoopSendsAtTheRequestedRate() throws InterruptedException {
        Result r = echo("--url", "ws://127.0.0.1:" + netty.port() + "/echo", "--connections", "10", "--rate", "1000",
                "--size", "1KiB", "--binary", "--warmup", "0ms", "--duration", PATIENCE, "--max-messages", "500",
                "--drain", PATIENCE);
        // Latencies are counted by intended send time. The window closes once 500 answers arrived
        // (on a busy machine later than the 0.5 s that takes at 1 000/s). A message is sent at its
        // intended time or, after a late wake-up, at once with the backlog, never ahead of its time:
        // however busy the machine, the window holds no more messages than the schedule made due
        // in it. A sender that ignored the rate would put its 500 messages in far less time.
        long measured = r.latency().getTotalCount();
        double seconds = ((Number) r.get("duration_s")).doubleValue();
        double due = 1000 * seconds;
        assertTrue(number(r, "messages") >= 500, "the window closed on its count: " + r.fields());
        assertTrue(measured > 0, r.fields().toString());
        assertTrue(measured <= due + 10, String.format(
                "at most the %.0f messages due in %.3f s at 1000/s (plus one per connection), not %d", due, seconds, measured));
        assertEquals(0, number(r, "lost") + number(r, "mismatches") + number(r, "errors"), r.fields().toString());
    }

    @Test
    void rawTcpEchoIsDrivenWithTheSameMessages() throws InterruptedException {
        Result r = echo("--url", "tcp://127.0.0.1:" + tcp.port(), "--connections", "2", "--size", "100",
                "--warmup", "0ms", "--duration", PATIENCE, "--max-messages", "100", "--drain", PATIENCE);
        assertTrue(number(r, "messages") >= 100, r.fields().toString());
        assertEquals(0, number(r, "mismatches") + number(r, "lost"), r.fields().toString());
    }

    @Test
    void corruptedEchoesAreCountedAsMismatches() throws InterruptedException {
        try (NettyServers.Running bad = StubServers.corruptingEcho()) {
            Result r = echo("--url", "ws://127.0.0.1:" + bad.port() + "/echo", "--connections", "1",
                    "--warmup", "0ms", "--duration", PATIENCE, "--max-messages", "100", "--drain", PATIENCE);
            long mismatches = number(r, "mismatches");
            long received = number(r, "received");
            assertTrue(mismatches > 0 && mismatches <= received / 10 + 1, mismatches + " of " + received);
            assertTrue(!Bench.clean(r));
        }
    }

    @Test
    void aRefusedHandshakeIsAnErrorNotAHang() throws InterruptedException {
        Result r = echo("--url", "ws://127.0.0.1:" + netty.port() + "/nothing-here", "--connections", "2",
                "--warmup", "0ms", "--duration", "100ms");
        assertEquals(2, number(r, "errors"));
        assertEquals(0, number(r, "open_connections"));
    }

    @Test
    void jettyReferenceServerEchoesTextAndBinary() throws Exception {
        try (JettyEchoServer jetty = JettyEchoServer.start("127.0.0.1", 0)) {
            for (String binary : List.of("false", "true")) {
                Result r = echo("--url", "ws://127.0.0.1:" + jetty.port() + "/echo", "--connections", "2",
                        "--size", "70000", "--binary=" + binary, "--warmup", "0ms", "--duration", PATIENCE,
                        "--max-messages", "50", "--drain", PATIENCE);
                assertTrue(number(r, "messages") >= 50, r.fields().toString());
                assertEquals(0, number(r, "mismatches") + number(r, "lost") + number(r, "errors"), r.fields().toString());
            }
        }
    }

    @Test
    void imageRoundTripsWaitForTheResultAndTheImageAndCheckIt() throws InterruptedException {
        for (boolean gray : List.of(true, false)) {
            try (NettyServers.Running image = StubServers.image(gray)) {
                Options o = options("--url", "ws://127.0.0.1:" + image.port() + "/image", "--op", "grayscale",
                        "--width", "64", "--height", "48", "--warmup", "0ms", "--duration", PATIENCE,
                        "--max-messages", "20", "--drain", PATIENCE);
                Result r = ImageScenario.run(ImageScenario.settings(o), QUIET);
                assertTrue(number(r, "messages") >= 20, r.fields().toString());
                assertEquals(0, number(r, "errors") + number(r, "lost"), r.fields().toString());
                assertEquals("ws://127.0.0.1:" + image.port() + "/image?op=grayscale", r.get("url"));
                // A server that sends the colour picture back for "grayscale" is caught.
                assertEquals(gray, number(r, "mismatches") == 0, r.fields().toString());
            }
        }
    }

    @Test
    void fanoutTimesEveryDeliveryToEveryMember() throws InterruptedException {
        try (NettyServers.Running chat = StubServers.chat()) {
            Options o = options("--url", "ws://127.0.0.1:" + chat.port() + "/chat", "--members", "20", "--rate", "50",
                    "--warmup", "100ms", "--duration", PATIENCE, "--max-messages", "400", "--drain", PATIENCE,
                    "--room", "lobby");
            Result r = FanoutScenario.run(FanoutScenario.settings(o), QUIET);
            long published = number(r, "published");
            // 400 deliveries to 20 members: the window saw at least 20 probes published.
            assertTrue(number(r, "messages") >= 400 && published >= 20, r.fields().toString());
            assertEquals(published * 20, number(r, "deliveries"), r.fields().toString());
            assertEquals(published * 20, r.latency().getTotalCount());
            assertEquals(0, number(r, "lost") + number(r, "errors") + number(r, "out_of_order"), r.fields().toString());
        }
    }

    @Test
    void connectStormAndHoldCountHandshakesAndMemory() throws InterruptedException {
        String url = "ws://127.0.0.1:" + netty.port() + "/echo";
        Options storm = options("--url", url, "--mode", "storm", "--connections", "50", "--concurrency", "8");
        Result s = ConnectScenario.run(ConnectScenario.settings(storm), QUIET);
        assertEquals(50, number(s, "opened"));
        assertEquals(50, s.latency().getTotalCount());

        Options hold = options("--url", url, "--mode", "hold", "--connections", "30", "--duration", "200ms",
                "--server-pid", Long.toString(ProcessHandle.current().pid()));
        Result h = ConnectScenario.run(ConnectScenario.settings(hold), QUIET);
        assertEquals(30, number(h, "still_open"));
        assertEquals(0, number(h, "errors"));
        assertTrue(h.fields().containsKey("heap_per_conn_kib"), h.fields().toString());
    }
}
