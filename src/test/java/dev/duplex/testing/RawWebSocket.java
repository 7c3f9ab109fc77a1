package dev.duplex.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client on a plain socket, frame by frame, for what a well-behaved client library
 * will not do: offer extensions, set reserved bits, send unmasked or malformed frames.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    /** One frame as read from the wire (payload unmasked). */
    public record Frame(boolean fin, boolean rsv1, boolean rsv2, boolean rsv3, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or 1005 when it has none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    /** The server's answer to the handshake. */
    public record Response(int status, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Response response;

    private RawWebSocket(URI uri, Map<String, String> extraHeaders, java.net.InetAddress source) throws IOException {
        socket = new Socket();
        if (source != null) {
            socket.bind(new InetSocketAddress(source, 0));
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
        socket.setSoTimeout((int) WsClient.TIMEOUT.toMillis());
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        StringBuilder request = new StringBuilder()
                .append("GET ").append(uri.getRawPath()).append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        extraHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        response = readResponse(in);
    }

    /** Opens a connection and performs the handshake; check {@link #response()} for its outcome. */
    public static RawWebSocket open(URI uri, Map<String, String> extraHeaders) throws IOException {
        return new RawWebSocket(uri, extraHeaders, null);
    }

    /** As {@link #open(URI, Map)}, from the given source address (e.g. 127.0.0.2: another client to the server). */
    public static RawWebSocket open(URI uri, Map<String, String> extraHeaders, java.net.InetAddress source) throws IOException {
        return new RawWebSocket(uri, extraHeaders, source);
    }

    public Response response() {
        return response;
    }

    /** Sends one frame, masked as a client must, with the given flags. */
    public void send(boolean fin, boolean rsv1, int opcode, byte[] payload) throws IOException {
        sendFrame(fin, rsv1 ? 0x40 : 0, opcode, payload, true);
    }

    /** Sends one frame with full control over the reserved bits ({@code 0x70} mask) and masking. */
    public void sendFrame(boolean fin, int rsvBits, int opcode, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsvBits & 0x70) | (opcode & 0x0f));
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(maskBit | 127);
            long length = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (length >>> shift));
            }
        }
        if (masked) {
            byte[] key = new byte[4];
            RANDOM.nextBytes(key);
            frame.writeBytes(key);
            byte[] masked2 = new byte[payload.length];
            for (int i = 0; i < payload.length; i++) {
                masked2[i] = (byte) (payload[i] ^ key[i & 3]);
            }
            frame.writeBytes(masked2);
        } else {
            frame.writeBytes(payload);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /**
     * Sends the start of a masked frame that declares {@code declaredLength} payload bytes but
     * carries only {@code firstBytes}: a server that refuses a frame from its header answers
     * before the rest would be written. Sending the whole oversized payload instead races the
     * server's close: the write can fail with a broken pipe, and the connection's reset can
     * discard the close frame the server sent.
     */
    public void sendFrameStart(boolean fin, int opcode, long declaredLength, byte[] firstBytes) throws IOException {
        if (firstBytes.length > declaredLength) {
            throw new IllegalArgumentException("more bytes than the frame declares");
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream(firstBytes.length + 14);
        frame.write((fin ? 0x80 : 0) | (opcode & 0x0f));
        frame.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            frame.write((int) (declaredLength >>> shift));
        }
        byte[] key = new byte[4];
        RANDOM.nextBytes(key);
        frame.writeBytes(key);
        for (int i = 0; i < firstBytes.length; i++) {
            frame.write(firstBytes[i] ^ key[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** How long {@link #read()} waits for the next bytes before it fails (default {@link WsClient#TIMEOUT}). */
    public void setReadTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
    }

    /** Shrinks this client's receive buffer, so that a client that does not read pushes back sooner. */
    public void setReceiveBuffer() throws IOException {
        socket.setReceiveBufferSize(16 * 1024);
    }

    /**
     * Shrinks this client's send buffer, so that a control frame written between the fragments of a
     * long message is not queued behind megabytes of them.
     */
    public void setSendBuffer(int bytes) throws IOException {
        socket.setSendBufferSize(bytes);
    }

    /** Writes bytes exactly as given, for malformed input. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next frame; fails on timeout or when the server drops the connection. */
    public Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] key = null;
        if ((b1 & 0x80) != 0) {
            key = new byte[4];
            in.readFully(key);
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        if (key != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        return new Frame((b0 & 0x80) != 0, (b0 & 0x40) != 0, (b0 & 0x20) != 0, (b0 & 0x10) != 0, b0 & 0x0f, payload);
    }

    /**
     * Reads frames until a close frame, skipping others. A connection that ends without one reads
     * as a close frame with code 1006 (abnormal closure), as a browser would report it.
     */
    public Frame readUntilClose() throws IOException {
        try {
            while (true) {
                Frame frame = read();
                if (frame.opcode() == CLOSE) {
                    return frame;
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return new Frame(true, false, false, false, CLOSE, new byte[] {0x03, (byte) 0xEE});
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static Response readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        return new Response(Integer.parseInt(parts[1]), headers);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new EOFException("connection closed in the middle of the HTTP response");
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
