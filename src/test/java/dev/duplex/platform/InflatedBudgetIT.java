package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Canary;
import dev.duplex.testing.Conditions;
import dev.duplex.testing.GcLog;
import dev.duplex.testing.PayaraMicroServer;
import dev.duplex.testing.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 16, item 1 at CI scale: {@code /echo} sessions from one address send permessage-deflate
 * messages that inflate to a few MiB at a ratio just under {@code duplex.deflate.max-ratio}, on a
 * server with a 1 GiB heap. The budget must account for every copy the server holds: the test
 * freezes the server with the bytes held (the clients stop reading, so the echoes wait in the
 * engine's write queue and the outbox, and each client leaves one fragmented message without its
 * last frame, so it waits half assembled), then compares the budget's {@code usedBytes} with the
 * live {@code byte[]} of a class histogram (after a full collection, less a baseline taken the same
 * way before the load): they must agree within 10 %. A canary on another connection gets every
 * echo in order throughout; afterwards every message is echoed whole, and the budget, the heap and
 * the file descriptors come back to their baseline. Item 7: small messages far below the ratio
 * floor, inflating x1000, are bounded by the inflation rate: 1008 "Inflation rate too high".
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InflatedBudgetIT {

    private static final int MIB = 1024 * 1024;
    private static final int SESSIONS = 4;
    private static final int MESSAGE_BYTES = 3 * MIB;
    /** Whole messages each session sends without reading: its echoes pile up in the server. */
    private static final int WHOLE_MESSAGES = 4;
    private static final int FRAGMENTS = 4;
    private static final int INFLATION_RATE = MIB;
    private static final int INFLATION_BURST = 24 * MIB;
    /** The server sends uncompressed (it cannot with a window under 15 bits), so its echoes are large. */
    private static final String OFFER = "permessage-deflate; client_max_window_bits; server_max_window_bits=10";

    private static PayaraMicroServer server;
    private static Path gcLog;
    private static long baselineBytes;
    private static long baselineHeap;
    private static int baselineFds;

    @BeforeAll
    static void start() throws Exception {
        gcLog = Path.of("target", "servers", "inflated-budget-gc.log").toAbsolutePath();
        Files.createDirectories(gcLog.getParent());
        Files.deleteIfExists(gcLog);
        // The inflation rate limit is set low (1 MiB/s after a 24 MiB burst) so that the rate test
        // exceeds it however slow or busy the machine is (at the default 16 MiB/s a loaded machine
        // inflated 128 MiB more slowly than that, and rightly nothing was refused); the budget test's
        // 15 MiB per session stays within the burst. The budget test holds fragmented messages
        // without their last frame for as long as its measurements take: the minimum data rate is off
        // (it dropped them, and the budget's figure with them, while a loaded machine was still
        // measuring; TrickleIT and the server matrix test that rate).
        server = PayaraMicroServer.start("inflated-budget", Map.of(
                "duplex.limits.max-sessions-per-address", "0",
                "duplex.limits.min-data-rate-bytes", "0",
                "duplex.keepalive.interval-seconds", "600",
                "duplex.deflate.max-inflated-bytes-per-second", String.valueOf(INFLATION_RATE),
                "duplex.deflate.inflated-burst-bytes", String.valueOf(INFLATION_BURST)), false, List.of(),
                List.of("-Xmx1g", "-Xlog:gc:file=" + gcLog));
        // warm up the paths the load takes, so that their classes and caches are in the baseline
        byte[] warm = message(64 * 1024, 1);
        try (RawWebSocket raw = RawWebSocket.open(server.ws("echo"), Map.of("Sec-WebSocket-Extensions", OFFER))) {
            raw.send(true, true, RawWebSocket.BINARY, deflate(warm));
            assertEquals(warm.length, raw.read().payload().length);
        }
        try (Canary canary = Canary.start(server.ws("echo"))) {
            Conditions.await(() -> canary.echoes() >= 20, 60, "canary warm-up");
        }
        Conditions.await(() -> server.statusFigure("usedBytes") == 0, 60, "budget idle before the baseline");
        baselineBytes = server.liveBytes("[B");
        baselineHeap = server.liveHeapBytes();
        baselineFds = server.openFileDescriptors();
        report("baseline: byte[] " + mib(baselineBytes) + ", live heap " + mib(baselineHeap) + ", fds " + baselineFds);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void theBudgetAccountsForEveryHeldCopyOfInflatedMessagesWithinTenPercent() throws Exception {
        List<RawWebSocket> clients = new ArrayList<>();
        List<byte[]> lastFrames = new ArrayList<>();
        byte[] whole = message(MESSAGE_BYTES, 2);
        byte[] compressed = deflate(whole);
        double ratio = (double) whole.length / compressed.length;
        report(String.format("message: %d bytes from %d compressed (ratio %.0f, the bound is 200)", whole.length, compressed.length, ratio));
        assertTrue(ratio > 150 && ratio < 200, "just under the ratio bound: " + ratio);
        long used;
        long held;
        long peakUsed = 0;
        Canary canary = Canary.start(server.ws("echo"));
        try {
            Conditions.await(() -> canary.echoes() >= 5, 60, "canary before the load");
            for (int i = 0; i < SESSIONS; i++) {
                RawWebSocket client = RawWebSocket.open(server.ws("echo"), Map.of("Sec-WebSocket-Extensions", OFFER));
                assertEquals("permessage-deflate; server_max_window_bits=10", client.response().header("Sec-WebSocket-Extensions"));
                clients.add(client);
            }
            // the load, concurrently: whole messages (echoed to clients that do not read), then one
            // fragmented message each without its last frame
            List<Thread> writers = new ArrayList<>();
            for (RawWebSocket client : clients) {
                Deflater fragments = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                byte[][] parts = fragments(fragments, whole);
                fragments.end();
                lastFrames.add(parts[FRAGMENTS - 1]);
                Thread writer = new Thread(() -> {
                    try {
                        for (int m = 0; m < WHOLE_MESSAGES; m++) {
                            client.send(true, true, RawWebSocket.BINARY, compressed);
                        }
                        for (int f = 0; f < FRAGMENTS - 1; f++) {
                            client.send(false, f == 0, f == 0 ? RawWebSocket.BINARY : RawWebSocket.CONTINUATION, parts[f]);
                        }
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, "inflated-writer");
                writer.start();
                writers.add(writer);
            }
            for (Thread writer : writers) {
                writer.join(120_000);
            }
            // frozen: nothing moves once every message is in and the write queues are settled. On a
            // starved machine a pause in the server's progress can look settled; a measurement during
            // which the figure moved is therefore taken again (at most five times).
            long before = 0;
            used = Long.MIN_VALUE / 2;
            held = 0;
            for (int attempt = 1; attempt <= 5 && Math.abs(used - before) >= 64 * 1024; attempt++) {
                long[] last = {-1};
                int[] steady = {0};
                Conditions.await(() -> {
                    long now = server.statusFigure("usedBytes");
                    steady[0] = Math.abs(now - last[0]) < 64 * 1024 && now > 0 ? steady[0] + 1 : 0;
                    last[0] = now;
                    return steady[0] >= 3;
                }, 120, "the budget's figure settles under the held load");
                before = last[0];
                peakUsed = Math.max(peakUsed, before);
                held = server.liveBytes("[B") - baselineBytes;
                used = server.statusFigure("usedBytes");
                report("held (measurement " + attempt + "): live byte[] over the baseline " + mib(held) + ", budget used "
                        + mib(used) + " (before the histogram " + mib(before) + ")");
            }
            // the canary's few bytes in flight may come and go meanwhile
            assertTrue(Math.abs(used - before) < 64 * 1024, "the state stayed frozen while the histogram was taken: "
                    + before + " then " + used);

            // let go: every message comes back whole
            for (int i = 0; i < SESSIONS; i++) {
                RawWebSocket client = clients.get(i);
                client.send(true, false, RawWebSocket.CONTINUATION, lastFrames.get(i));
                client.setReadTimeout(Duration.ofSeconds(120));
                for (int m = 0; m <= WHOLE_MESSAGES; m++) {
                    RawWebSocket.Frame echo = client.read();
                    assertEquals(RawWebSocket.BINARY, echo.opcode(), "session " + i + ", message " + m);
                    assertFalse(echo.rsv1(), "sent uncompressed, as negotiated");
                    assertTrue(Arrays.equals(whole, echo.payload()), "session " + i + ", message " + m + " echoed whole");
                }
            }
            Conditions.await(() -> canary.echoes() >= 20, 60, "canary after the load");
        } finally {
            canary.close();
            for (RawWebSocket client : clients) {
                client.close();
            }
        }
        report("canary: " + canary.echoes() + " echoes, slowest " + canary.slowestMillis() + " ms, problems " + canary.problems()
                + "; GC heap peak " + mib(GcLog.heapPeak(gcLog)));
        assertEquals(List.of(), canary.problems(), "the canary gets every echo, in order");
        assertTrue(used > (long) SESSIONS * MESSAGE_BYTES, "the held load is charged: " + mib(used));
        assertTrue(Math.abs(held - used) <= used / 10,
                "the budget (" + mib(used) + ") and the live byte[] held for clients (" + mib(held) + ") differ by more than 10 %");
        afterwardsEverythingIsBack();
    }

    @Test
    @Order(2)
    void smallMessagesFarBelowTheRatioFloorAreBoundedByTheInflationRate() throws Exception {
        byte[] small = deflate(new byte[512 * 1024]); // x1000, far below the 1 MiB ratio floor
        report("small message: 512 KiB from " + small.length + " compressed bytes");
        String close;
        int echoed = 0;
        Canary canary = Canary.start(server.ws("echo"));
        // the server compresses its echoes here (small), so that they do not pile up unread meanwhile
        try (RawWebSocket raw = RawWebSocket.open(server.ws("echo"), Map.of("Sec-WebSocket-Extensions", "permessage-deflate"))) {
            raw.setReadTimeout(Duration.ofSeconds(60));
            // 256 x 512 KiB = 128 MiB inflated at once: well over the 24 MiB burst of 1 MiB/s
            for (int i = 0; i < 256; i++) {
                try {
                    raw.send(true, true, RawWebSocket.BINARY, small);
                } catch (IOException e) {
                    break; // closed by the server
                }
            }
            while (true) {
                RawWebSocket.Frame frame;
                try {
                    frame = raw.read();
                } catch (java.io.EOFException | java.net.SocketException e) {
                    close = "1006 no close frame: " + e;
                    break;
                }
                if (frame.opcode() == RawWebSocket.CLOSE) {
                    close = frame.closeCode() + " " + frame.closeReason();
                    break;
                }
                if (frame.opcode() == RawWebSocket.BINARY) {
                    echoed++;
                }
            }
            Conditions.await(() -> canary.echoes() >= 10, 60, "canary");
        } finally {
            canary.close();
        }
        report("inflation rate: " + echoed + " echoed, then " + close + "; canary slowest " + canary.slowestMillis() + " ms");
        assertEquals("1008 Inflation rate too high", close);
        int burst = INFLATION_BURST / (512 * 1024);
        assertTrue(echoed >= burst - 1 && echoed < 256, "the burst (" + burst + " messages) passes, the rest is refused: " + echoed);
        assertEquals(List.of(), canary.problems());
        Conditions.await(() -> server.statusFigure("usedBytes") == 0, 60, "budget back to 0");
    }

    @Test
    @Order(3)
    void aNewMessageInsideAFragmentedCompressedOneIsAProtocolError() throws Exception {
        byte[] data = message(64 * 1024, 3);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[][] parts = fragments(deflater, data);
        deflater.end();
        try (RawWebSocket raw = RawWebSocket.open(server.ws("echo"), Map.of("Sec-WebSocket-Extensions", OFFER))) {
            raw.send(false, true, RawWebSocket.BINARY, parts[0]);
            raw.send(true, true, RawWebSocket.BINARY, deflate(data));
            RawWebSocket.Frame close = raw.readUntilClose();
            assertEquals("1002 Expected a continuation frame", close.closeCode() + " " + close.closeReason());
        }
        Conditions.await(() -> server.statusFigure("usedBytes") == 0, 60, "the half-assembled message is given back");
    }

    private static void afterwardsEverythingIsBack() throws Exception {
        Conditions.await(() -> server.statusFigure("usedBytes") == 0 && server.statusFigure("sessions") == 0, 60, "budget and sessions back to 0: " + server.status());
        long heap = server.liveHeapBytes();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (heap >= baselineHeap + 32L * MIB && System.nanoTime() < deadline) {
            TimeUnit.SECONDS.sleep(5);
            heap = server.liveHeapBytes();
        }
        long bytes = server.liveBytes("[B");
        report("after: live heap " + mib(heap) + " (baseline " + mib(baselineHeap) + "), byte[] " + mib(bytes) + " (baseline "
                + mib(baselineBytes) + "), fds " + server.openFileDescriptors() + " (baseline " + baselineFds + ")");
        assertTrue(heap < baselineHeap + 32L * MIB, "live heap " + mib(heap) + ", baseline " + mib(baselineHeap));
        assertTrue(bytes < baselineBytes + 8L * MIB, "no byte[] left behind: " + mib(bytes) + ", baseline " + mib(baselineBytes));
        Conditions.await(() -> server.fds() <= baselineFds + 5, 60, "open fds " + server.fds() + ", baseline " + baselineFds);
        assertFalse(server.output().contains("OutOfMemoryError"), server.tail());
    }

    /** {@code length} bytes that compress at a ratio a little under 200: mostly zeros, a random byte every so often. */
    static byte[] message(int length, long seed) {
        byte[] data = new byte[length];
        Random random = new Random(seed);
        for (int i = 440; i < length; i += 880) {
            data[i] = (byte) (1 + random.nextInt(255));
        }
        return data;
    }

    /** One message as {@link #FRAGMENTS} compressed frames from one compressor; the last without 00 00 ff ff. */
    private static byte[][] fragments(Deflater deflater, byte[] data) {
        byte[][] parts = new byte[FRAGMENTS][];
        int size = data.length / FRAGMENTS;
        for (int f = 0; f < FRAGMENTS; f++) {
            int from = f * size;
            int to = f == FRAGMENTS - 1 ? data.length : from + size;
            parts[f] = flush(deflater, Arrays.copyOfRange(data, from, to));
        }
        byte[] lastPart = parts[FRAGMENTS - 1];
        parts[FRAGMENTS - 1] = Arrays.copyOf(lastPart, lastPart.length - 4);
        return parts;
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[] flushed = flush(deflater, data);
        deflater.end();
        return Arrays.copyOf(flushed, flushed.length - 4);
    }

    private static byte[] flush(Deflater deflater, byte[] data) {
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] step = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(step, 0, step.length, Deflater.SYNC_FLUSH);
            out.write(step, 0, n);
        } while (n == step.length || !deflater.needsInput());
        return out.toByteArray();
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) MIB);
    }

    private static void report(String line) {
        System.out.println("InflatedBudgetIT: " + line);
    }
}
