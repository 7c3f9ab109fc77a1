package dev.duplex.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Many WebSocket handshakes at once from several loopback source addresses (127.0.0.x), on one
 * selector thread, for the connection-flood and half-open-upgrade attacks. Every attempt ends in
 * exactly one outcome: {@code open} (101, the session stays open: it answers pings), {@code close
 * <code>} (101, then the server closed the session, e.g. 1013), {@code http <status>} (refused
 * before the upgrade, e.g. 503), {@code timeout} (no answer within the answer timeout: what a
 * server that lost the handshake does), {@code eof} (the server dropped the connection without an
 * answer) or {@code connect failed}. With {@link Options#neverRead} the client sends its handshakes
 * and never reads anything: each attempt then counts as {@code sent}.
 *
 * <p>Also runnable on its own for measurements:
 * {@code java -cp target/test-classes dev.duplex.testing.ConnectionFlood port=8080 total=25000 addresses=40 first=2}.
 */
public final class ConnectionFlood implements AutoCloseable {

    /** What to do. */
    public record Options(int port, String path, int total, List<InetAddress> sources, int maxInFlight,
            Duration answerTimeout, boolean neverRead) {
    }

    private static final int HEAD_LIMIT = 8192;

    private final Options options;
    private final Selector selector;
    private final List<Attempt> attempts = new ArrayList<>();
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private Thread thread;
    private volatile long finishedAt;
    private int inFlight;
    private int open;
    private long lastAnswerNanos;
    private long slowestAnswerNanos;

    private ConnectionFlood(Options options) throws IOException {
        this.options = options;
        this.selector = Selector.open();
    }

    /** Loopback source addresses 127.0.0.first .. 127.0.0.(first+count-1). */
    public static List<InetAddress> loopback(int first, int count) throws IOException {
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (first + i > 254) {
                throw new IllegalArgumentException("loopback sources end at 127.0.0.254");
            }
            sources.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (first + i)}));
        }
        return sources;
    }

    /** Starts the flood on its own thread; {@link #awaitAnswered} waits until every attempt has its outcome. */
    public static ConnectionFlood start(Options options) throws IOException {
        ConnectionFlood flood = new ConnectionFlood(options);
        flood.thread = new Thread(flood::run, "connection-flood");
        flood.thread.setDaemon(true);
        flood.thread.start();
        return flood;
    }

    /** Waits until every attempt has an outcome (open sessions stay open); false on timeout. */
    public boolean awaitAnswered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (finishedAt == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return finishedAt != 0;
    }

    /** Outcome counts by kind (sessions that are open now count as {@code open}). */
    public synchronized Map<String, Integer> outcomes() {
        Map<String, Integer> copy = new TreeMap<>(outcomes);
        if (open > 0) {
            copy.put("open", open);
        }
        return copy;
    }

    /** Sessions open now. */
    public synchronized int open() {
        return open;
    }

    /** The longest time an attempt waited for the server's answer to its handshake, in milliseconds. */
    public synchronized long slowestAnswerMillis() {
        return slowestAnswerNanos / 1_000_000;
    }

    private void run() {
        int next = 0;
        long now;
        try {
            while (!stop.get()) {
                now = System.nanoTime();
                synchronized (this) {
                    while (next < options.total() && inFlight < options.maxInFlight()) {
                        begin(next++, now);
                    }
                }
                selector.select(50);
                now = System.nanoTime();
                synchronized (this) {
                    for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext();) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        handle((Attempt) key.attachment(), key, now);
                    }
                    for (Attempt attempt : attempts) {
                        if (attempt.state == State.WAITING && now - attempt.startedAt > options.answerTimeout().toNanos()) {
                            end(attempt, "timeout", now);
                        }
                    }
                    if (next == options.total() && inFlight == 0 && finishedAt == 0) {
                        finishedAt = now;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                outcomes.merge("client failure " + e, 1, Integer::sum);
            }
            finishedAt = System.nanoTime();
        }
    }

    private enum State { WAITING, OPEN, DONE }

    private final class Attempt {
        final SocketChannel channel;
        final long startedAt;
        final ByteBuffer in = ByteBuffer.allocate(HEAD_LIMIT);
        ByteBuffer out;
        State state = State.WAITING;

        Attempt(SocketChannel channel, long startedAt) {
            this.channel = channel;
            this.startedAt = startedAt;
        }
    }

    private void begin(int index, long now) {
        inFlight++;
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.bind(new InetSocketAddress(options.sources().get(index % options.sources().size()), 0));
            channel.configureBlocking(false);
            Attempt attempt = new Attempt(channel, now);
            attempts.add(attempt);
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            attempt.out = ByteBuffer.wrap(("GET " + options.path() + " HTTP/1.1\r\nHost: localhost:" + options.port()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()))) {
                connected(attempt, channel.register(selector, 0, attempt), now);
            } else {
                channel.register(selector, SelectionKey.OP_CONNECT, attempt);
            }
        } catch (IOException e) {
            inFlight--;
            outcomes.merge("connect failed", 1, Integer::sum);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // counted above
                }
            }
        }
    }

    private void connected(Attempt attempt, SelectionKey key, long now) throws IOException {
        attempt.channel.write(attempt.out);
        if (attempt.out.hasRemaining()) {
            throw new IOException("handshake not written at once");
        }
        if (options.neverRead()) {
            key.interestOps(0);
            attempt.state = State.DONE;
            inFlight--;
            outcomes.merge("sent", 1, Integer::sum);
            return;
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    private void handle(Attempt attempt, SelectionKey key, long now) {
        try {
            if (key.isConnectable()) {
                attempt.channel.finishConnect();
                connected(attempt, key, now);
                return;
            }
            if (!key.isReadable()) {
                return;
            }
            int read = attempt.channel.read(attempt.in);
            if (read < 0) {
                end(attempt, attempt.state == State.OPEN ? "dropped after open" : "eof", now);
                return;
            }
            if (attempt.state == State.WAITING) {
                answer(attempt, now);
            }
            if (attempt.state == State.OPEN) {
                frames(attempt, now);
            }
        } catch (IOException e) {
            end(attempt, attempt.state == State.OPEN ? "dropped after open" : "connect failed", now);
        }
    }

    private void answer(Attempt attempt, long now) throws IOException {
        String head = new String(attempt.in.array(), 0, attempt.in.position(), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        if (end < 0) {
            if (!attempt.in.hasRemaining()) {
                end(attempt, "bad answer", now);
            }
            return;
        }
        slowestAnswerNanos = Math.max(slowestAnswerNanos, now - attempt.startedAt);
        lastAnswerNanos = now;
        String[] status = head.substring(0, head.indexOf("\r\n")).split(" ");
        int code = status.length > 1 ? Integer.parseInt(status[1]) : 0;
        if (code != 101) {
            boolean retryAfter = head.toLowerCase(java.util.Locale.ROOT).contains("\r\nretry-after:");
            end(attempt, "http " + code + (code == 503 && retryAfter ? " retry-after" : ""), now);
            return;
        }
        attempt.in.limit(attempt.in.position()).position(end + 4);
        attempt.in.compact();
        attempt.state = State.OPEN;
        inFlight--;
        open++;
    }

    /** Reads the server's frames: answers pings, ends on a close frame. */
    private void frames(Attempt attempt, long now) throws IOException {
        ByteBuffer in = attempt.in;
        in.flip();
        while (in.remaining() >= 2) {
            in.mark();
            int b0 = in.get() & 0xff;
            int length = in.get() & 0x7f;
            if (length == 126) {
                if (in.remaining() < 2) {
                    in.reset();
                    break;
                }
                length = in.getShort() & 0xffff;
            } else if (length == 127) {
                in.reset();
                end(attempt, "unexpected large frame", now);
                return;
            }
            if (in.remaining() < length || length > HEAD_LIMIT - 10) {
                in.reset();
                if (length > HEAD_LIMIT - 10) {
                    end(attempt, "unexpected large frame", now);
                    return;
                }
                break;
            }
            byte[] payload = new byte[length];
            in.get(payload);
            int opcode = b0 & 0x0f;
            if (opcode == 0x8) {
                int code = length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                open--;
                attempt.state = State.OPEN; // end() below counts it
                end(attempt, "close " + code, now, false);
                return;
            }
            if (opcode == 0x9) {
                pong(attempt.channel, payload);
            }
        }
        in.compact();
    }

    private static void pong(SocketChannel channel, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
        frame.put((byte) 0x8A).put((byte) (0x80 | payload.length)).putInt(0);
        frame.put(payload).flip();
        channel.write(frame);
    }

    private void end(Attempt attempt, String outcome, long now) {
        end(attempt, outcome, now, true);
    }

    private void end(Attempt attempt, String outcome, long now, boolean adjustOpen) {
        if (attempt.state == State.DONE) {
            return;
        }
        if (attempt.state == State.WAITING) {
            inFlight--;
        } else if (adjustOpen) {
            open--;
        }
        attempt.state = State.DONE;
        outcomes.merge(outcome, 1, Integer::sum);
        try {
            attempt.channel.close();
        } catch (IOException ignored) {
            // the outcome is counted
        }
    }

    /** Closes every connection (sessions end without a close frame, as a crashed client's would). */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        if (thread != null) {
            thread.join(10_000);
        }
        synchronized (this) {
            for (Attempt attempt : attempts) {
                try {
                    attempt.channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * {@code port=8080 total=25000 addresses=40 first=2 inflight=1000 timeout=60 hold=20 path=/echo
     * neverread=false}: floods, prints the outcomes once all are answered and again after {@code hold}
     * seconds, then closes everything.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new TreeMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv[1]);
        }
        int port = Integer.parseInt(a.getOrDefault("port", "8080"));
        Options options = new Options(port, a.getOrDefault("path", "/echo"), Integer.parseInt(a.getOrDefault("total", "1000")),
                loopback(Integer.parseInt(a.getOrDefault("first", "2")), Integer.parseInt(a.getOrDefault("addresses", "4"))),
                Integer.parseInt(a.getOrDefault("inflight", "1000")), Duration.ofSeconds(Long.parseLong(a.getOrDefault("timeout", "60"))),
                Boolean.parseBoolean(a.getOrDefault("neverread", "false")));
        long start = System.nanoTime();
        EchoProbe canary = a.containsKey("canary") ? EchoProbe.start(port, Duration.ofMillis(100)) : null;
        try (ConnectionFlood flood = start(options)) {
            boolean done = flood.awaitAnswered(Duration.ofSeconds(Long.parseLong(a.getOrDefault("max", "600"))));
            System.out.printf("flood answered=%s after %d ms: %s, slowest answer %d ms%n", done,
                    (System.nanoTime() - start) / 1_000_000, flood.outcomes(), flood.slowestAnswerMillis());
            Thread.sleep(Long.parseLong(a.getOrDefault("hold", "10")) * 1000);
            System.out.printf("flood after hold: %s%n", flood.outcomes());
        } finally {
            if (canary != null) {
                System.out.println("canary: " + canary.stop());
            }
        }
    }
}
