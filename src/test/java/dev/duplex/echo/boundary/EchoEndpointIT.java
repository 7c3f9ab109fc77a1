package dev.duplex.echo.boundary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Deployments;
import dev.duplex.testing.RawWebSocket;
import dev.duplex.testing.WsClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /echo} on a real Payara Micro. */
@ExtendWith(ArquillianExtension.class)
class EchoEndpointIT {

    private static final int MIB = 1024 * 1024;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplexWar();
    }

    @ArquillianResource
    URL base;

    @BeforeEach
    void withTheContextRoot() {
        base = Deployments.base(base);
    }

    private URI echo() {
        return Deployments.websocket(base, "echo");
    }

    @Test
    void textComesBackInOrderAndNothingElseIsSent() throws Exception {
        try (WsClient client = WsClient.connect(echo())) {
            for (int i = 0; i < 100; i++) {
                client.sendText("message " + i + " · ünïcødé 😀");
            }
            client.sendText("marker");
            for (int i = 0; i < 100; i++) {
                assertEquals("message " + i + " · ünïcødé 😀", client.nextText());
            }
            assertEquals("marker", client.nextText(), "nothing but the echoes arrived before the marker");
        }
    }

    @Test
    void binaryComesBackByteIdenticalAtEverySize() throws Exception {
        Random random = new Random(42);
        try (WsClient client = WsClient.connect(echo())) {
            for (int size : new int[] {1, 64 * 1024, 8 * MIB}) {
                byte[] message = new byte[size];
                random.nextBytes(message);
                client.sendBinary(message);
                byte[] reply = client.nextBinary();
                assertEquals(size, reply == null ? -1 : reply.length, "size of the echo");
                assertArrayEquals(message, reply, "echo of " + size + " bytes");
            }
        }
    }

    @Test
    void fragmentedMessagesComeBackWhole() throws Exception {
        try (WsClient client = WsClient.connect(echo())) {
            client.sendTextPart("frag", false);
            client.sendTextPart("ment", false);
            client.sendTextPart("ed 😀", true);
            assertEquals("fragmented 😀", client.nextText());

            byte[] message = new byte[300_000];
            new Random(1).nextBytes(message);
            client.sendBinaryPart(Arrays.copyOfRange(message, 0, 100_000), false);
            client.sendBinaryPart(Arrays.copyOfRange(message, 100_000, 100_001), false);
            client.sendBinaryPart(Arrays.copyOfRange(message, 100_001, 300_000), true);
            assertArrayEquals(message, client.nextBinary());
        }
    }

    /**
     * Each connection has its own endpoint instance (DuplexConfigurator makes one per connection):
     * a message half sent on one connection is not completed, mixed up or lost by whole messages on
     * others in between.
     */
    @Test
    void eachConnectionAssemblesItsOwnFragments() throws Exception {
        try (WsClient first = WsClient.connect(echo()); WsClient second = WsClient.connect(echo())) {
            first.sendTextPart("first ", false);
            second.sendTextPart("second ", false);
            second.sendTextPart("whole", true);
            assertEquals("second whole", second.nextText());
            try (WsClient third = WsClient.connect(echo())) {
                third.sendText("third");
                assertEquals("third", third.nextText());
            }
            first.sendTextPart("whole", true);
            assertEquals("first whole", first.nextText());
        }
    }

    @Test
    void messageOverSixteenMibIsRefusedWith1009() throws Exception {
        try (WsClient client = WsClient.connect(echo())) {
            client.sendBinary(new byte[16 * MIB]);
            assertEquals(16 * MIB, client.nextBinary().length, "exactly 16 MiB is still echoed");
        }
        try (RawWebSocket raw = RawWebSocket.open(echo(), Map.of())) {
            // the read guard refuses the frame from its header, before its payload arrives
            raw.sendFrameStart(true, RawWebSocket.BINARY, 17 * MIB, new byte[4096]);
            RawWebSocket.Frame closed = raw.readUntilClose();
            assertEquals(1009, closed.closeCode());
            assertTrue(closed.closeReason().contains("16777216"), "the reason names the limit: " + closed.closeReason());
        }
        try (RawWebSocket raw = RawWebSocket.open(echo(), Map.of())) {
            raw.send(false, false, RawWebSocket.TEXT, "x".repeat(9 * MIB).getBytes(StandardCharsets.UTF_8));
            try {
                raw.send(true, false, RawWebSocket.CONTINUATION, "y".repeat(9 * MIB).getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException refusedMidSend) {
                // the total is counted as the payload arrives, so the close can come while the rest is being written
            }
            assertEquals(1009, raw.readUntilClose().closeCode(), "a fragmented message is counted whole");
        }
    }

    @Test
    void echoSubprotocolIsSelectedOnlyWhenOffered() throws Exception {
        try (WsClient client = WsClient.connect(echo(), "echo")) {
            assertEquals("echo", client.subprotocol());
            client.sendText("with protocol");
            assertEquals("with protocol", client.nextText());
        }
        try (WsClient client = WsClient.connect(echo(), "chat", "echo")) {
            assertEquals("echo", client.subprotocol());
        }
        try (WsClient client = WsClient.connect(echo())) {
            assertEquals("", client.subprotocol());
        }
    }

    @Test
    void permessageDeflateIsNegotiatedAndCompressedMessagesEcho() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(echo(), Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"))) {
            assertEquals(101, raw.response().status());
            String extensions = raw.response().header("Sec-WebSocket-Extensions");
            assertTrue(extensions != null && extensions.startsWith("permessage-deflate"), "negotiated: " + extensions);

            String text = "compress me, compress me, compress me, compress me!";
            raw.send(true, true, RawWebSocket.TEXT, deflate(text.getBytes(StandardCharsets.UTF_8)));
            RawWebSocket.Frame reply = raw.read();
            assertEquals(RawWebSocket.TEXT, reply.opcode());
            byte[] payload = reply.rsv1() ? inflate(reply.payload()) : reply.payload();
            assertEquals(text, new String(payload, StandardCharsets.UTF_8));
        }
        try (RawWebSocket raw = RawWebSocket.open(echo(), Map.of())) {
            assertEquals(101, raw.response().status());
            assertEquals(null, raw.response().header("Sec-WebSocket-Extensions"), "nothing negotiated unless offered");
        }
    }

    @Test
    void pagesFromForeignOriginsAreRefusedWith403() throws Exception {
        try (WsClient client = WsClient.connect(echo(), Map.of("Origin", Deployments.origin(base)))) {
            client.sendText("same origin");
            assertEquals("same origin", client.nextText());
        }
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> WsClient.connect(echo(), Map.of("Origin", "http://evil.example")));
        Throwable cause = refused.getCause() instanceof CompletionException ? refused.getCause().getCause() : refused.getCause();
        assertTrue(cause instanceof WebSocketHandshakeException, "handshake refused: " + cause);
        assertEquals(403, ((WebSocketHandshakeException) cause).getResponse().statusCode());
        try (RawWebSocket raw = RawWebSocket.open(echo(), Map.of("Origin", "http://evil.example"))) {
            assertEquals(403, raw.response().status());
            assertFalse(raw.response().headers().containsKey("sec-websocket-accept"));
        }
    }

    /** Raw DEFLATE with the trailing empty block removed, as RFC 7692 sends it. */
    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        byte[] buffer = new byte[data.length + 64];
        int length = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
        deflater.end();
        return Arrays.copyOf(buffer, length - 4);
    }

    private static byte[] inflate(byte[] data) throws Exception {
        Inflater inflater = new Inflater(true);
        byte[] input = Arrays.copyOf(data, data.length + 4);
        input[data.length + 2] = (byte) 0xff;
        input[data.length + 3] = (byte) 0xff;
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        while (!inflater.needsInput()) {
            int n = inflater.inflate(buffer);
            if (n == 0) {
                break;
            }
            out.write(buffer, 0, n);
        }
        inflater.end();
        return out.toByteArray();
    }
}
