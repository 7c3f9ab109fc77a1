package dev.duplex.bench.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FloodToolTest {

    @Test
    void countsSevereRecordsNotTheWordInOtherRecords() {
        String log = String.join("\n",
                "[2026-12-05T15:00:00.000+0000] [] [INFO] [] [PayaraMicro] [tid: _ThreadID=1] [levelValue: 800] ready",
                "[2026-12-05T15:00:01.000+0000] [] [\u001B[1;91mSEVERE\u001B[0m] [] [org.glassfish.grizzly.nio.SelectorRunner]"
                        + " [tid: _ThreadID=40] [levelValue: 1000] doSelect exception",
                "java.util.concurrent.RejectedExecutionException: The thread pool's task queue is full, limit: 4096",
                "[2026-12-05T15:00:02.000+0000] [] [WARNING] [] [dev.duplex.platform] [tid: _ThreadID=41]"
                        + " [levelValue: 900] worker-queue: a SEVERE line would follow without it",
                "[2026-12-05T15:00:03.000+0000] [] [SEVERE] [] [x] [levelValue: 1000] second");
        ServerWatch.LogFindings findings = ServerWatch.scan(log);
        assertEquals(2, findings.severe());
        assertEquals(1, findings.queueFull());
        assertEquals(2, findings.first().size());
        assertTrue(findings.first().get(0).contains("doSelect exception"), findings.first().get(0));
    }

    @Test
    void theHeapPeakIsTheLargestOccupancyBeforeACollection() {
        assertEquals(-1, ServerWatch.gcHeapPeak("[0.010s][info][gc] Using G1"));
        assertEquals(612L * 1024 * 1024, ServerWatch.gcHeapPeak("""
                [5.1s][info][gc] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 120M->40M(1024M) 4.1ms
                [9.2s][info][gc] GC(4) Pause Young (Normal) (G1 Evacuation Pause) 612M->300M(1024M) 20.3ms
                [9.9s][info][gc] GC(5) Pause Full (System.gc()) 310M->45M(1024M) 80.0ms
                """));
    }

    @Test
    void sourcesAreLoopbackAddressesInOrderAndStopAt254() throws Exception {
        List<InetAddress> sources = HandshakeFlood.loopbackSources(2, 40);
        assertEquals(40, sources.size());
        assertEquals("127.0.0.2", sources.get(0).getHostAddress());
        assertEquals("127.0.0.41", sources.get(39).getHostAddress());
        assertThrows(IllegalArgumentException.class, () -> HandshakeFlood.loopbackSources(250, 10));
    }

    /**
     * A stub server answers the n-th handshake by n % 4: 101, then a close frame 1013; 503 with
     * Retry-After; a close without an answer; nothing at all. Each attempt gets exactly its outcome.
     */
    @Test
    void everyHandshakeEndsInExactlyOneOutcome() throws Exception {
        List<Socket> silent = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread stub = new Thread(() -> serve(server, silent), "stub-server");
            stub.setDaemon(true);
            stub.start();
            HandshakeFlood.Plan plan = new HandshakeFlood.Plan(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    server.getLocalPort()), "localhost", "/echo", 8, HandshakeFlood.loopbackSources(2, 2), 1,
                    Duration.ofSeconds(1));
            try (HandshakeFlood flood = HandshakeFlood.start(plan)) {
                assertTrue(flood.awaitAnswered(System.nanoTime() + TimeUnit.MINUTES.toNanos(2)), flood.outcomes().toString());
                assertEquals(Map.of("close 1013", 2, "http 503 retry-after", 2, "eof", 2, "timeout", 2), flood.outcomes());
                assertEquals(1, flood.peakOpen());
                assertEquals(4, flood.answers().getTotalCount(), "two 101s and two 503s are answers; eof and timeouts are not");
            }
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
    }

    private static void serve(ServerSocket server, List<Socket> silent) {
        for (int n = 0; !server.isClosed(); n++) {
            try {
                Socket socket = server.accept();
                readHead(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                switch (n % 4) {
                    case 0 -> {
                        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.write(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xF5});
                        out.flush();
                        silent.add(socket);
                    }
                    case 1 -> {
                        out.write("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 10\r\nContent-Length: 0\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        socket.close();
                    }
                    case 2 -> socket.close();
                    default -> silent.add(socket);
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the head");
            }
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }
}
