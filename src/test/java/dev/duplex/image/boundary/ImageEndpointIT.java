package dev.duplex.image.boundary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.image.TestImages;
import dev.duplex.image.control.Pixels;
import dev.duplex.testing.Deployments;
import dev.duplex.testing.RawWebSocket;
import dev.duplex.testing.SlowConsumers;
import dev.duplex.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.awt.image.BufferedImage;
import java.io.StringReader;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URL;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /image} on a real Payara Micro: formats, operations, order, bad input, limits. */
@ExtendWith(ArquillianExtension.class)
class ImageEndpointIT {

    private static final System.Logger LOG = System.getLogger(ImageEndpointIT.class.getName());
    private static final List<String> OPERATIONS = List.of("echo", "reencode", "grayscale", "invert", "sepia", "blur",
            "sharpen", "edges", "threshold", "rotate", "flip", "resize", "pixelate");

    /** A byte bound on what waits for one session that a few large replies pass (the default is 16 MiB). */
    static final int MAX_QUEUED_BYTES = 1 << 20;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplexWar(Map.of("duplex.limits.max-queued-bytes", String.valueOf(MAX_QUEUED_BYTES)));
    }

    @ArquillianResource
    URL base;

    @BeforeEach
    void withTheContextRoot() {
        base = Deployments.base(base);
    }

    private URI image(String query) {
        return Deployments.websocket(base, "image" + query);
    }

    private static JsonObject json(String text) {
        assertNotNull(text, "a text reply within " + WsClient.TIMEOUT);
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static List<String> strings(JsonObject object, String name) {
        return object.getJsonArray(name).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    @Test
    void grayscaleChosenInTheQueryTurnsEveryInputFormatIntoAGrayPng() throws Exception {
        BufferedImage picture = TestImages.colorful(64, 48);
        Map<String, byte[]> inputs = new java.util.LinkedHashMap<>();
        inputs.put("png", TestImages.encode(picture, "png"));
        inputs.put("jpeg", TestImages.encode(picture, "jpeg"));
        inputs.put("gif", TestImages.encode(picture, "gif"));
        inputs.put("bmp", TestImages.encode(picture, "bmp"));
        inputs.put("webp", TestImages.resource("quad-lossy.webp"));
        try (WsClient client = WsClient.connect(image("?op=grayscale"))) {
            int seq = 0;
            for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
                client.sendBinary(input.getValue());
                JsonObject result = json(client.nextText());
                assertEquals("result", result.getString("type"), result.toString());
                assertEquals(++seq, result.getInt("seq"));
                assertEquals(input.getKey(), result.getString("inputFormat"));
                assertEquals("png", result.getString("outputFormat"));
                assertEquals("[{\"op\":\"grayscale\"}]", result.getJsonArray("ops").toString());
                assertEquals(input.getValue().length, result.getInt("inputBytes"));
                byte[] png = client.nextBinary();
                assertEquals(result.getInt("outputBytes"), png.length);
                Pixels gray = Pixels.of(TestImages.decode(png));
                assertEquals(result.getInt("width"), gray.width());
                assertEquals(result.getInt("height"), gray.height());
                for (int p : gray.argb()) {
                    assertTrue((p >> 16 & 0xff) == (p & 0xff) && (p >> 8 & 0xff) == (p & 0xff),
                            input.getKey() + ": r == g == b, not " + Integer.toHexString(p));
                }
                if (input.getKey().equals("png")) {
                    int[] source = Pixels.of(picture).argb();
                    for (int i = 0; i < source.length; i++) {
                        int p = source[i];
                        int luma = (19595 * (p >> 16 & 0xff) + 38470 * (p >> 8 & 0xff) + 7471 * (p & 0xff) + 32768) >>> 16;
                        assertEquals(luma, gray.argb()[i] & 0xff, "pixel " + i);
                    }
                }
            }
        }
    }

    @Test
    void echoSendsTheVeryBytesBack() throws Exception {
        try (WsClient client = WsClient.connect(image(""))) {
            for (String format : List.of("png", "jpeg")) {
                byte[] sent = TestImages.encode(TestImages.photoLike(320, 200, 9), format);
                client.sendBinary(sent);
                JsonObject result = json(client.nextText());
                assertEquals("[{\"op\":\"echo\"}]", result.getJsonArray("ops").toString());
                assertEquals(format, result.getString("outputFormat"));
                assertEquals(320, result.getInt("width"));
                assertArrayEquals(sent, client.nextBinary(), format + " comes back byte for byte");
            }
        }
    }

    @Test
    void controlMessagesChainOperationsAndAskForJpeg() throws Exception {
        try (WsClient client = WsClient.connect(image(""))) {
            client.sendText("{\"type\":\"configure\",\"ops\":[{\"op\":\"resize\",\"maxWidth\":32},{\"op\":\"rotate\",\"degrees\":90},"
                    + "\"invert\"],\"format\":\"jpeg\",\"quality\":0.8}");
            JsonObject configured = json(client.nextText());
            assertEquals("configured", configured.getString("type"));
            assertEquals("[{\"op\":\"resize\",\"maxWidth\":32,\"maxHeight\":800},{\"op\":\"rotate\",\"degrees\":90},{\"op\":\"invert\"}]",
                    configured.getJsonArray("ops").toString());
            assertEquals("jpeg", configured.getString("format"));
            client.sendBinary(TestImages.encode(TestImages.colorful(64, 48), "png"));
            JsonObject result = json(client.nextText());
            assertEquals("jpeg", result.getString("outputFormat"));
            assertEquals(64, result.getInt("inputWidth"));
            assertEquals(24, result.getInt("width"), "64×48 → 32×24 → turned to 24×32");
            assertEquals(32, result.getInt("height"));
            byte[] jpeg = client.nextBinary();
            assertEquals(0xff, jpeg[0] & 0xff);
            assertEquals(0xd8, jpeg[1] & 0xff);
            assertEquals(24, TestImages.decode(jpeg).getWidth());

            client.sendText("{\"type\":\"describe\"}");
            JsonObject described = json(client.nextText());
            assertEquals("operations", described.getString("type"));
            assertEquals(OPERATIONS, described.getJsonArray("operations").getValuesAs(JsonObject.class).stream()
                    .map(o -> o.getString("op")).toList());
            assertEquals(List.of("png", "jpeg", "gif", "bmp", "webp"), strings(described, "inputFormats"));
        }
    }

    @Test
    void queryParametersTakeOperationParameters() throws Exception {
        try (WsClient client = WsClient.connect(image("?op=blur&radius=3"))) {
            client.sendBinary(TestImages.encode(TestImages.colorful(40, 30), "png"));
            JsonObject result = json(client.nextText());
            assertEquals("[{\"op\":\"blur\",\"radius\":3}]", result.getJsonArray("ops").toString());
            assertNotNull(client.nextBinary());
        }
        try (WsClient client = WsClient.connect(image("?op=resize,grayscale&maxWidth=20&format=jpeg&quality=0.5"))) {
            client.sendBinary(TestImages.encode(TestImages.colorful(40, 30), "png"));
            JsonObject result = json(client.nextText());
            assertEquals(20, result.getInt("width"));
            assertEquals(15, result.getInt("height"));
            assertEquals("jpeg", result.getString("outputFormat"));
            assertNotNull(client.nextBinary());
        }
    }

    @Test
    void aBadQueryGetsTheValidChoicesThenA1008Close() throws Exception {
        try (WsClient client = WsClient.connect(image("?op=blurr"))) {
            JsonObject error = json(client.nextText());
            assertEquals("error", error.getString("type"));
            assertEquals("unknown-operation", error.getString("code"));
            assertFalse(error.containsKey("seq"));
            assertEquals(OPERATIONS, strings(error, "valid"));
            WsClient.Closed closed = client.awaitClose();
            assertEquals(1008, closed.code());
            assertEquals("Bad query: Unknown operation 'blurr'", closed.reason());
        }
        try (WsClient client = WsClient.connect(image("?op=blur&radius=500"))) {
            JsonObject error = json(client.nextText());
            assertEquals("bad-parameter", error.getString("code"));
            assertEquals(List.of("radius: an integer from 1 to 50 (default 3)"), strings(error, "valid"));
            assertEquals(1008, client.awaitClose().code());
        }
    }

    @Test
    void badInputIsAnsweredWithAnErrorAndTheSessionKeepsWorking() throws Exception {
        byte[] png = TestImages.encode(TestImages.photoLike(200, 120, 4), "png");
        try (WsClient client = WsClient.connect(image(""))) {
            client.sendBinary("this is not an image".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            JsonObject notImage = json(client.nextText());
            assertEquals("error", notImage.getString("type"));
            assertEquals(1, notImage.getInt("seq"));
            assertEquals("not-an-image", notImage.getString("code"));
            assertTrue(notImage.getString("message").startsWith("The message is not an image"), notImage.getString("message"));

            client.sendBinary(Arrays.copyOf(png, png.length / 2));
            JsonObject truncated = json(client.nextText());
            assertEquals(2, truncated.getInt("seq"));
            assertEquals("truncated", truncated.getString("code"));

            client.sendBinary(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0});
            JsonObject tiff = json(client.nextText());
            assertEquals("unsupported-format", tiff.getString("code"));
            assertEquals("TIFF images are not supported; send png, jpeg, gif, bmp, webp", tiff.getString("message"));

            client.sendText("{not json");
            JsonObject malformed = json(client.nextText());
            assertEquals("bad-message", malformed.getString("code"));
            assertEquals(List.of("configure", "describe"), strings(malformed, "valid"));

            client.sendText("{\"type\":\"configure\",\"ops\":[\"swirl\"]}");
            JsonObject unknown = json(client.nextText());
            assertEquals("unknown-operation", unknown.getString("code"));
            assertEquals(OPERATIONS, strings(unknown, "valid"));

            client.sendText("{\"type\":\"configure\",\"ops\":[{\"op\":\"threshold\",\"level\":300}]}");
            JsonObject bad = json(client.nextText());
            assertEquals("bad-parameter", bad.getString("code"));
            assertEquals(List.of("level: an integer from 0 to 255 (default 128)"), strings(bad, "valid"));

            client.sendBinary(png);
            JsonObject result = json(client.nextText());
            assertEquals("result", result.getString("type"));
            assertEquals(4, result.getInt("seq"));
            assertArrayEquals(png, client.nextBinary(), "still echoing, byte for byte");
        }
    }

    @Test
    void decompressionBombsAreRefusedFromTheHeader() throws Exception {
        try (WsClient client = WsClient.connect(image("?op=grayscale"))) {
            byte[][] bombs = {TestImages.pngBomb(50_000, 50_000), TestImages.gifBomb(50_000, 50_000, 50_000, 50_000)};
            for (int i = 0; i < bombs.length; i++) {
                assertTrue(bombs[i].length < 1024, "a tiny file: " + bombs[i].length + " bytes");
                long start = System.nanoTime();
                client.sendBinary(bombs[i]);
                JsonObject error = json(client.nextText());
                long micros = (System.nanoTime() - start) / 1000;
                LOG.log(Level.INFO, "A {0}-byte file claiming 50000×50000 pixels was refused in {1} µs: {2}",
                        bombs[i].length, micros, error.getString("message"));
                assertEquals("error", error.getString("type"));
                assertEquals(i + 1, error.getInt("seq"));
                assertEquals("too-many-pixels", error.getString("code"));
                assertTrue(error.getString("message").contains("50000×50000"), error.getString("message"));
            }
            client.sendBinary(TestImages.encode(TestImages.colorful(30, 20), "png"));
            assertEquals("result", json(client.nextText()).getString("type"));
            assertNotNull(client.nextBinary());
        }
    }

    @Test
    void repliesKeepTheOrderOfPipelinedImages() throws Exception {
        int[] widths = {1200, 16, 640, 33};
        try (WsClient client = WsClient.connect(image("?op=blur&radius=4"))) {
            for (int width : widths) {
                client.sendBinary(TestImages.encode(TestImages.photoLike(width, 200, width), "png"));
            }
            for (int i = 0; i < widths.length; i++) {
                JsonObject result = json(client.nextText());
                assertEquals("result", result.getString("type"), result.toString());
                assertEquals(i + 1, result.getInt("seq"));
                assertEquals(widths[i], result.getInt("width"));
                assertEquals(widths[i], TestImages.decode(client.nextBinary()).getWidth());
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedAsASlowConsumerAndOthersAreServed() throws Exception {
        byte[] big = TestImages.encode(TestImages.photoLike(1000, 800, 3), "png");
        assertTrue(big.length > MAX_QUEUED_BYTES / 2, "two echoed replies waiting pass the bound: " + big.length);
        long closesBefore = SlowConsumers.closes(URI.create(base.toExternalForm()));
        try (RawWebSocket silent = RawWebSocket.open(image(""), Map.of())) {
            assertEquals(101, silent.response().status());
            silent.setReceiveBuffer();
            // Echoes fill the TCP buffers (~4 MB here), then one send stays in flight and the next
            // replies wait in the outbox: past the byte bound the client is closed, long before it
            // owes 64 replies.
            int sent = 0;
            try {
                for (; sent < 12; sent++) {
                    silent.send(true, false, RawWebSocket.BINARY, big);
                }
            } catch (java.io.IOException dropped) {
                // closed and then dropped while still sending: what the server said is checked below
            }
            SlowConsumers.assertClosed(silent, URI.create(base.toExternalForm()), closesBefore, "after " + sent + " images of " + big.length + " bytes");
        }
        try (WsClient other = WsClient.connect(image(""))) {
            byte[] small = TestImages.encode(TestImages.photoLike(64, 48, 4), "png");
            other.sendBinary(small);
            assertEquals("result", json(other.nextText()).getString("type"));
            assertArrayEquals(small, other.nextBinary(), "another client is served");
        }
    }

    @Test
    void oversizedMessagesCloseWith1009AndDeflateIsNotNegotiated() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(image(""), Map.of())) {
            // the read guard refuses the frame from its header, before its payload arrives
            raw.sendFrameStart(true, RawWebSocket.BINARY, 16 * 1024 * 1024 + 1, new byte[4096]);
            RawWebSocket.Frame closed = raw.readUntilClose();
            assertEquals(1009, closed.closeCode());
            assertEquals("Message too big: the limit is 16777216 bytes", closed.closeReason());
        }
        try (WsClient client = WsClient.connect(image(""))) {
            client.sendText("{\"type\":\"describe\",\"padding\":\"" + "x".repeat(8200) + "\"}");
            WsClient.Closed closed = client.awaitClose();
            assertEquals(1009, closed.code());
            assertEquals("Message too big: the limit is 8192 bytes", closed.reason());
        }
        try (RawWebSocket raw = RawWebSocket.open(image(""), Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"))) {
            assertEquals(101, raw.response().status());
            assertNull(raw.response().header("Sec-WebSocket-Extensions"), "images are compressed already");
        }
    }
}
