package dev.duplex.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measuring canary: one {@code /echo} session that sends a numbered message at a fixed interval
 * whatever happens to the replies (open loop, like the canary of the adversarial runs), and counts
 * what came back, what was lost and the slowest round trip. For measurements, not assertions (the
 * ITs use {@link Canary}).
 */
public final class EchoProbe {

    /** What the probe saw. */
    public record Figures(long sent, long echoed, long lost, long outOfOrder, long slowestMillis, String ended) {
    }

    private final RawWebSocket socket;
    private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong slowest = new AtomicLong();
    private volatile String ended = "";
    private final Thread writer;
    private final Thread reader;

    private EchoProbe(int port, Duration interval) throws Exception {
        socket = RawWebSocket.open(URI.create("ws://127.0.0.1:" + port + "/echo"), Map.of());
        if (socket.response().status() != 101) {
            throw new IllegalStateException("canary refused: " + socket.response().status());
        }
        socket.setReadTimeout(Duration.ofSeconds(120));
        writer = new Thread(() -> {
            long n = 0;
            while (running.get()) {
                try {
                    sentAt.put(n, System.nanoTime());
                    socket.send(true, false, RawWebSocket.TEXT, Long.toString(n).getBytes(StandardCharsets.US_ASCII));
                    sent.incrementAndGet();
                    n++;
                    Thread.sleep(interval.toMillis());
                } catch (Exception e) {
                    ended = "write: " + e;
                    return;
                }
            }
        }, "echo-probe-writer");
        reader = new Thread(() -> {
            long expected = 0;
            while (running.get() || echoed.get() < sent.get()) {
                try {
                    RawWebSocket.Frame frame = socket.read();
                    if (frame.opcode() == RawWebSocket.CLOSE) {
                        ended = "closed " + frame.closeCode() + " " + frame.closeReason();
                        return;
                    }
                    if (frame.opcode() != RawWebSocket.TEXT) {
                        continue;
                    }
                    long n = Long.parseLong(frame.text());
                    Long at = sentAt.remove(n);
                    if (at != null) {
                        slowest.accumulateAndGet((System.nanoTime() - at) / 1_000_000, Math::max);
                    }
                    if (n != expected) {
                        outOfOrder.incrementAndGet();
                    }
                    expected = n + 1;
                    echoed.incrementAndGet();
                } catch (Exception e) {
                    if (running.get()) {
                        ended = "read: " + e;
                    }
                    return;
                }
            }
        }, "echo-probe-reader");
        writer.setDaemon(true);
        reader.setDaemon(true);
        writer.start();
        reader.start();
    }

    public static EchoProbe start(int port, Duration interval) throws Exception {
        return new EchoProbe(port, interval);
    }

    /** Stops sending, waits up to 30 s for the last echoes, and reports. */
    public Figures stop() throws Exception {
        running.set(false);
        writer.join(5_000);
        reader.join(30_000);
        socket.close();
        long s = sent.get();
        long e = echoed.get();
        return new Figures(s, e, s - e, outOfOrder.get(), slowest.get(), ended);
    }
}
