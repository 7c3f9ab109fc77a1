package dev.duplex.feed.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Browser;
import dev.duplex.testing.Deployments;
import dev.duplex.testing.PageLayout;
import java.net.URL;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The live page and the workbench on {@code /feed}, in headless Chromium against a real Payara Micro. */
@ExtendWith(ArquillianExtension.class)
class LivePageBrowserIT {

    /** The "last" cells of the rows on show, as text. */
    private static final String LAST_PRICES = "return [...document.querySelectorAll('#boardBody tr:not([hidden]) td[data-field=last]')]"
            + ".slice(0, 20).map(c => c.textContent)";

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
    void theBoardFillsAndUpdatesUnderEachSubprotocolAndAChoiceReconnects() throws Exception {
        try (Browser browser = Browser.start()) {
            for (String[] choice : List.of(new String[] {"json", "feed.json"}, new String[] {"binary", "feed.bin"})) {
                browser.open(base + "live.html?protocol=" + choice[0]);
                browser.awaitText("protocol", choice[1]);
                assertEquals("open", browser.find("status").getAttribute("data-state"));
                boardFillsAndMoves(browser, choice[1]);
                browser.await("weather cards under " + choice[1], d -> count(browser, "#weather li.weather-card dd[data-field=temperature]", "°C") > 0);
                long updates = number(browser, "updates");
                browser.await("the footer to count more updates", d -> number(browser, "updates") > updates + 50 && number(browser, "rate") > 0);
                browser.await("a publish-to-screen latency", d -> browser.text("p50").endsWith("ms") && browser.text("p99").endsWith("ms"));
                assertEquals(List.of(), browser.consoleErrors(), "no console errors (CSP, decoding) under " + choice[1]);
            }

            // both offered: the server prefers the client's first, feed.bin; choosing JSON reconnects
            new Select(browser.find("protocolChoice")).selectByValue("both");
            browser.awaitText("protocol", "feed.bin");
            new Select(browser.find("protocolChoice")).selectByValue("json");
            browser.awaitText("protocol", "feed.json");
            boardFillsAndMoves(browser, "feed.json after switching");

            // one update per second per item: the server merges the rest, and says so
            long conflated = number(browser, "conflated");
            new Select(browser.find("frequency")).selectByValue("1");
            browser.await("conflated changes to be counted", d -> number(browser, "conflated") > conflated);
            assertEquals("", browser.text("problem"), "no refusal, no unreadable message");
        }
    }

    @Test
    void onAPhoneTheBoardIsCompactAndNothingScrollsSideways() throws Exception {
        try (Browser browser = Browser.start()) {
            PageLayout.viewport(browser, 390, 844);
            browser.open(base + "live.html?protocol=binary");
            boardFillsAndMoves(browser, "feed.bin at 390 px");
            browser.await("every row on show to get its price once scrolled into view",
                    d -> count(browser, "#boardBody tr:not([hidden]) td[data-field=last]", ".") == 20);
            browser.await("weather cards", d -> count(browser, "#weather li.weather-card", "") > 1);
            assertEquals("20", browser.text("stockShown"), "a phone shows the first 20 symbols");
            assertFalse(browser.driver().findElement(By.cssSelector("#board thead th.wide")).isDisplayed(), "bid, ask and volume are hidden");
            assertEquals(1L, browser.script("return new Set([...document.querySelectorAll('#weather li')].map(c => c.getBoundingClientRect().left)).size"),
                    "the weather cards stand in one column");
            assertEquals(List.of(), PageLayout.problems(browser));

            browser.find("filter").sendKeys("zzzz-no-such-symbol");
            browser.awaitText("stockShown", "0");
            assertEquals(0L, browser.script("return document.querySelectorAll('#boardBody tr:not([hidden])').length"));
        }
    }

    @Test
    void theWorkbenchSubscribesToTheFeedAndDecodesBinaryMessages() throws Exception {
        try (Browser browser = Browser.start()) {
            browser.open(base + "workbench.html");
            new Select(browser.find("preset")).selectByVisibleText("Live feed (binary)");
            assertEquals("feed.bin", browser.find("protocols").getAttribute("value"));
            assertTrue(browser.find("url").getAttribute("value").endsWith("/feed"), browser.find("url").getAttribute("value"));
            browser.find("connect").click();
            browser.awaitText("stateReadyState", "OPEN (1)");
            browser.awaitText("stateProtocol", "\"feed.bin\"");
            browser.await("the hello", d -> !d.findElements(By.cssSelector("li[data-type=message][data-direction=in]")).isEmpty());
            browser.find("sendText").click();
            // decoded like a JSON message is shown (issue 20), with the decoder the live page uses
            WebElement decoded = browser.await("a binary message decoded",
                    d -> d.findElements(By.cssSelector("li[data-type=message][data-direction=in][data-kind='binary (feed.bin, decoded)'] .event-body"))
                            .stream().findFirst().orElse(null));
            String text = decoded.getAttribute("textContent");
            assertTrue(text.contains("\"type\": \"snapshot\"") && text.contains("\"fields\""), "a snapshot with its fields: " + text);
            assertTrue(browser.driver().findElements(By.cssSelector("li[data-type=message][data-direction=in] .hex")).isEmpty(),
                    "no binary feed message left as a hex dump");
        }
    }

    /** Waits until the board has rows with prices and one of the prices on show changes. */
    private static void boardFillsAndMoves(Browser browser, String where) {
        // The page paints only the rows on screen (the others when they scroll into view): on a
        // phone the board starts below the controls, so it is brought into view first.
        browser.script("document.getElementById('board').scrollIntoView()");
        try {
            browser.await("the board to fill under " + where, d -> count(browser, "#boardBody tr:not([hidden]) td[data-field=last]", ".") >= 10);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the board did not fill under " + where + "; the page shows: "
                    + browser.script("return JSON.stringify({rows: document.querySelectorAll('#boardBody tr').length, "
                            + "shown: document.querySelectorAll('#boardBody tr:not([hidden])').length, "
                            + "last: [...document.querySelectorAll('#boardBody tr:not([hidden]) td[data-field=last]')].map(e => e.textContent), "
                            + "text: document.querySelector('main').innerText.slice(-400)})"), e);
        }
        Object before = browser.script(LAST_PRICES);
        browser.await("a price to change under " + where, d -> !before.equals(browser.script(LAST_PRICES)));
    }

    /** How many elements match the selector and have the text in their text. */
    private static long count(Browser browser, String css, String text) {
        return ((Number) browser.script("return [...document.querySelectorAll(arguments[0])].filter(e => e.textContent.includes(arguments[1])).length",
                css, text)).longValue();
    }

    private static long number(Browser browser, String id) {
        String text = browser.text(id).replaceAll("[^0-9]", "");
        return text.isEmpty() ? 0 : Long.parseLong(text);
    }
}
