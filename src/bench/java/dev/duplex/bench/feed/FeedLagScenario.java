package dev.duplex.bench.feed;

import dev.duplex.bench.Options;
import dev.duplex.bench.Result;
import dev.duplex.bench.Target;
import dev.duplex.bench.Units;
import dev.duplex.bench.UsageException;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * {@code duplex-bench feed-lag}: throttled readers of a whole topic (issue 19). Each reader is one
 * plain blocking socket that takes at most its rate of bytes per second off the connection (a
 * reader at 20 KB/s, one at 200 KB/s...; rate 0 subscribes and then reads nothing), decodes every
 * message and, unless {@code --no-ack}, acknowledges it ({@code {"type":"ack","messages":n}}).
 * Measured per reader, after the warm-up: the <b>arrival age</b> of every update (its receipt
 * time minus its {@code ts}, same host so the same clock), the <b>displayed age</b> of every item
 * sampled every 250 ms (now minus the {@code ts} of the value the reader holds: what a screen would
 * show), the updates and the conflated count, the pings answered, and how the connection ended
 * (close code and reason, or 1006 without a close frame). A reader that reads nothing reads
 * whatever is left after the run, to see whether a close frame reached it before the connection
 * went.
 */
public final class FeedLagScenario {

    /** The options, parsed. */
    public record Settings(Target target, String subprotocol, String topic, List<Long> rates, boolean ack,
            Duration duration, Duration warmup) {
    }

    private FeedLagScenario() {
    }

    public static Settings settings(Options o) {
        Target target = Target.parse(o.required("url"), o.flag("allow-remote"));
        String subprotocol = o.choice("subprotocol", "feed.json", "feed.json", "feed.bin");
        String topic = o.string("topic", "stocks");
        List<Long> rates = new ArrayList<>();
        for (String rate : o.list("read-rates")) {
            rates.add(rate(rate));
        }
        if (rates.isEmpty()) {
            rates = List.of(20_000L, 200_000L);
        }
        boolean ack = !o.flag("no-ack");
        Duration duration = o.duration("duration", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(1));
        Duration warmup = o.duration("warmup", Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(10));
        if (target.raw() || target.tls()) {
            throw new UsageException("--url must be ws://HOST:PORT/feed");
        }
        return new Settings(target, subprotocol, topic, rates, ack, duration, warmup);
    }

    /** A read rate in bytes per second: 20000, 20KB (10^3), 20KiB (2^10); 0 reads nothing. */
    static long rate(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(kb|kib|mb|mib|k)?").matcher(value.trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException("--read-rates takes bytes per second like 20KB,200KB,0, not '" + value + "'");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return amount * switch (unit) {
            case "kb", "k" -> 1_000L;
            case "kib" -> 1_024L;
            case "mb" -> 1_000_000L;
            case "mib" -> 1L << 20;
            default -> 1L;
        };
    }

    public static Result run(Settings s, PrintStream progress) throws InterruptedException {
        List<Reader> readers = new ArrayList<>();
        for (long rate : s.rates()) {
            readers.add(new Reader(s, rate));
        }
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (Reader reader : readers) {
            Thread thread = new Thread(() -> reader.run(start), "feed-lag-" + reader.rate);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        long end = start + s.duration().toNanos();
        long measureFrom = start + s.warmup().toNanos();
        while (System.nanoTime() - end < 0) {
            TimeUnit.MILLISECONDS.sleep(250);
            if (System.nanoTime() - measureFrom > 0) {
                long now = nowMicros();
                for (Reader reader : readers) {
                    reader.sample(now);
                }
            }
        }
        for (Reader reader : readers) {
            reader.stop();
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        Result result = new Result(String.format("feed-lag %s %s, topic %s, %s, %s", s.target().uri(), s.subprotocol(),
                s.topic(), s.ack() ? "acknowledging" : "not acknowledging", Units.duration(s.duration())));
        for (Reader reader : readers) {
            reader.report(result);
        }
        return result;
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** One throttled reader on its own thread. */
    private static final class Reader implements FeedSink {

        final Settings s;
        final long rate;
        final Map<String, Long> displayed = new ConcurrentHashMap<>();
        final Histogram arrival = new Histogram(3_600_000_000L, 3);
        final Histogram shown = new Histogram(3_600_000_000L, 3);
        final AtomicLong updates = new AtomicLong();
        final AtomicLong conflated = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        volatile long measureFrom;
        volatile boolean stopping;
        volatile int closeCode;
        volatile String closeReason = "";
        volatile double closedAfterSeconds = -1;
        volatile long pings;
        volatile String failure;
        long messages;
        boolean inSnapshot;
        Socket socket;

        Reader(Settings s, long rate) {
            this.s = s;
            this.rate = rate;
        }

        void run(long start) {
            measureFrom = start + s.warmup().toNanos();
            try (Socket sock = new Socket()) {
                socket = sock;
                sock.connect(new InetSocketAddress(s.target().host(), s.target().port()), 10_000);
                OutputStream out = sock.getOutputStream();
                DataInputStream in = new DataInputStream(new BufferedInputStream(new Throttled(sock.getInputStream(), rate == 0 ? 0 : rate), 4096));
                handshake(in, out);
                JsonFeedReader json = new JsonFeedReader();
                BinaryFeedReader binary = new BinaryFeedReader();
                boolean subscribed = false;
                while (true) {
                    if (rate == 0 && subscribed) {
                        // reads nothing until the run ends, then looks what is left on the connection
                        while (!stopping) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                        }
                        readRest(in, start);
                        return;
                    }
                    int first = in.readUnsignedByte();
                    int second = in.readUnsignedByte();
                    int opcode = first & 0x0f;
                    long length = second & 0x7f;
                    if (length == 126) {
                        length = in.readUnsignedShort();
                    } else if (length == 127) {
                        length = in.readLong();
                    }
                    byte[] payload = new byte[(int) length];
                    in.readFully(payload);
                    bytes.addAndGet(2 + length);
                    if (opcode == 0x8) {
                        closed(payload, start);
                        return;
                    }
                    if (opcode == 0x9) {
                        pings++;
                        send(out, 0xA, payload);
                        continue;
                    }
                    if (opcode == 0xA) {
                        continue;
                    }
                    if ((first & 0x80) == 0) {
                        throw new IOException("fragmented messages are not expected from the feed");
                    }
                    messages++;
                    if (opcode == 0x1) {
                        json.read(payload, payload.length, this);
                    } else {
                        binary.read(Unpooled.wrappedBuffer(payload), this);
                    }
                    if (!subscribed) {
                        subscribed = true;
                        send(out, 0x1, ("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"" + s.topic() + "\"}").getBytes(StandardCharsets.UTF_8));
                    }
                    if (s.ack()) {
                        send(out, 0x1, ("{\"type\":\"ack\",\"messages\":" + messages + "}").getBytes(StandardCharsets.UTF_8));
                    }
                    if (stopping) {
                        return;
                    }
                }
            } catch (EOFException e) {
                if (!stopping) {
                    closeCode = 1006;
                    closedAfterSeconds = (System.nanoTime() - start) / 1e9;
                }
            } catch (IOException e) {
                if (!stopping) {
                    closeCode = 1006;
                    closedAfterSeconds = (System.nanoTime() - start) / 1e9;
                    failure = e.toString();
                }
            }
        }

        /** After the run: reads what the server left for a reader that read nothing, as fast as it comes. */
        private void readRest(DataInputStream in, long start) {
            try {
                socket.setSoTimeout(5_000);
                while (true) {
                    int first = in.readUnsignedByte();
                    int second = in.readUnsignedByte();
                    long length = second & 0x7f;
                    if (length == 126) {
                        length = in.readUnsignedShort();
                    } else if (length == 127) {
                        length = in.readLong();
                    }
                    byte[] payload = new byte[(int) length];
                    in.readFully(payload);
                    bytes.addAndGet(2 + length);
                    if ((first & 0x0f) == 0x8) {
                        closed(payload, start);
                        closedAfterSeconds = -2; // known only as "before the run ended"
                        return;
                    }
                }
            } catch (IOException e) {
                closeCode = 1006;
                closeReason = e instanceof java.net.SocketTimeoutException ? "(still open, no close frame)" : "(" + e + ")";
            }
        }

        private void closed(byte[] payload, long start) {
            closeCode = payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : 1005;
            closeReason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
            closedAfterSeconds = (System.nanoTime() - start) / 1e9;
        }

        private void handshake(DataInputStream in, OutputStream out) throws IOException {
            byte[] nonce = new byte[16];
            new SecureRandom().nextBytes(nonce);
            String request = "GET " + s.target().pathAndQuery() + " HTTP/1.1\r\nHost: " + s.target().host() + ":" + s.target().port()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Protocol: " + s.subprotocol()
                    + "\r\n\r\n"; // no Origin: not a browser (and a proxy's port is not the server's)
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.readUnsignedByte());
                if (head.length() > 16384) {
                    throw new IOException("handshake answer too long");
                }
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new IOException("handshake refused: " + head.toString().lines().findFirst().orElse(""));
            }
        }

        private void send(OutputStream out, int opcode, byte[] payload) throws IOException {
            byte[] mask = new byte[4];
            java.util.concurrent.ThreadLocalRandom.current().nextBytes(mask);
            int header = payload.length < 126 ? 6 : 8;
            byte[] frame = new byte[header + payload.length];
            frame[0] = (byte) (0x80 | opcode);
            if (payload.length < 126) {
                frame[1] = (byte) (0x80 | payload.length);
            } else {
                frame[1] = (byte) (0x80 | 126);
                frame[2] = (byte) (payload.length >> 8);
                frame[3] = (byte) payload.length;
            }
            System.arraycopy(mask, 0, frame, header - 4, 4);
            for (int i = 0; i < payload.length; i++) {
                frame[header + i] = (byte) (payload[i] ^ mask[i & 3]);
            }
            out.write(frame);
            out.flush();
        }

        void sample(long nowMicros) {
            if (closeCode != 0) {
                return;
            }
            synchronized (shown) {
                for (long ts : displayed.values()) {
                    shown.recordValue(Math.max(0, Math.min(nowMicros - ts, shown.getHighestTrackableValue())));
                }
            }
        }

        void stop() {
            stopping = true;
            if (rate != 0) {
                try {
                    socket.close();
                } catch (IOException | RuntimeException e) {
                    failure = failure == null ? "close: " + e : failure;
                }
            }
        }

        @Override
        public void hello(String protocol) {
        }

        @Override
        public void value(int subscription, String item, long seq, long tsMicros, long merged, Fields fields, boolean snapshot) {
            displayed.put(item, tsMicros);
            if (snapshot) {
                return;
            }
            updates.incrementAndGet();
            conflated.addAndGet(merged);
            if (System.nanoTime() - measureFrom > 0) {
                synchronized (arrival) {
                    arrival.recordValue(Math.max(0, Math.min(nowMicros() - tsMicros, arrival.getHighestTrackableValue())));
                }
            }
        }

        @Override
        public void snapshotEnd(int subscription) {
        }

        @Override
        public void error(String code, int subscription) {
            failure = "error " + code;
        }

        @Override
        public void unreadable(String why) {
            failure = "unreadable: " + why;
        }

        void report(Result result) {
            String p = "r" + (rate == 0 ? "0" : rate / 1000 + "k") + "_";
            result.put(p + "read_rate_bytes", rate)
                    .put(p + "bytes", bytes.get())
                    .put(p + "updates", updates.get())
                    .put(p + "conflated", conflated.get())
                    .put(p + "arrival_age_p50_ms", arrival.getTotalCount() == 0 ? -1 : arrival.getValueAtPercentile(50) / 1000.0)
                    .put(p + "arrival_age_p99_ms", arrival.getTotalCount() == 0 ? -1 : arrival.getValueAtPercentile(99) / 1000.0)
                    .put(p + "arrival_age_max_ms", arrival.getMaxValue() / 1000.0)
                    .put(p + "shown_age_p50_ms", shown.getTotalCount() == 0 ? -1 : shown.getValueAtPercentile(50) / 1000.0)
                    .put(p + "shown_age_p99_ms", shown.getTotalCount() == 0 ? -1 : shown.getValueAtPercentile(99) / 1000.0)
                    .put(p + "pings", pings)
                    .put(p + "close_code", closeCode)
                    .put(p + "close_reason", closeReason)
                    .put(p + "closed_after_s", Units.round(closedAfterSeconds, 1));
            result.note(String.format("reader %s: %d updates, %d conflated, arrival age p50 %.0f ms p99 %.0f ms max %.0f ms, shown age p50 %.0f ms"
                    + " p99 %.0f ms, %d pings, %s%s", rate == 0 ? "reading nothing" : Units.bytes(rate) + "/s", updates.get(), conflated.get(),
                    arrival.getTotalCount() == 0 ? -1.0 : arrival.getValueAtPercentile(50) / 1000.0,
                    arrival.getTotalCount() == 0 ? -1.0 : arrival.getValueAtPercentile(99) / 1000.0, arrival.getMaxValue() / 1000.0,
                    shown.getTotalCount() == 0 ? -1.0 : shown.getValueAtPercentile(50) / 1000.0,
                    shown.getTotalCount() == 0 ? -1.0 : shown.getValueAtPercentile(99) / 1000.0, pings,
                    closeCode == 0 ? "open at the end" : "closed " + closeCode + " " + closeReason
                            + (closedAfterSeconds >= 0 ? String.format(" after %.1f s", closedAfterSeconds) : ""),
                    failure == null ? "" : "; " + failure));
        }
    }

    /**
     * An input stream that hands out at most {@code rate} bytes per second (0: unlimited), in reads
     * of at most 1 KiB, with at most 50 ms of reading saved up while nothing came.
     */
    private static final class Throttled extends InputStream {
        private static final long BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
        private final InputStream in;
        private final long rate;
        /** When the next byte may be read. */
        private long next = System.nanoTime();

        Throttled(InputStream in, long rate) {
            this.in = in;
            this.rate = rate;
        }

        private int allowance(int wanted) {
            if (rate == 0) {
                return wanted;
            }
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            return Math.max(1, Math.min(wanted, 1024));
        }

        private void took(int n) {
            if (rate != 0 && n > 0) {
                next = Math.max(next, System.nanoTime() - BURST_NANOS) + (long) (n * 1e9 / rate);
            }
        }

        @Override
        public int read() throws IOException {
            allowance(1);
            int b = in.read();
            took(b >= 0 ? 1 : 0);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, allowance(len));
            took(n);
            return n;
        }
    }
}
