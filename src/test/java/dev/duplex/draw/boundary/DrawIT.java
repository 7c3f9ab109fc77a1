package dev.duplex.draw.boundary;

import static dev.duplex.draw.DrawMessages.begin;
import static dev.duplex.draw.DrawMessages.describe;
import static dev.duplex.draw.DrawMessages.join;
import static dev.duplex.draw.DrawMessages.one;
import static dev.duplex.draw.DrawMessages.points;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.draw.entity.DrawCodec;
import dev.duplex.draw.entity.DrawError;
import dev.duplex.testing.ApiStatus;
import dev.duplex.testing.Deployments;
import dev.duplex.testing.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /draw} on a real Payara Micro: members of a board see each other's strokes while they are
 * drawn, a late joiner gets the board, and every bad input and limit gets its documented answer
 * (docs/PLAY.md) while the other members go on. Each test uses boards of its own.
 */
@ExtendWith(ArquillianExtension.class)
class DrawIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplexWar(Map.of("duplex.draw.max-members", "3", "duplex.draw.max-message-bytes", "65536",
                "duplex.draw.samples-per-second", "100", "duplex.draw.samples-burst", "200"));
    }

    @ArquillianResource
    URL base;

    private URI draw;

    @BeforeEach
    void withTheContextRoot() {
        base = Deployments.base(base);
        draw = Deployments.websocket(base, "draw");
    }

    private WsClient member(String name, String board) throws Exception {
        WsClient client = WsClient.connect(draw, "draw.bin");
        assertEquals("draw.bin", client.subprotocol());
        client.sendBinary(join(name, board));
        String welcome = next(client);
        assertEquals("welcome", welcome.split(" ")[0], welcome);
        return client;
    }

    private static String next(WsClient client) throws Exception {
        byte[] message = client.nextBinary();
        assertNotNull(message, "a message within " + WsClient.TIMEOUT);
        return describe(message);
    }

    /** The next messages up to and including the first that starts with {@code last}. */
    private static List<String> until(WsClient client, String last) throws Exception {
        List<String> seen = new ArrayList<>();
        while (true) {
            String message = next(client);
            seen.add(message);
            if (message.startsWith(last)) {
                return seen;
            }
        }
    }

    private JsonObject status() throws Exception {
        return ApiStatus.read(URI.create(base + "api/status"));
    }

    private static String last(List<String> messages) {
        return messages.get(messages.size() - 1);
    }

    @Test
    void membersSeeAStrokeWhileItIsDrawnAndALateJoinerGetsTheWholeBoard() throws Exception {
        try (WsClient ann = member("Ann", "it-share"); WsClient bob = member("Bob", "it-share")) {
            assertEquals(List.of("member 1 Ann", "member 2 Bob"), List.of(next(bob), next(bob)));
            ann.sendBinary(begin(0xff0000, 6));
            ann.sendBinary(points(80, 80, 160, 160));
            assertEquals(List.of("begin 1 by 1", "points 1: 80,80 160,160"), List.of(next(bob), next(bob)),
                    "Bob sees the stroke before Ann's pen lifts");
            bob.sendBinary(new byte[] {DrawCodec.CURSOR, 0, 8, 0, 16});
            assertEquals("cursor 2 8,16", last(until(ann, "cursor")), "cursors go to the others");
            ann.sendBinary(points(240, 240));
            ann.sendBinary(one(DrawCodec.END));
            assertEquals(List.of("points 1: 240,240", "end 1"), List.of(next(bob), next(bob)));

            try (WsClient cat = member("Cat", "it-share")) {
                assertEquals(List.of("member 1 Ann", "member 2 Bob", "member 3 Cat",
                        "begin 1 by 1", "points 1: 80,80 160,160 240,240", "end 1"), until(cat, "end"));
                JsonObject status = status();
                JsonObject draw = status.getJsonObject("draw");
                assertNotNull(draw, "the status has a draw section");
                assertTrue(draw.getInt("boards") >= 1 && draw.getInt("members") >= 3 && draw.getJsonNumber("bytes").longValue() > 0, draw.toString());
                long charged = status.getJsonObject("memory").getJsonObject("usedByEndpoint").getJsonNumber("draw").longValue();
                assertTrue(charged >= draw.getJsonNumber("bytes").longValue(), "the boards' bytes are charged to the memory budget: " + status.getJsonObject("memory"));
            }
        }
    }

    /**
     * A burst of samples faster than the peers' writes complete: what waits for a peer goes out in
     * batches of frames (where the engine lets Duplex write its own frames), and every sample still
     * arrives as its own message, whole and in order, at every peer.
     */
    @Test
    void aBurstOfSamplesReachesEveryPeerWholeAndInOrder() throws Exception {
        int samples = 150; // within this deployment's samples-burst (200)
        try (WsClient ann = member("Ann", "it-burst"); WsClient bob = member("Bob", "it-burst"); WsClient cat = member("Cat", "it-burst")) {
            until(bob, "member 3");
            until(cat, "member 3");
            ann.sendBinary(begin(0x0000ff, 2));
            for (int i = 0; i < samples; i++) {
                ann.sendBinary(points(i, 8000 - i));
            }
            ann.sendBinary(one(DrawCodec.END));
            for (WsClient peer : List.of(bob, cat)) {
                List<String> seen = until(peer, "end");
                List<String> expected = new ArrayList<>();
                String stroke = seen.get(0).split(" ")[1];
                expected.add("begin " + stroke + " by 1");
                for (int i = 0; i < samples; i++) {
                    expected.add("points " + stroke + ": " + i + "," + (8000 - i));
                }
                expected.add("end " + stroke);
                assertEquals(expected, seen);
            }
        }
    }

    @Test
    void undoAndClearReachEveryMember() throws Exception {
        try (WsClient ann = member("Ann", "it-undo"); WsClient bob = member("Bob", "it-undo")) {
            ann.sendBinary(begin(1, 1));
            ann.sendBinary(points(1, 1));
            ann.sendBinary(one(DrawCodec.END));
            ann.sendBinary(one(DrawCodec.UNDO));
            until(bob, "member 2");
            assertEquals(List.of("begin 1 by 1", "points 1: 1,1", "end 1", "remove 1"), until(bob, "remove"));
            bob.sendBinary(one(DrawCodec.UNDO));
            assertEquals("error " + DrawError.NOTHING_TO_UNDO.code(), next(bob), "Bob has no stroke of his own");
            bob.sendBinary(one(DrawCodec.CLEAR));
            List<String> seen = until(ann, "clear");
            assertEquals("clear by 2", seen.get(seen.size() - 1));
        }
    }

    @Test
    void badInputGetsItsErrorWhileTheBoardGoesOnAndTooMuchClosesWith1008() throws Exception {
        try (WsClient none = WsClient.connect(draw)) {
            assertEquals(new WsClient.Closed(1008, DrawEndpoint.SUBPROTOCOL_REQUIRED), none.awaitClose());
        }
        try (WsClient text = WsClient.connect(draw, "draw.bin")) {
            text.sendText("{\"type\":\"join\"}");
            assertEquals(new WsClient.Closed(1003, DrawEndpoint.BINARY_ONLY), text.awaitClose());
        }
        try (WsClient early = WsClient.connect(draw, "draw.bin")) {
            early.sendBinary(points(1, 1));
            assertEquals("error " + DrawError.NOT_JOINED.code(), next(early));
        }
        try (WsClient ann = member("Ann", "it-bad"); WsClient bob = member("Bob", "it-bad")) {
            until(ann, "member 2");
            until(bob, "member 2");
            bob.sendBinary(new byte[] {DrawCodec.POINTS, 2, 0, 0});                   // truncated
            bob.sendBinary(new byte[] {0x42});                                        // unknown type
            bob.sendBinary(new byte[] {DrawCodec.BEGIN, 0, 0, 0, 65});                // width out of range
            bob.sendBinary(new byte[] {DrawCodec.POINTS, 1, (byte) 0xFF, (byte) 0xFF, 0, 0, 0}); // x past the board
            bob.sendBinary(one(DrawCodec.END));                                       // no stroke
            bob.sendBinary(join("Bob", "it-bad"));                                    // joined already
            assertEquals(List.of("error 1", "error 2", "error 3", "error 3", "error 11", "error 5"),
                    List.of(next(bob), next(bob), next(bob), next(bob), next(bob), next(bob)));

            ann.sendBinary(begin(0x00ff00, 3));
            ann.sendBinary(points(8, 8));
            ann.sendBinary(one(DrawCodec.END));
            assertEquals(List.of("begin 1 by 1", "points 1: 8,8", "end 1"), until(bob, "end"), "Bob is still on the board");

            for (int i = 0; i < 4; i++) {
                bob.sendBinary(new byte[0]);
            }
            WsClient.Closed closed = bob.awaitClose();
            assertEquals(new WsClient.Closed(1008, "Too many bad messages"), closed);
            assertEquals("left 2", last(until(ann, "left")));
            ann.sendBinary(begin(0x00ff00, 3));
            assertEquals("begin 2 by 1", next(ann), "Ann draws on");
        }
    }

    @Test
    void limitsGetTheirDocumentedAnswers() throws Exception {
        try (WsClient a = member("A", "it-full"); WsClient b = member("B", "it-full"); WsClient c = member("C", "it-full");
                WsClient d = WsClient.connect(draw, "draw.bin")) {
            d.sendBinary(join("D", "it-full"));
            assertEquals("error " + DrawError.BOARD_FULL.code(), next(d));
            d.sendBinary(join("D", "it-other"));
            assertEquals("welcome 1", next(d), "another board has room");

            a.sendBinary(begin(0, 2));
            int[] xy = new int[2 * 250];
            a.sendBinary(points(xy));                     // 200 of the 250 pass (the burst)
            List<String> seen = until(a, "error");
            assertEquals("error " + DrawError.SAMPLE_RATE.code(), last(seen));
            assertFalse(a.isClosed(), "samples over the rate are dropped; the session stays");

            byte[] tooBig = new byte[65537];
            tooBig[0] = DrawCodec.SNAPSHOT;
            c.sendBinary(tooBig);
            assertEquals(1009, c.awaitClose().code());
        }
    }
}
