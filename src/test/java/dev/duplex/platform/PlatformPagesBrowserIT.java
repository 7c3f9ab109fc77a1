package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.duplex.draw.DrawMessages;
import dev.duplex.draw.entity.DrawCodec;
import dev.duplex.game.GameTestClient;
import dev.duplex.game.entity.GameCodec;
import dev.duplex.testing.ApiStatus;
import dev.duplex.testing.Browser;
import dev.duplex.testing.Deployments;
import dev.duplex.testing.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The status dashboard (live traffic, charts, the shared boards' and the game's panels), the
 * Content-Security-Policy and cross-site WebSocket hijacking, in Chromium.
 */
@ExtendWith(ArquillianExtension.class)
class PlatformPagesBrowserIT {

    /** Non-white pixels of a canvas, counted in the page. */
    private static final String INKED_PIXELS = """
            const c = document.getElementById(arguments[0]);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
            return n;""";

    /** A panel's facts (its {@code <dl>}: name to value), read in one script: the page rebuilds them every second. */
    private static final String FACTS = """
            const dl = document.getElementById(arguments[0]);
            if (!dl || dl.closest('section').hidden) return null;
            const facts = {};
            for (const dt of dl.querySelectorAll('dt')) facts[dt.textContent] = dt.nextElementSibling.textContent;
            return facts;""";

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

    @Test
    void statusPageShowsLiveTrafficAndDrawsCharts() throws Exception {
        try (Browser browser = Browser.start(); WsClient client = WsClient.connect(Deployments.websocket(base, "echo"))) {
            browser.open(base + "status.html");
            for (int i = 0; i < 50; i++) {
                client.sendText("traffic " + i);
                assertEquals("traffic " + i, client.nextText());
            }
            // read in one script: the table is rebuilt every second, so element references go stale
            List<?> cells = browser.await("the echo endpoint row with 50 messages", d -> {
                List<?> row = (List<?>) browser.script("""
                        const row = Array.from(document.querySelectorAll('#endpointRows tr'))
                            .find(r => r.cells.length > 3 && r.cells[0].textContent === 'echo');
                        return row ? Array.from(row.cells, c => c.textContent) : null;""");
                return row != null && Long.parseLong((String) row.get(3)) >= 50 ? row : null;
            });
            assertTrue(Long.parseLong((String) cells.get(1)) >= 1, "an open echo session: " + cells);
            browser.await("the messages chart to show traffic", d -> ((Number) browser.script(INKED_PIXELS, "messagesChart")).longValue() > 50);
            assertTrue(((Number) browser.script(INKED_PIXELS, "sessionsChart")).longValue() > 50);
            assertEquals(List.of(), browser.consoleErrors(), "no CSP violation or script error");
        }
    }

    /**
     * The Shared boards and Game panels show what {@code /api/status} says of a board with one
     * member and a room with one player: owned boards and copies, the cluster (this instance alone
     * here, Hazelcast off), players and bots, relayed players, tick lateness, inputs.
     */
    @Test
    void statusPageShowsTheBoardsAndTheGameOfThisInstance() throws Exception {
        try (Browser browser = Browser.start();
                WsClient member = WsClient.connect(Deployments.websocket(base, "draw"), "draw.bin");
                GameTestClient player = GameTestClient.connect(Deployments.websocket(base, "game"))) {
            member.sendBinary(DrawMessages.join("Ann", "status-board"));
            assertTrue(DrawMessages.describe(member.nextBinary()).startsWith("welcome"), "Ann joined the board");
            member.sendBinary(DrawMessages.begin(0x1d4ed8, 4));
            member.sendBinary(DrawMessages.points(10, 10, 20, 20));
            member.sendBinary(DrawMessages.one(DrawCodec.END));
            player.join("ada", "status-room");
            assertNotNull(player.await(m -> m instanceof GameCodec.Welcome), "ada is welcomed");
            for (int i = 0; i < 5; i++) {
                player.input(1, 0, 0);
            }
            browser.open(base + "status.html");

            Map<?, ?> draw = browser.await("the boards panel with Ann's stroke", d -> {
                Map<?, ?> facts = (Map<?, ?>) browser.script(FACTS, "drawFacts");
                return facts != null && "1".equals(facts.get("strokes")) ? facts : null;
            });
            JsonObject drawStatus = status().getJsonObject("draw");
            assertEquals("local", drawStatus.getString("cluster"), drawStatus.toString());
            assertEquals(1, drawStatus.getInt("instances"), drawStatus.toString());
            assertEquals("this instance alone", draw.get("runs on"), draw.toString());
            assertEquals(String.valueOf(drawStatus.getInt("boards")), draw.get("boards owned"), draw.toString());
            assertEquals("1", draw.get("boards owned"), "the one board, owned here: " + draw);
            assertEquals("0", draw.get("board copies"), "no other instance's board: " + draw);
            assertEquals("1", draw.get("members"), draw.toString());
            assertEquals("1", draw.get("connected here"), draw.toString());
            assertEquals("0", draw.get("forwarded"), "nothing to forward on one instance: " + draw);
            assertEquals("0", draw.get("relayed"), draw.toString());
            assertTrue(drawStatus.getJsonNumber("bytes").longValue() > 0 && !"0 B".equals(draw.get("held")), draw.toString());

            Map<?, ?> game = browser.await("the game panel with ada's 5 inputs", d -> {
                Map<?, ?> facts = (Map<?, ?>) browser.script(FACTS, "gameFacts");
                return facts != null && facts.get("inputs") instanceof String inputs && inputs.startsWith("5 (") ? facts : null;
            });
            JsonObject gameStatus = status().getJsonObject("game");
            assertEquals("local", gameStatus.getJsonObject("cluster").getString("mode"), gameStatus.toString());
            assertEquals("this instance alone", game.get("runs on"), game.toString());
            assertEquals("1", game.get("rooms"), game.toString());
            assertEquals("1 / " + gameStatus.getInt("bots") + " / 0", game.get("players / bots / spectators"), game + " " + gameStatus);
            assertEquals("0 out, 0 in", game.get("relayed players"), game.toString());
            assertEquals("0", game.get("rooms resumed"), game.toString());
            // the late-tick counts move while the page and the status are read: their form is checked
            assertTrue(((String) game.get("tick")).matches(gameStatus.getInt("tickHz") + " Hz; late ones: [0-9,]+ caught up, [0-9,]+ skipped"),
                    game.toString());
            assertTrue(((String) game.get("tick late")).matches("p50 [0-9.,]+ (µs|ms|s), p99 [0-9.,]+ (µs|ms|s), max [0-9.,]+ (µs|ms|s)"),
                    game.toString());
            assertEquals(gameStatus.getJsonNumber("inputs").longValue() + " (" + gameStatus.getJsonNumber("staleInputs").longValue()
                    + " stale, " + gameStatus.getJsonNumber("droppedInputs").longValue() + " dropped)", game.get("inputs"), "ada's 5 inputs");
            assertTrue(((String) game.get("snapshots")).matches("[0-9,]+ \\([0-9]+ % deltas\\), .+"), game.toString());
            assertEquals(List.of(), browser.consoleErrors(), "no CSP violation or script error");
        }
    }

    private JsonObject status() throws Exception {
        return ApiStatus.read(URI.create(base + "api/status"));
    }

    @Test
    void pagesRunUnderTheContentSecurityPolicy() throws Exception {
        try (Browser browser = Browser.start()) {
            for (String page : List.of("index.html", "workbench.html", "status.html")) {
                browser.open(base + page);
                browser.await(page + " to run its module", d -> !d.findElements(By.cssSelector("nav.site-nav")).isEmpty()
                        && Boolean.TRUE.equals(browser.script("return document.readyState === 'complete'")));
                String policy = (String) browser.script("""
                        return fetch(location.href).then(r => r.headers.get('Content-Security-Policy'));""");
                assertTrue(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), policy);
                assertEquals(List.of(), browser.consoleErrors(), page + " has no CSP violation or script error");
            }
            browser.open(base + "index.html");
            browser.awaitText("serverStatus", "WebSocket Status:: Socket Open");
            assertEquals(List.of(), browser.consoleErrors());
        }
    }

    /**
     * DNS rebinding: a page at http://evil.example:port, whose name the browser resolves to this
     * server, opens a socket to its own origin (so Host and Origin both say evil.example): refused,
     * because the Origin check trusts loopback names and configured origins, never the Host header.
     */
    @Test
    void crossSiteWebSocketHijackingIsRefused() throws Exception {
        String foreignPage = base.toExternalForm().replaceFirst("://[^:/]+:", "://evil.example:") + "workbench.html";
        try (Browser browser = Browser.start("--host-resolver-rules=MAP evil.example 127.0.0.1")) {
            browser.open(foreignPage);
            browser.find("url").clear();
            browser.find("url").sendKeys(Deployments.websocket(base, "echo").toString().replaceFirst("://[^:/]+:", "://evil.example:"));
            browser.find("connect").click();
            WebElement close = browser.await("the refused socket's close", d -> d.findElements(By.cssSelector("li[data-type=close]"))
                    .stream().findFirst().orElse(null));
            assertEquals("1006", close.getAttribute("data-code"), "the handshake was refused: " + close.getText());
            assertEquals(1, browser.driver().findElements(By.cssSelector("li[data-type=error]:not([data-direction=local])")).size(),
                    "the socket's one error event");
            // the workbench then asks the URL over HTTP and logs why the handshake failed, as its own entry
            WebElement explained = browser.await("the failed handshake's explanation", d -> d.findElements(
                    By.cssSelector("li[data-type=error][data-direction=local]")).stream().findFirst().orElse(null));
            assertTrue(explained.getText().contains("The handshake failed (1006)"), explained.getText());
            assertEquals(0, browser.driver().findElements(By.cssSelector("li[data-type=open]")).size(), "never opened");
        }
    }
}
