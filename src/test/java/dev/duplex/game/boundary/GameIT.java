package dev.duplex.game.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.game.GameTestClient;
import dev.duplex.game.entity.GameCodec;
import dev.duplex.game.entity.Input;
import dev.duplex.game.entity.SnapshotCodec;
import dev.duplex.testing.Browser;
import dev.duplex.testing.Deployments;
import dev.duplex.testing.PageLayout;
import dev.duplex.testing.WsClient;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

/**
 * {@code /game} on a real Payara Micro: join, inputs that move the ship, snapshots (full, then
 * deltas against the acknowledged one) that another player in the room sees, rejoin with the token,
 * every bad input's documented answer with the other room playing on, and two play.html pages
 * that see each other move. One class, one Payara start. The view covers the whole arena here, so
 * that every player sees every other wherever they spawned.
 */
@ExtendWith(ArquillianExtension.class)
class GameIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplexWar(Map.of("duplex.game.view", "2000"));
    }

    @ArquillianResource
    URL base;

    private URI uri;

    @BeforeEach
    void withTheContextRoot() {
        base = Deployments.base(base);
        uri = Deployments.websocket(base, "game");
    }

    private GameTestClient joined(String name, String room) throws Exception {
        GameTestClient client = GameTestClient.connect(uri);
        assertEquals("game.bin", client.socket().subprotocol());
        client.join(name, room);
        assertNotNull(client.await(m -> m instanceof GameCodec.Welcome), name + " is welcomed");
        return client;
    }

    @Test
    void playersJoinTheirInputsMoveTheShipAndTheOtherPlayerSeesIt() throws Exception {
        try (GameTestClient ada = joined("ada", "it-one"); GameTestClient bob = joined("bob", "it-one")) {
            int id = ada.welcome.you();
            assertEquals("it-one", ada.welcome.room());
            assertEquals(30, ada.welcome.tickHz());
            assertNotEquals(id, bob.welcome.you());
            assertNotNull(ada.await(m -> m instanceof SnapshotCodec.Snapshot), "snapshots come every tick");
            assertEquals(0, ada.last.base(), "the first snapshot is full");
            int[] start = bob.await(m -> m instanceof SnapshotCodec.Snapshot) == null ? null : bob.entity(id);
            assertNotNull(start, "bob sees ada");
            int dx = start[2] < 16000 ? 127 : -127;
            long sent = 0;
            for (int i = 0; i < 20; i++) {
                sent = ada.input(dx, 0, 0);
            }
            long last = sent;
            assertNotNull(ada.await(m -> m instanceof SnapshotCodec.Snapshot s && s.inputSeq() == last),
                    "the snapshot reports the inputs applied, one per tick");
            assertTrue(ada.deltaSnapshots > 0, "after acknowledgements, snapshots are deltas");
            int[] moved = ada.entity(id);
            assertTrue(Integer.signum(moved[2] - start[2]) == Integer.signum(dx), "ada moved the way she steered: " + start[2] + " -> " + moved[2]);
            assertNotNull(bob.await(m -> m instanceof SnapshotCodec.Snapshot && Math.abs(bob.entity(id)[2] - start[2]) > 16 * 50),
                    "bob sees ada move");
            assertTrue(ada.scores.stream().anyMatch(s -> s.id() == id && s.name().equals("ada")), "the scoreboard names ada");
            assertEquals(8, ada.scores.size(), "two players and six bots fill the eight slots");
        }
    }

    @Test
    void metricsShowTheRoomsPlayersSnapshotsAndTickLateness() throws Exception {
        try (GameTestClient ada = joined("ada", "it-metrics")) {
            assertNotNull(ada.await(m -> m instanceof SnapshotCodec.Snapshot));
            URI root = URI.create(base.getProtocol() + "://" + base.getHost() + ":" + base.getPort() + "/metrics");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
            String metrics = "";
            // the game's figures reach /metrics at the next sweep (every second): poll until they do
            while (System.nanoTime() < deadline) {
                metrics = http.send(HttpRequest.newBuilder(root).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
                if (sample(metrics, "duplex_game_rooms") >= 1 && sample(metrics, "duplex_game_snapshots_total") >= 1) {
                    break;
                }
                java.util.concurrent.TimeUnit.MILLISECONDS.sleep(200);
            }
            assertTrue(sample(metrics, "duplex_game_rooms") >= 1, metrics);
            assertTrue(sample(metrics, "duplex_game_players") >= 1, "ada holds a slot");
            assertTrue(sample(metrics, "duplex_game_snapshots_total") >= 1);
            assertEquals(0, sample(metrics, "duplex_game_relayed"), "one instance: nobody relayed");
            assertTrue(sample(metrics, "duplex_game_inputs_total") >= 0);
            assertTrue(sample(metrics, "duplex_game_rooms_resumed_total") >= 0);
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("duplex_timing_microseconds") && l.contains("name=\"game.tick-lateness\"")),
                    "the tick lateness is a timing");
        }
    }

    /** The value of the first sample line of {@code name} (with or without labels), or -1. */
    private static double sample(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).mapToDouble(Double::parseDouble).findFirst().orElse(-1);
    }

    @Test
    void aDroppedPlayerRejoinsWithItsToken() throws Exception {
        byte[] token;
        int id;
        try (GameTestClient ada = joined("ada", "it-rejoin")) {
            token = ada.welcome.token();
            id = ada.welcome.you();
        }
        try (GameTestClient again = GameTestClient.connect(uri)) {
            again.send(GameCodec.join(false, "ada", "it-rejoin", token));
            GameCodec.Welcome welcome = (GameCodec.Welcome) again.await(m -> m instanceof GameCodec.Welcome);
            assertEquals(id, welcome.you(), "the same ship");
            assertEquals(GameCodec.REJOINED, welcome.flags());
        }
    }

    @Test
    void badInputGetsItsDocumentedAnswerAndTheOtherRoomPlaysOn() throws Exception {
        try (GameTestClient bystander = joined("calm", "it-calm")) {
            // no subprotocol
            try (WsClient plain = WsClient.connect(uri)) {
                assertEquals(new WsClient.Closed(1008, GameEndpoint.SUBPROTOCOL_REQUIRED), plain.awaitClose());
            }
            // text, an unknown type, a truncated input, a malformed join
            assertClosed(c -> c.socket().sendText("{\"type\":\"join\"}"), 1003, GameEndpoint.BINARY_ONLY);
            assertClosed(c -> c.socket().sendBinary(new byte[] {0x7f}), 1003, "Unknown message type 0x7f");
            assertClosed(c -> c.socket().sendBinary(new byte[] {0x02, 0, 0, 0, 1}), 1007, "Malformed input: truncated");
            assertClosed(c -> c.socket().sendBinary(new byte[] {0x01, 0, 0, 0, 0}), 1007, "Malformed join: empty name");
            // over the message size limit
            assertClosed(c -> c.socket().sendBinary(new byte[300]), 1009, null);
            // inputs before joining, a second join, out of range: an error message, the session stays
            try (GameTestClient early = GameTestClient.connect(uri)) {
                early.send(GameCodec.input(new Input(1, 0, 0, 0), 0));
                assertEquals(new GameCodec.Error(GameCodec.ERROR_NOT_JOINED, "Join a room first"),
                        early.await(m -> m instanceof GameCodec.Error));
                early.join("eve", "it-bad");
                assertNotNull(early.await(m -> m instanceof GameCodec.Welcome));
                early.join("eve", "it-bad");
                assertEquals(GameCodec.ERROR_ALREADY_JOINED, ((GameCodec.Error) early.await(m -> m instanceof GameCodec.Error)).code());
                early.send(GameCodec.input(new Input(1, -128, 0, 0), 0));
                GameCodec.Error range = (GameCodec.Error) early.await(m -> m instanceof GameCodec.Error);
                assertEquals(GameCodec.ERROR_OUT_OF_RANGE, range.code());
                early.send(GameCodec.input(new Input(2, 0, 0, 4), 0));
                assertEquals(GameCodec.ERROR_OUT_OF_RANGE, ((GameCodec.Error) early.await(m -> m instanceof GameCodec.Error)).code());
                assertNotNull(early.await(m -> m instanceof SnapshotCodec.Snapshot), "still playing");
                // an input flood: more than duplex.game.input-burst (300) at once; a few over, not
                // hundreds, so that the client is not still writing when the server drops the connection
                for (int i = 0; i < 306 && !early.socket().isClosed(); i++) {
                    try {
                        early.input(1, 1, 0);
                    } catch (Exception closedMeanwhile) {
                        break; // the close crossed the sends
                    }
                }
                assertEquals(new WsClient.Closed(1008, "Input rate over 60/s"), early.socket().awaitClose());
            }
            // the other room never noticed
            long before = bystander.last == null ? 0 : bystander.last.tick();
            bystander.input(0, 0, 0);
            assertNotNull(bystander.await(m -> m instanceof SnapshotCodec.Snapshot s && s.tick() > before + 30),
                    "the bystander's room keeps ticking");
            assertTrue(bystander.other.isEmpty(), "and its player got no error: " + bystander.other);
            // the status page counts the rooms and players
            String status = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    URI.create(base + "api/status")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            jakarta.json.JsonObject game = jakarta.json.Json.createReader(new java.io.StringReader(status)).readObject().getJsonObject("game");
            assertNotNull(game, status);
            assertTrue(game.getInt("rooms") >= 1 && game.getInt("players") >= 1, game.toString());
            assertEquals(30, game.getInt("tickHz"));
        }
    }

    @FunctionalInterface
    private interface Action {
        void run(GameTestClient client) throws Exception;
    }

    private void assertClosed(Action action, int code, String reason) throws Exception {
        try (GameTestClient client = GameTestClient.connect(uri)) {
            action.run(client);
            WsClient.Closed closed = client.socket().awaitClose();
            assertEquals(code, closed.code(), closed.toString());
            if (reason != null) {
                assertEquals(reason, closed.reason());
            }
        }
    }

    @Test
    void twoPlayersOnPlayPagesSeeEachOtherMoveAtPhoneWidth() throws Exception {
        try (Browser ada = Browser.start(); Browser bob = Browser.start()) {
            PageLayout.viewport(bob, 390, 844);
            int adaId = play(ada, "ada");
            int bobId = play(bob, "bob");
            // the playing page's layout, 44 px targets and axe in both themes: PagesBrowserIT and PagesAccessibilityBrowserIT
            Map<?, ?> seen = awaitEntity(bob, adaId);
            awaitEntity(ada, bobId);
            double x0 = ((Number) seen.get("x")).doubleValue();
            Keys key = x0 < 1000 ? Keys.ARROW_RIGHT : Keys.ARROW_LEFT;
            ada.find("arena").click();
            new Actions(ada.driver()).keyDown(key).perform();
            try {
                bob.await("bob to see ada move", d -> {
                    Map<?, ?> now = entity(bob, adaId);
                    double x = now == null ? x0 : ((Number) now.get("x")).doubleValue();
                    return key == Keys.ARROW_RIGHT ? x > x0 + 60 : x < x0 - 60;
                });
            } finally {
                new Actions(ada.driver()).keyUp(key).perform();
            }
            ada.await("a tick, RTT and loss shown", d -> !ada.text("rtt").equals("–") && !ada.text("tick").equals("–")
                    && ada.text("loss").endsWith("%"));
            assertTrue(ada.consoleErrors().isEmpty(), ada.consoleErrors().toString());
            assertTrue(bob.consoleErrors().isEmpty(), bob.consoleErrors().toString());
        }
    }

    private int play(Browser browser, String name) {
        browser.open(base + "play.html");
        browser.find("name").sendKeys(name);
        browser.find("room").sendKeys("it-browser");
        browser.find("play").click();
        browser.await(name + " to play", d -> "open".equals(browser.find("status").getAttribute("data-state")));
        return Integer.parseInt(browser.find("arena").getAttribute("data-you"));
    }

    private static Map<?, ?> entity(Browser browser, int id) {
        return (Map<?, ?>) browser.script("return window.duplexGame.entities().find(e => e.id === arguments[0]) ?? null", id);
    }

    private static Map<?, ?> awaitEntity(Browser browser, int id) {
        return browser.await("ship " + id + " in view", d -> entity(browser, id));
    }
}
