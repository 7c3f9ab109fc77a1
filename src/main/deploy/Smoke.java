import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * A post-deployment smoke check of one running Duplex, for an operator who deployed the WAR on a
 * server by hand (docs/SERVERS.md): {@code java src/main/deploy/Smoke.java http://127.0.0.1:8080}
 * (Java 17+, no Maven, no dependencies). It checks the pages, {@code /api/status}, {@code /echo}
 * text and binary round trips up to the 16 MiB limit and 1009 above it, a foreign Origin refused
 * with 403, {@code /chat} between two clients, a {@code /feed} snapshot and update, and an
 * {@code /image} round trip; prints PASS/FAIL per check and exits 1 on any failure. The automated
 * five-server matrix is in the test suite; this is not a test of it. Never in the WAR (src/main/deploy
 * is not packaged).
 */
public class Smoke {
    // HTTP/1.1 like a browser: Java's default h2c upgrade attempt hangs Open Liberty's endpoint (docs/SERVERS.md)
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static int failures;

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !args[0].matches("https?://.+")) {
            System.err.println("usage: java src/main/deploy/Smoke.java http://HOST:PORT");
            System.exit(2);
        }
        String base = args[0].replaceAll("/$", "");
        String ws = base.replaceFirst("^http", "ws");
        for (String page : List.of("/", "/index.html", "/workbench.html", "/chat.html", "/image.html", "/live.html", "/status.html", "/favicon.svg")) {
            check("page " + page, () -> {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + page)).build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? null : "HTTP " + r.statusCode();
            });
        }
        check("/api/status", () -> {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/status")).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().startsWith("{") ? null : "HTTP " + r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length()));
        });
        check("/echo text", () -> {
            try (Client c = Client.open(ws + "/echo", "echo")) {
                c.ws.sendText("hello ü 😀", true).join();
                Object got = c.next();
                return "hello ü 😀".equals(got) ? null : "got " + got;
            }
        });
        for (int size : new int[] {1000, 1 << 20, 2 << 20}) {
            check("/echo binary " + size, () -> {
                try (Client c = Client.open(ws + "/echo", null)) {
                    byte[] data = new byte[size];
                    new Random(size).nextBytes(data);
                    c.ws.sendBinary(ByteBuffer.wrap(data), true).join();
                    Object got = c.next();
                    return got instanceof byte[] b && Arrays.equals(b, data) ? null : "got " + describe(got) + (c.closed != null ? " closed " + c.closed : "");
                }
            });
        }
        check("/echo binary 16 MiB", () -> {
            try (Client c = Client.open(ws + "/echo", null)) {
                byte[] data = new byte[16 << 20];
                new Random(16).nextBytes(data);
                c.ws.sendBinary(ByteBuffer.wrap(data), true).join();
                Object got = c.next();
                return got instanceof byte[] b && Arrays.equals(b, data) ? null : "got " + describe(got);
            }
        });
        check("/echo over 16 MiB closes 1009", () -> {
            try (Client c = Client.open(ws + "/echo", null)) {
                c.ws.sendBinary(ByteBuffer.wrap(new byte[(16 << 20) + 1]), true).exceptionally(t -> null).join(); // the server may close before it is all sent
                Object got = c.next();
                return got instanceof String s && s.startsWith("CLOSED 1009") ? null : "got " + describe(got);
            }
        });
        check("foreign Origin refused", () -> {
            try {
                WebSocket w = HTTP.newWebSocketBuilder().header("Origin", "https://evil.example")
                        .buildAsync(URI.create(ws + "/echo"), new Client()).get(20, TimeUnit.SECONDS);
                w.abort();
                return "handshake accepted";
            } catch (java.util.concurrent.ExecutionException e) {
                return e.getCause() instanceof java.net.http.WebSocketHandshakeException h
                        ? (h.getResponse().statusCode() == 403 ? null : "HTTP " + h.getResponse().statusCode()) : e.getCause().toString();
            }
        });
        check("/chat two clients", () -> {
            try (Client a = Client.open(ws + "/chat", "chat"); Client b = Client.open(ws + "/chat", "chat")) {
                a.ws.sendText("{\"type\":\"join\",\"room\":\"smoke\",\"nick\":\"ada\"}", true).join();
                String w = (String) a.next();
                if (!w.contains("\"welcome\"")) return "ada got " + w;
                b.ws.sendText("{\"type\":\"join\",\"room\":\"smoke\",\"nick\":\"bob\"}", true).join();
                String wb = (String) b.next();
                if (!wb.contains("\"welcome\"")) return "bob got " + wb;
                b.ws.sendText("{\"type\":\"say\",\"text\":\"hi ada\"}", true).join();
                for (int i = 0; i < 5; i++) {
                    Object m = a.next();
                    if (m instanceof String s && s.contains("\"message\"") && s.contains("hi ada")) return null;
                }
                return "ada never saw bob's message";
            }
        });
        check("/feed snapshot", () -> {
            try (Client c = Client.open(ws + "/feed", "feed.json")) {
                String hello = (String) c.next();
                if (!hello.contains("\"hello\"")) return "got " + hello;
                c.ws.sendText("{\"type\":\"subscribe\",\"id\":1,\"topic\":\"stocks\"}", true).join();
                String snap = (String) c.next();
                if (!snap.contains("\"snapshot\"") ) return "got " + snap;
                Object up = c.next();
                return up instanceof String s && s.contains("\"updates\"") ? null : "no update: " + describe(up);
            }
        });
        check("/image round trip", () -> {
            try (Client c = Client.open(ws + "/image?op=grayscale", null)) {
                BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
                img.setRGB(3, 4, 0xff0000);
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(img, "png", png);
                c.ws.sendBinary(ByteBuffer.wrap(png.toByteArray()), true).join();
                Object result = c.next();
                if (!(result instanceof String s) || !s.contains("\"result\"")) return "got " + describe(result);
                Object image = c.next();
                if (!(image instanceof byte[] b)) return "no image: " + describe(image);
                BufferedImage back = ImageIO.read(new java.io.ByteArrayInputStream(b));
                return back != null && back.getWidth() == 32 && back.getHeight() == 16 ? null : "bad image back";
            }
        });
        System.out.println(failures == 0 ? "SMOKE OK" : "SMOKE FAILED: " + failures);
        System.exit(failures == 0 ? 0 : 1);
    }

    static String describe(Object o) {
        return o instanceof byte[] b ? b.length + " bytes" : String.valueOf(o);
    }

    interface Check { String run() throws Exception; }

    static void check(String name, Check check) {
        String problem;
        try {
            problem = check.run();
        } catch (Exception e) {
            problem = e.toString();
        }
        if (problem == null) {
            System.out.println("PASS " + name);
        } else {
            failures++;
            System.out.println("FAIL " + name + ": " + problem);
        }
    }

    static final class Client implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        StringBuilder text = new StringBuilder();
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        volatile String closed;
        WebSocket ws;

        static Client open(String uri, String protocol) throws Exception {
            Client c = new Client();
            WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(java.time.Duration.ofSeconds(10));
            if (protocol != null) b.subprotocols(protocol);
            c.ws = b.buildAsync(URI.create(uri), c).get(20, TimeUnit.SECONDS);
            return c;
        }

        Object next() throws InterruptedException {
            Object o = queue.poll(20, TimeUnit.SECONDS);
            if (o == null) throw new IllegalStateException("nothing within 20 s" + (closed != null ? ", closed " + closed : ""));
            return o;
        }

        @Override public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) { queue.add(text.toString()); text = new StringBuilder(); }
            w.request(1);
            return null;
        }

        @Override public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) { queue.add(binary.toByteArray()); binary = new ByteArrayOutputStream(); }
            w.request(1);
            return null;
        }

        @Override public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            closed = code + " " + reason;
            queue.add("CLOSED " + closed);
            return null;
        }

        @Override public void onError(WebSocket w, Throwable error) {
            closed = "error " + error;
            queue.add("ERROR " + error);
        }

        @Override public void close() {
            ws.sendClose(1000, "").exceptionally(t -> null);
        }
    }
}
