package dev.duplex.bench.image;

import dev.duplex.bench.Measurement;
import dev.duplex.bench.Options;
import dev.duplex.bench.Result;
import dev.duplex.bench.Target;
import dev.duplex.bench.Timeline;
import dev.duplex.bench.Units;
import dev.duplex.bench.UsageException;
import dev.duplex.bench.net.Conn;
import dev.duplex.bench.net.Connector;
import dev.duplex.bench.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * {@code image}: round trips on {@code /image}. Each connection sends a synthetic picture as one
 * binary message and waits for the answer, which is one text JSON message describing the result
 * and one binary message with the resulting image (in either order), or one JSON error message.
 * The operation is chosen at connect with query parameters ({@code ?op=grayscale&radius=3}).
 * With checking on (the default), the returned image must decode, keep its size for operations
 * that keep it, be byte-identical for {@code echo} and gray (r = g = b on sampled pixels) for
 * {@code grayscale}.
 */
public final class ImageScenario {

    /** Everything an image run needs to know. */
    public record Settings(Target target, String op, List<String> params, int width, int height, String format,
            int connections, Duration warmup, Duration duration, Duration drain, long maxMessages, int threads,
            boolean check, long serverPid) {
    }

    private static final List<String> SIZE_KEEPING = List.of("echo", "reencode", "grayscale", "invert", "sepia",
            "blur", "sharpen", "edges", "threshold", "pixelate");

    private ImageScenario() {
    }

    public static Settings settings(Options options) {
        Target base = Target.parse(options.required("url"), options.flag("allow-remote"));
        if (base.raw()) {
            throw new UsageException("image needs a ws:// or wss:// URL");
        }
        String op = options.string("op", "grayscale");
        List<String> params = options.list("param");
        for (String param : params) {
            if (!param.contains("=")) {
                throw new UsageException("--param needs name=value, not '" + param + "'");
            }
        }
        StringBuilder query = new StringBuilder("op=").append(URLEncoder.encode(op, StandardCharsets.UTF_8));
        for (String param : params) {
            int eq = param.indexOf('=');
            query.append('&').append(URLEncoder.encode(param.substring(0, eq), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(param.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return new Settings(base.withQuery(query.toString()), op, params,
                (int) options.integer("width", 1920, 1, 16_384),
                (int) options.integer("height", 1080, 1, 16_384),
                options.choice("format", "png", "png", "jpeg"),
                (int) options.integer("connections", 1, 1, 1_000),
                options.duration("warmup", Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(10)),
                options.duration("duration", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofHours(1)),
                options.duration("drain", Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(5)),
                options.integer("max-messages", 0, 0, Long.MAX_VALUE),
                (int) options.integer("threads", Runtime.getRuntime().availableProcessors(), 1, 256),
                !options.flag("no-check"),
                options.integer("server-pid", 0, 0, Long.MAX_VALUE));
    }

    public static Result run(Settings s, PrintStream progress) throws InterruptedException {
        byte[] image = TestImages.encoded(s.width(), s.height(), s.format());
        progress.printf(Locale.ROOT, "image: %dx%d %s, %s%n", s.width(), s.height(), s.format(), Units.bytes(image.length));
        Measurement m = new Measurement();
        List<RoundTrip> trips = new ArrayList<>();
        for (int i = 0; i < s.connections(); i++) {
            trips.add(new RoundTrip(s, m, image));
        }
        try (Transport transport = new Transport(s.threads())) {
            Connector.Spec spec = new Connector.Spec(s.target(), null, 256 << 20, 0);
            List<Conn> conns = Connector.openAll(transport, s.connections(), 16, i -> spec, trips::get, m, 60_000);
            List<RoundTrip> live = new ArrayList<>();
            for (int i = 0; i < conns.size(); i++) {
                if (conns.get(i) != null) {
                    trips.get(i).conn = conns.get(i);
                    live.add(trips.get(i));
                }
            }
            Timeline.Window w = live.isEmpty() ? new Timeline.Window(0, Double.NaN, Double.NaN, true)
                    : new Timeline(m, progress, s.serverPid()).run(
                            () -> live.forEach(t -> t.conn.eventLoop().execute(t::next)),
                            transport::quiesce, s.warmup(), s.duration(), s.drain(), s.maxMessages(),
                            () -> live.stream().filter(t -> t.busy).count());
            long lost = live.stream().filter(t -> t.busy).count();
            Connector.closeAll(conns, 2_000);
            long trips2 = m.windowMessages();
            double rate = w.seconds() > 0 ? trips2 / w.seconds() : 0;
            Result r = new Result(String.format(Locale.ROOT, "image %s: %d connections, %dx%d %s (%s) op %s, %s after %s warm-up",
                    s.target(), s.connections(), s.width(), s.height(), s.format(), Units.bytes(image.length), s.op(),
                    Units.duration(s.duration()), Units.duration(s.warmup())))
                    .put("scenario", "image")
                    .put("url", s.target().toString())
                    .put("op", s.op())
                    .put("width", s.width())
                    .put("height", s.height())
                    .put("format", s.format())
                    .put("image_bytes", image.length)
                    .put("connections", s.connections())
                    .put("open_connections", live.size())
                    .put("duration_s", w.seconds())
                    .put("messages", trips2)
                    .put("msgs_per_s", rate)
                    .put("mb_per_s", w.seconds() > 0 ? m.windowBytes() / w.seconds() / 1e6 : 0.0)
                    .put("sent", m.sentCount())
                    .put("received", m.receivedCount())
                    .put("lost", lost)
                    .put("mismatches", m.mismatches())
                    .put("errors", m.errors())
                    .put("server_cpu_s", w.serverCpuSeconds())
                    .put("client_cpu_s", w.clientCpuSeconds())
                    .latency("Round trip", m.histogram());
            r.note(String.format(Locale.ROOT, "%d round trips in %.2fs: %.2f/s", trips2, w.seconds(), rate));
            r.note(String.format(Locale.ROOT, "lost %d, bad images %d, errors %d", lost, m.mismatches(), m.errors()));
            m.errorKinds().forEach((kind, count) -> r.note("  " + count + " x " + kind));
            return r;
        }
    }

    /** One connection's request loop: one image in flight at a time. */
    static final class RoundTrip implements Conn.Listener {

        private final Settings s;
        private final Measurement m;
        private final byte[] image;
        volatile Conn conn;
        volatile boolean busy;
        private long sentAt;
        private boolean gotText;
        private boolean gotImage;
        private long imageBytes;

        RoundTrip(Settings s, Measurement m, byte[] image) {
            this.s = s;
            this.m = m;
            this.image = image;
        }

        void next() {
            if (!m.sending() || !conn.isOpen()) {
                return;
            }
            gotText = false;
            gotImage = false;
            busy = true;
            sentAt = System.nanoTime();
            conn.send(true, Unpooled.wrappedBuffer(image), true);
            m.sent();
        }

        @Override
        public void onMessage(Conn c, boolean binary, ByteBuf data, long at) {
            if (!busy) {
                m.error("unexpected " + (binary ? "binary" : "text") + " message");
                return;
            }
            if (binary) {
                gotImage = true;
                imageBytes = data.readableBytes();
                if (s.check() && !imageOk(data)) {
                    m.mismatch();
                }
            } else {
                gotText = true;
                String error = errorOf(data);
                if (error != null) {
                    m.error("server: " + error);
                    gotImage = true;
                }
            }
            if (gotText && gotImage) {
                busy = false;
                m.received(at, imageBytes);
                m.latency(sentAt, at);
                next();
            }
        }

        private boolean imageOk(ByteBuf data) {
            if ("echo".equals(s.op())) {
                return ByteBufUtil.equals(data, Unpooled.wrappedBuffer(image));
            }
            try {
                BufferedImage decoded = ImageIO.read(new ByteBufInputStream(data.duplicate()));
                if (decoded == null) {
                    return false;
                }
                boolean sizeOk = !SIZE_KEEPING.contains(s.op())
                        || decoded.getWidth() == s.width() && decoded.getHeight() == s.height();
                return sizeOk && (!"grayscale".equals(s.op()) || gray(decoded));
            } catch (IOException e) {
                return false;
            }
        }

        /** Whether a grid of 100 sample pixels all have red = green = blue. */
        static boolean gray(BufferedImage image) {
            for (int i = 0; i < 10; i++) {
                for (int j = 0; j < 10; j++) {
                    int rgb = image.getRGB(image.getWidth() * i / 10, image.getHeight() * j / 10);
                    int r = (rgb >> 16) & 0xff;
                    int g = (rgb >> 8) & 0xff;
                    int b = rgb & 0xff;
                    if (r != g || g != b) {
                        return false;
                    }
                }
            }
            return true;
        }

        @Override
        public void onClosed(Conn c, int code, String reason) {
            if (!m.done() && !c.closedByUs()) {
                m.error("closed by the server: " + code + " " + reason);
            }
        }

        @Override
        public void onError(Conn c, Throwable failure) {
            m.error(Connector.describe(failure));
        }
    }

    /** The error a result message reports ({@code "type":"error"} or an {@code error} member), or null. */
    static String errorOf(ByteBuf text) {
        try (JsonReader reader = Json.createReader(new ByteBufInputStream(text.duplicate()))) {
            JsonObject json = reader.readObject();
            boolean isError = "error".equals(json.getString("type", ""))
                    || json.containsKey("error") && json.get("error").getValueType() != JsonValue.ValueType.NULL
                    && json.get("error").getValueType() != JsonValue.ValueType.FALSE;
            if (!isError) {
                return null;
            }
            for (String key : List.of("message", "error", "code")) {
                if (json.get(key) instanceof JsonString str) {
                    return str.getString();
                }
            }
            return json.toString();
        } catch (JsonException | ClassCastException e) {
            String shown = text.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
            return "not a JSON object: " + shown.substring(0, Math.min(80, shown.length()));
        }
    }
}
