package dev.duplex.bench.flood;

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
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * Many WebSocket handshakes at once from several source addresses, on one selector thread, as the
 * connection-flood attack makes them. Every attempt ends in exactly one outcome:
 * <ul>
 * <li>{@code open}: 101, and the session is still open (it answers the server's pings);</li>
 * <li>{@code close <code>}: 101, then the server closed the session (1013 when it was full);</li>
 * <li>{@code http <status>}: refused before the upgrade ({@code http 503 retry-after} when the 503
 *     carried {@code Retry-After});</li>
 * <li>{@code timeout}: no answer within the answer timeout;</li>
 * <li>{@code eof}: the server closed the connection without an answer;</li>
 * <li>{@code dropped after open}: 101, then the connection ended without a close frame;</li>
 * <li>{@code connect failed}: the TCP connect failed (or the client ran out of descriptors);</li>
 * <li>{@code sent}: with {@link Plan#neverRead}, the handshake was written and the connection is
 *     kept without reading anything, as the half-open-upgrade attack does.</li>
 * </ul>
 * Attempts not begun when the flood was stopped are not counted. Not thread-safe except where
 * stated: one thread runs it, others read {@link #outcomes()} and friends. The bench tool's
 * {@code flood} command and the connection-flood integration tests both use it.
 */
public final class HandshakeFlood implements AutoCloseable {

    /** What to do; {@code neverRead}: write each handshake and never read the answer. */
    public record Plan(InetSocketAddress server, String host, String path, int total, List<InetAddress> sources,
            int maxInFlight, Duration answerTimeout, boolean neverRead) {

        /** A plan whose clients read every answer. */
        public Plan(InetSocketAddress server, String host, String path, int total, List<InetAddress> sources,
                int maxInFlight, Duration answerTimeout) {
            this(server, host, path, total, sources, maxInFlight, answerTimeout, false);
        }
    }

    private static final int HEAD_LIMIT = 8192;

    private final Plan plan;
    private final Selector selector;
    private final List<Attempt> attempts = new ArrayList<>();
    private final Map<String, Integer> outcomes = new TreeMap<>();
    /** Microseconds from the start of a connect to the server's answer (101 or a refusal). */
    private final Histogram answers = new Histogram(3_600_000_000L, 3);
    private final AtomicBoolean stop = new AtomicBoolean();
    private Thread thread;
    private volatile long finishedAt;
    private int begun;
    private int inFlight;
    private int open;
    private int peakOpen;
    private boolean stopBeginning;

    private HandshakeFlood(Plan plan) throws IOException {
        this.plan = plan;
        this.selector = Selector.open();
    }

    /** Starts the flood on its own thread. */
    public static HandshakeFlood start(Plan plan) throws IOException {
        HandshakeFlood flood = new HandshakeFlood(plan);
        flood.thread = new Thread(flood::run, "handshake-flood");
        flood.thread.setDaemon(true);
        flood.thread.start();
        return flood;
    }

    /** Waits until every attempt has an outcome (open sessions stay open); false on timeout. Any thread. */
    boolean awaitAnswered(long deadlineNanos) throws InterruptedException {
        while (finishedAt == 0 && System.nanoTime() < deadlineNanos) {
            Thread.sleep(50);
        }
        return finishedAt != 0;
    }

    /** {@link #awaitAnswered(long)} for at most {@code timeout}. Any thread. */
    public boolean awaitAnswered(Duration timeout) throws InterruptedException {
        return awaitAnswered(System.nanoTime() + timeout.toNanos());
    }

    /** Outcome counts by kind; sessions open now count as {@code open}. Any thread. */
    public synchronized Map<String, Integer> outcomes() {
        Map<String, Integer> copy = new TreeMap<>(outcomes);
        if (open > 0) {
            copy.put("open", open);
        }
        return copy;
    }

    /** Handshakes sent so far, answered or not. Any thread. */
    synchronized int begun() {
        return begun;
    }

    /** Handshakes waiting for their answer now. Any thread. */
    synchronized int inFlight() {
        return inFlight;
    }

    /** Sessions open now, and the most that were open at once. Any thread. */
    public synchronized int open() {
        return open;
    }

    synchronized int peakOpen() {
        return peakOpen;
    }

    /** The longest time an attempt waited for the server's answer, in milliseconds. Any thread. */
    public synchronized long slowestAnswerMillis() {
        return answers.getMaxValue() / 1_000;
    }

    /** A copy of the answer-time histogram (µs). Any thread. */
    synchronized Histogram answers() {
        return answers.copy();
    }

    /** Stops beginning new attempts; those in flight still get their outcome. Any thread. */
    synchronized void stopBeginning() {
        stopBeginning = true;
    }

    private void run() {
        int next = 0;
        try {
            while (!stop.get()) {
                long now = System.nanoTime();
                synchronized (this) {
                    while (!stopBeginning && next < plan.total() && inFlight < plan.maxInFlight()) {
                        begin(next++, now);
                    }
                }
                selector.select(20);
                now = System.nanoTime();
                synchronized (this) {
                    for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext();) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        handle((Attempt) key.attachment(), key, now);
                    }
                    long timeout = plan.answerTimeout().toNanos();
                    for (Attempt attempt : attempts) {
                        if (attempt.state == State.WAITING && now - attempt.startedAt > timeout) {
                            end(attempt, "timeout");
                        }
                    }
                    if ((next == plan.total() || stopBeginning) && inFlight == 0 && finishedAt == 0) {
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

    private static final class Attempt {
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
        begun++;
        inFlight++;
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.bind(new InetSocketAddress(plan.sources().get(index % plan.sources().size()), 0));
            channel.configureBlocking(false);
            Attempt attempt = new Attempt(channel, now);
            attempts.add(attempt);
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            attempt.out = ByteBuffer.wrap(("GET " + plan.path() + " HTTP/1.1\r\nHost: " + plan.host()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            if (channel.connect(plan.server())) {
                connected(attempt, channel.register(selector, 0, attempt));
            } else {
                channel.register(selector, SelectionKey.OP_CONNECT, attempt);
            }
        } catch (IOException e) {
            inFlight--;
            outcomes.merge("connect failed", 1, Integer::sum);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException closing) {
                    outcomes.merge("client close failed", 1, Integer::sum);
                }
            }
        }
    }

    private void connected(Attempt attempt, SelectionKey key) throws IOException {
        attempt.channel.write(attempt.out);
        if (attempt.out.hasRemaining()) {
            throw new IOException("handshake not written at once");
        }
        if (plan.neverRead()) {
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
            if (!key.isValid()) {
                return;
            }
            if (key.isConnectable()) {
                attempt.channel.finishConnect();
                connected(attempt, key);
                return;
            }
            if (!key.isReadable()) {
                return;
            }
            int read = attempt.channel.read(attempt.in);
            if (read < 0) {
                end(attempt, attempt.state == State.OPEN ? "dropped after open" : "eof");
                return;
            }
            if (attempt.state == State.WAITING) {
                answer(attempt, now);
            }
            if (attempt.state == State.OPEN) {
                frames(attempt);
            }
        } catch (IOException e) {
            end(attempt, attempt.state == State.OPEN ? "dropped after open"
                    : attempt.startedAt == now ? "connect failed" : connectOrReset(attempt, e));
        }
    }

    /** A failed connect, or a reset of a connected socket before the answer. */
    private static String connectOrReset(Attempt attempt, IOException e) {
        return attempt.channel.isConnected() ? "reset" : "connect failed";
    }

    private void answer(Attempt attempt, long now) {
        String head = new String(attempt.in.array(), 0, attempt.in.position(), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        if (end < 0) {
            if (!attempt.in.hasRemaining()) {
                end(attempt, "bad answer");
            }
            return;
        }
        answers.recordValue(Math.max(1, Math.min(answers.getHighestTrackableValue(), (now - attempt.startedAt) / 1_000)));
        String[] status = head.substring(0, head.indexOf("\r\n")).split(" ");
        int code;
        try {
            code = status.length > 1 ? Integer.parseInt(status[1]) : 0;
        } catch (NumberFormatException e) {
            code = 0;
        }
        if (code != 101) {
            boolean retryAfter = head.toLowerCase(Locale.ROOT).contains("\r\nretry-after:");
            end(attempt, "http " + code + (code == 503 && retryAfter ? " retry-after" : ""));
            return;
        }
        attempt.in.limit(attempt.in.position()).position(end + 4);
        attempt.in.compact();
        attempt.state = State.OPEN;
        inFlight--;
        open++;
        peakOpen = Math.max(peakOpen, open);
    }

    /** Reads the server's frames: answers pings, ends on a close frame. */
    private void frames(Attempt attempt) throws IOException {
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
            } else if (length == 127 || length > HEAD_LIMIT - 10) {
                in.reset();
                in.compact();
                end(attempt, "unexpected large frame");
                return;
            }
            if (in.remaining() < length) {
                in.reset();
                break;
            }
            byte[] payload = new byte[length];
            in.get(payload);
            int opcode = b0 & 0x0f;
            if (opcode == 0x8) {
                int code = length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                in.compact();
                end(attempt, "close " + code);
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

    private void end(Attempt attempt, String outcome) {
        if (attempt.state == State.DONE) {
            return;
        }
        if (attempt.state == State.WAITING) {
            inFlight--;
        } else {
            open--;
        }
        attempt.state = State.DONE;
        outcomes.merge(outcome, 1, Integer::sum);
        try {
            attempt.channel.close();
        } catch (IOException e) {
            outcomes.merge("client close failed", 1, Integer::sum);
        }
    }

    /**
     * Ends every open session with a close frame (1000) and then the socket, as a client that
     * leaves; attempts still waiting are abandoned. Stops the flood's thread first.
     */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        if (thread != null) {
            thread.join(10_000);
        }
        ByteBuffer close = ByteBuffer.wrap(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8});
        synchronized (this) {
            for (Attempt attempt : attempts) {
                try {
                    if (attempt.state == State.OPEN) {
                        attempt.channel.write(close.duplicate());
                    }
                    attempt.channel.close();
                } catch (IOException e) {
                    // the socket is going anyway; the server's side is what the run measures
                }
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to measure on the client's side
        }
    }

    /** Source addresses {@code 127.0.0.first} onwards (loopback). */
    public static List<InetAddress> loopbackSources(int first, int count) throws IOException {
        if (first < 1 || first + count - 1 > 254) {
            throw new IllegalArgumentException("loopback sources are 127.0.0.1 to 127.0.0.254, not " + first + " + " + count);
        }
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sources.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (first + i)}));
        }
        return sources;
    }
}
