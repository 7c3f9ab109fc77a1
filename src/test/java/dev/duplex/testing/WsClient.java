package dev.duplex.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket test client on the JDK's own {@link WebSocket}: whole messages land in a queue
 * (text as {@link String}, binary as {@code byte[]}), the close frame in a future. Tests poll with
 * timeouts; nothing is asserted on the client's threads.
 */
public final class WsClient implements AutoCloseable {

    /** The close frame the server sent. */
    public record Closed(int code, String reason) {
    }

    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private WsClient(URI uri, Map<String, String> headers, String... subprotocols) throws Exception {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        try {
            this.socket = builder.buildAsync(uri, new Collector()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new ExecutionException("handshake for " + uri + " refused: " + answer(refused.getResponse()), refused);
            }
            throw e;
        }
    }

    /** What the server answered a handshake it did not accept: status, headers and body. */
    private static String answer(HttpResponse<?> response) {
        Object body = response.body();
        String text = body instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(body);
        return "HTTP " + response.statusCode() + " " + response.headers().map() + " " + text;
    }

    public static WsClient connect(URI uri, String... subprotocols) throws Exception {
        return new WsClient(uri, Map.of(), subprotocols);
    }

    public static WsClient connect(URI uri, Map<String, String> headers, String... subprotocols) throws Exception {
        return new WsClient(uri, headers, subprotocols);
    }

    /** The subprotocol the server selected, "" for none. */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void sendText(String text) throws Exception {
        socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Sends one part of a fragmented text message. */
    public void sendTextPart(String text, boolean last) throws Exception {
        socket.sendText(text, last).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    public void sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Sends one part of a fragmented binary message. */
    public void sendBinaryPart(byte[] bytes, boolean last) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), last).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The next whole message, or null when none came within the timeout. */
    public Object next() throws InterruptedException {
        return messages.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    public String nextText() throws InterruptedException {
        Object message = next();
        if (message == null || message instanceof String) {
            return (String) message;
        }
        throw new AssertionError("expected a text message, got " + ((byte[]) message).length + " bytes");
    }

    public byte[] nextBinary() throws InterruptedException {
        Object message = next();
        if (message == null || message instanceof byte[]) {
            return (byte[]) message;
        }
        throw new AssertionError("expected a binary message, got text: " + message);
    }

    /** The server's close frame; fails when none arrives within the timeout. */
    public Closed awaitClose() throws InterruptedException, ExecutionException, TimeoutException {
        return closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public void sendClose(int code, String reason) throws Exception {
        socket.sendClose(code, reason).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "test done");
        }
        socket.abort();
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
