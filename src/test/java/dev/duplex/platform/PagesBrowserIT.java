package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Browser;
import dev.duplex.testing.Deployments;
import dev.duplex.testing.PageLayout;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Every page at a phone's and a laptop's size, and the rules that make the pages honest about
 * their sockets (issue 11), in headless Chromium against a real Payara Micro.
 */
@ExtendWith(ArquillianExtension.class)
class PagesBrowserIT {

    /** Whether the event log shows its newest row. */
    private static final String LOG_AT_BOTTOM = """
            const l = document.getElementById('events');
            return l.scrollHeight - l.scrollTop - l.clientHeight < 24;""";

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
    void everyPageFitsPhonesAndLaptopsWithoutConsoleErrors() throws Exception {
        List<String> problems = new ArrayList<>();
        try (Browser browser = Browser.start()) {
            for (int[] size : PageLayout.SIZES) {
                PageLayout.viewport(browser, size[0], size[1]);
                for (String page : PageLayout.PAGES) {
                    browser.open(base + page);
                    browser.await(page + " to build its nav", d -> !d.findElements(By.cssSelector("nav.site-nav a[aria-current=page]")).isEmpty());
                    fillWithContent(browser, page);
                    String where = page + " at " + size[0] + "x" + size[1] + ": ";
                    PageLayout.problems(browser).forEach(p -> problems.add(where + p));
                    browser.consoleErrors().forEach(e -> problems.add(where + "console: " + e));
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Puts the long things a page can show on it (URLs, hex dumps, results), so that the check sees them. */
    private void fillWithContent(Browser browser, String page) {
        switch (page) {
            case "index.html" -> browser.awaitText("serverStatus", "WebSocket Status:: Socket Open");
            case "workbench.html" -> {
                browser.find("connect").click();
                browser.awaitText("stateReadyState", "OPEN (1)");
                send(browser, "payload", "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19", "sendHex");
                browser.await("the hex dump's echo", d -> !d.findElements(By.cssSelector("li[data-type=message][data-direction=in] .hex")).isEmpty());
            }
            case "image.html" -> browser.await("the operations from the server", d -> browser.find("send").isEnabled());
            case "status.html" -> browser.await("the first figures", d -> browser.text("updated").startsWith("Live"));
            case "live.html" -> browser.awaitText("protocol", "feed.bin");
            case "draw.html" -> browser.await("the board's socket", d -> "open".equals(browser.find("status").getAttribute("data-state")));
            case "play.html" -> {
                browser.find("name").clear();
                browser.find("name").sendKeys("pages");
                browser.find("room").clear();
                browser.find("room").sendKeys("pages-it");
                browser.find("play").click();
                browser.await("the game's socket", d -> "open".equals(browser.find("status").getAttribute("data-state")));
            }
            case "chat.html" -> browser.await("the chat socket", d -> "open".equals(browser.find("status").getAttribute("data-state")));
            default -> throw new AssertionError("no content to fill " + page + " with: add it here");
        }
    }

    @Test
    void echoPageEnablesOnlyWhatCanActAndClearsWhatIsStale() throws Exception {
        try (Browser browser = Browser.start()) {
            browser.open(base + "index.html");
            browser.awaitText("serverStatus", "WebSocket Status:: Socket Open");
            assertEquals("open", browser.find("serverStatus").getAttribute("data-state"));
            assertFalse(browser.find("reconnect").isEnabled(), "Open socket while open");
            send(browser, "textmessage", "still here?", "sendText");
            browser.awaitText("serverResponse", "Server Reply:: still here?");

            browser.find("disconnect").click();
            browser.awaitText("serverStatus", "WebSocket Status:: Socket Closed");
            assertEquals("closed", browser.find("serverStatus").getAttribute("data-state"));
            for (String id : List.of("sendText", "sendBinary", "disconnect", "textmessage")) {
                assertFalse(browser.find(id).isEnabled(), id + " is disabled while closed");
            }
            assertTrue(browser.find("reconnect").isEnabled());
            assertEquals("—", browser.text("protocol"));
            assertEquals("—", browser.text("extensions"));
            assertEquals("Server Reply::", browser.text("serverResponse"), "the closed socket's reply is gone");
            assertTrue(browser.text("closeDetail").startsWith("code 1000"), browser.text("closeDetail"));

            browser.find("reconnect").click();
            browser.awaitText("serverStatus", "WebSocket Status:: Socket Open");
            assertTrue(browser.find("sendText").isEnabled() && browser.find("sendBinary").isEnabled());
            assertTrue(browser.text("extensions").contains("permessage-deflate"), browser.text("extensions"));
        }
    }

    @Test
    void workbenchLogFollowsPausesFiltersAndTheConnectionIsRemembered() throws Exception {
        try (Browser browser = Browser.start()) {
            browser.open(base + "workbench.html");
            assertFalse(browser.find("sendText").isEnabled(), "nothing to send on before connecting");
            assertFalse(browser.find("close").isEnabled(), "Close is disabled with no socket");
            browser.find("protocols").sendKeys("echo");
            browser.find("autoReconnect").click();
            browser.find("saveConnection").click();
            browser.awaitText("savedCount", "1");
            browser.find("connect").click();
            browser.awaitText("stateReadyState", "OPEN (1)");

            browser.find("repeat").clear();
            browser.find("repeat").sendKeys("80");
            send(browser, "payload", "a line", "sendText");
            awaitIncoming(browser, 80);
            browser.await("the log to follow the newest event", d -> Boolean.TRUE.equals(browser.script(LOG_AT_BOTTOM)));

            browser.script("document.getElementById('events').scrollTop = 0");
            browser.find("repeat").clear();
            browser.find("repeat").sendKeys("3");
            send(browser, "payload", "while reading", "sendText");
            awaitIncoming(browser, 83);
            WebElement pill = browser.await("the 'N new' pill", d -> browser.find("newPill").isDisplayed() ? browser.find("newPill") : null);
            assertTrue(pill.getText().matches("\\d+ new ↓"), pill.getText());
            assertEquals(0L, ((Number) browser.script("return document.getElementById('events').scrollTop")).longValue(), "stays where the reader is");
            pill.click();
            browser.await("the log at its end again", d -> Boolean.TRUE.equals(browser.script(LOG_AT_BOTTOM)) && !browser.find("newPill").isDisplayed());

            browser.find("pauseLog").click();
            int rows = rows(browser, "#events li");
            send(browser, "payload", "held back", "sendText");
            browser.await("events held while paused", d -> browser.text("logCount").contains("waiting (paused)"));
            assertEquals(rows, rows(browser, "#events li"), "nothing added while paused");
            browser.find("pauseLog").click();
            awaitIncoming(browser, 86);

            new Select(browser.find("filterDirection")).selectByValue("out");
            List<WebElement> shown = browser.driver().findElements(By.cssSelector("#events li:not([hidden])"));
            assertFalse(shown.isEmpty());
            assertTrue(shown.stream().allMatch(r -> "out".equals(r.getAttribute("data-direction"))), "only what was sent");
            new Select(browser.find("filterDirection")).selectByValue("");
            browser.find("filterText").sendKeys("held back");
            browser.await("the search to keep matching rows only", d -> rows(browser, "#events li:not([hidden])") == 4); // the send row (× 3) and three echoes

            browser.driver().navigate().refresh();
            browser.await("the saved connection after a reload", d -> "echo".equals(browser.find("protocols").getAttribute("value")));
            assertEquals(Deployments.websocket(base, "echo").toString(), browser.find("url").getAttribute("value"));
            assertTrue(browser.find("autoReconnect").isSelected());
            assertEquals("1", browser.text("savedCount"));
            assertEquals(List.of(), browser.consoleErrors());
        }
    }

    @Test
    void workbenchCountsWhatItShowsExplainsAFailedHandshakeAndKeepsItsLogAcrossAReload() throws Exception {
        Path exported = Files.createTempFile("duplex-log-", ".json");
        try (Browser browser = Browser.start()) {
            browser.open(base + "workbench.html");
            // Save accepts what Connect accepts: a URL relative to the page, made ws://
            WebElement url = browser.find("url");
            url.clear();
            url.sendKeys("echo");
            browser.find("saveConnection").click();
            browser.awaitText("savedCount", "1");
            assertEquals("", browser.text("connectError"));
            assertTrue(browser.text("savedList").contains(Deployments.websocket(base, "echo").toString()), browser.text("savedList"));
            url.clear();
            url.sendKeys("ftp://example.org/echo");
            browser.find("saveConnection").click();
            browser.awaitText("connectError", "Not saved: The URL's scheme must be ws, wss, http or https, not \"ftp\".");

            url.clear();
            url.sendKeys(Deployments.websocket(base, "nope").toString());
            browser.find("connect").click();
            browser.await("the handshake's failure explained", d -> browser.text("connectError").contains("answered 404"));
            assertTrue(browser.text("connectError").startsWith("The handshake failed (1006): an HTTP GET of "), browser.text("connectError"));

            url.clear();
            url.sendKeys(Deployments.websocket(base, "echo").toString());
            browser.find("connect").click();
            browser.awaitText("stateReadyState", "OPEN (1)");
            WebElement payload = browser.find("payload");
            payload.clear();
            payload.sendKeys("sent with the keyboard");
            payload.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
            awaitIncoming(browser, 1);
            assertTrue(browser.text("events").contains("sent with the keyboard"));

            new Select(browser.find("filterDirection")).selectByValue("in");
            int shown = rows(browser, "#events li:not([hidden])");
            int all = rows(browser, "#events li");
            assertTrue(shown < all, shown + " of " + all);
            browser.awaitText("logCount", shown + " of " + all + " events shown");
            new Select(browser.find("filterDirection")).selectByValue("");
            browser.awaitText("logCount", all + " events");

            browser.driver().navigate().refresh();
            browser.await("the log kept across the reload", d -> rows(browser, "#events li") >= all
                    && browser.text("events").contains("sent with the keyboard"));

            Files.writeString(exported, """
                    [{"time":"2026-12-05T10:00:00.000Z","direction":"in","type":"message","kind":"text","size":8,"body":"imported"},
                     {"time":"2026-12-05T10:00:01.000Z","direction":"in","type":"close","close":{"code":1001,"reason":"Server shutting down","wasClean":true}}]""");
            browser.find("importFile").sendKeys(exported.toString());
            browser.awaitText("logStoreNote", "Imported 2 events from " + exported.getFileName() + ".");
            assertTrue(browser.text("events").contains("imported"));
            assertTrue(browser.text("events").contains("code 1001 · reason \"Server shutting down\""), browser.text("events"));
            Files.writeString(exported, "{\"not\": \"a log\"}");
            browser.find("importFile").sendKeys(exported.toString());
            browser.awaitText("logStoreNote", "Not imported: Not an exported log: expected a JSON array of events.");

            browser.find("clearLog").click();
            browser.driver().navigate().refresh();
            browser.await("the page after the reload", d -> !d.findElements(By.cssSelector("nav.site-nav a")).isEmpty());
            browser.await("nothing restored after Clear", d -> browser.text("logCount").equals("0 events"));
            assertEquals(List.of(), browser.consoleErrors().stream().filter(e -> !e.contains("/nope")).toList());
        } finally {
            Files.deleteIfExists(exported);
        }
    }

    @Test
    void chatReloadKeepsTheNicknameAndLeaveEmptiesTheRoom() throws Exception {
        String room = "reload" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        try (Browser ada = Browser.start(); Browser bob = Browser.start()) {
            join(ada, "ada", room);
            join(bob, "bob", room);
            ada.awaitText("memberCount", "2");
            ada.find("text").sendKeys("before the reload");
            ada.find("send").click();
            bob.await("ada's message", d -> bob.text("messages").contains("before the reload"));
            assertEquals(List.of(), presenceOf(bob, "ada"), "ada was there before bob");

            ada.driver().navigate().refresh();
            ada.await("ada back in the room without typing anything", d -> ada.text("roomName").equals("in " + room + " as ada"));
            assertEquals("ada", ada.find("nick").getAttribute("value"));
            assertTrue(ada.text("messages").contains("before the reload"), "the room's history is shown again");
            ada.find("text").sendKeys("after the reload");
            ada.find("send").click();
            // Presence and messages reach bob in the order the server sent them: a leave/join of
            // the reload would be on bob's screen before this message.
            bob.await("ada's message after the reload", d -> bob.text("messages").contains("after the reload"));
            assertEquals(List.of(), presenceOf(bob, "ada"), "bob saw no leave or join of ada's reload");
            assertEquals(List.of("ada", "bob"), textsOf(bob, "#members li"));
            assertEquals("2", bob.text("memberCount"));

            ada.find("leave").click();
            ada.awaitText("memberCount", "0");
            bob.await("bob to see ada leave", d -> textsOf(bob, "#members li").equals(List.of("bob")));
            assertEquals(List.of(), textsOf(ada, "#members li"), "the server's own 'left' does not refill the list");
            assertEquals(List.of("You left the room."), textsOf(ada, "#messages li.chat-system").stream()
                    .filter(t -> t.contains("left")).toList(), "one line for leaving");
            assertEquals(List.of(), ada.consoleErrors());
        }
    }

    private void join(Browser browser, String nick, String room) {
        browser.open(base + "chat.html");
        browser.await("the chat socket", d -> "open".equals(browser.find("status").getAttribute("data-state")));
        browser.find("nick").sendKeys(nick);
        WebElement roomField = browser.find("room");
        roomField.clear();
        roomField.sendKeys(room);
        browser.find("join").click();
        browser.await(nick + " to be welcomed", d -> browser.text("roomName").equals("in " + room + " as " + nick));
    }

    private static void send(Browser browser, String field, String value, String button) {
        WebElement input = browser.find(field);
        input.clear();
        input.sendKeys(value);
        browser.find(button).click();
    }

    private static void awaitIncoming(Browser browser, int n) {
        browser.await(n + " messages from the server", d -> rows(browser, "li[data-type=message][data-direction=in]") >= n);
    }

    private static int rows(Browser browser, String css) {
        return browser.driver().findElements(By.cssSelector(css)).size();
    }

    /** The presence lines about {@code nick} on the browser's message list. */
    private static List<String> presenceOf(Browser browser, String nick) {
        return textsOf(browser, "#messages li.chat-system").stream().filter(t -> t.startsWith(nick + " ")).toList();
    }

    private static List<String> textsOf(Browser browser, String css) {
        return browser.driver().findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }
}
