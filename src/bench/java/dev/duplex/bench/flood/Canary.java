package dev.duplex.bench.flood;

import dev.duplex.bench.Target;
import dev.duplex.bench.net.Conn;
import dev.duplex.bench.net.Connector;
import dev.duplex.bench.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * A well-behaved user on its own {@code /echo} connection, opened before the attack: sends a
 * numbered text message every {@code interval} whatever happens to the replies (open loop), and
 * counts what came back, in order or not, and how long each round trip took. What it did not get
 * back by the end of the drain is lost.
 */
final class Canary {

    /** What the canary saw. {@code ended} is empty while its session stayed open. */
    record Figures(long sent, long echoed, long lost, long outOfOrder, Histogram roundTrips, String ended) {
    }

    private final Conn conn;
    private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final Histogram roundTrips = new Histogram(3_600_000_000L, 3);
    private final Duration interval;
    private final Transport transport;
    private volatile boolean running = true;
    private volatile String ended = "";
    private long expected;

    private Canary(Transport transport, Target target, Duration interval) throws InterruptedException {
        this.transport = transport;
        this.interval = interval;
        try {
            conn = transport.connect(target, null, 64 * 1024, 1, new Listener()).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the canary could not connect to " + target + ": "
                    + Connector.describe(e), e);
        }
    }

    /** Opens the canary's session and starts sending. */
    static Canary start(Transport transport, Target target, Duration interval) throws InterruptedException {
        Canary canary = new Canary(transport, target, interval);
        canary.tick();
        return canary;
    }

    private void tick() {
        if (!running || !conn.isOpen()) {
            return;
        }
        long n = sent.get();
        sentAt.put(n, System.nanoTime());
        conn.send(false, Unpooled.copiedBuffer(Long.toString(n), StandardCharsets.US_ASCII), true);
        sent.incrementAndGet();
        transport.schedule(this::tick, interval.toNanos());
    }

    private final class Listener implements Conn.Listener {
        @Override
        public void onMessage(Conn c, boolean binary, ByteBuf data, long receivedAt) {
            long n;
            try {
                n = Long.parseLong(data.toString(StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                outOfOrder.incrementAndGet();
                return;
            }
            Long at = sentAt.remove(n);
            if (at != null) {
                synchronized (roundTrips) {
                    roundTrips.recordValue(Math.max(1, Math.min(roundTrips.getHighestTrackableValue(), (receivedAt - at) / 1_000)));
                }
            }
            if (n != expected) {
                outOfOrder.incrementAndGet();
            }
            expected = n + 1;
            echoed.incrementAndGet();
        }

        @Override
        public void onClosed(Conn c, int code, String reason) {
            if (!c.closedByUs()) {
                ended = "closed by the server: " + code + " " + reason;
            }
        }

        @Override
        public void onError(Conn c, Throwable failure) {
            ended = "error: " + Connector.describe(failure);
        }
    }

    /** Sent and echoed so far. */
    long sent() {
        return sent.get();
    }

    long echoed() {
        return echoed.get();
    }

    /** Stops sending, waits up to {@code drain} for the echoes still owed, closes, and gives the figures. */
    Figures stop(Duration drain) throws InterruptedException {
        running = false;
        transport.quiesce();
        long until = System.nanoTime() + drain.toNanos();
        while (echoed.get() < sent.get() && conn.isOpen() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        conn.close();
        synchronized (roundTrips) {
            return new Figures(sent.get(), echoed.get(), sent.get() - echoed.get(), outOfOrder.get(), roundTrips.copy(),
                    ended);
        }
    }
}
