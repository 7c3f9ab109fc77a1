package dev.duplex.echo.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Browser;
import dev.duplex.testing.Deployments;
import java.net.URL;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** The echo page and the workbench in a real headless Chromium against a real Payara Micro. */
@ExtendWith(ArquillianExtension.class)
class EchoPagesBrowserIT {

    /** How many pixels of two canvases differ, computed in the page. */
    private static final String DIFFERING_PIXELS = """
            const a = document.getElementById(arguments[0]), b = document.getElementById(arguments[1]);
            const pa = a.getContext('2d').getImageData(0, 0, a.width, a.height).data;
            const pb = b.getContext('2d').getImageData(0, 0, b.width, b.height).data;
            let differing = 0;
            for (let i = 0; i < pa.length; i += 4) {
              if (pa[i] !== pb[i] || pa[i + 1] !== pb[i + 1] || pa[i + 2] !== pb[i + 2] || pa[i + 3] !== pb[i + 3]) differing++;
            }
            return differing;""";

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
    void seedPageEchoesTextAndDrawsTheCanvasBackPixelForPixel() throws Exception {
        try (Browser browser = Browser.start()) {
            browser.open(base + "index.html");
            browser.awaitText("serverStatus", "WebSocket Status:: Socket Open");
            assertTrue(browser.text("extensions").contains("permessage-deflate"), "extensions: " + browser.text("extensions"));

            WebElement input = browser.find("textmessage");
            input.clear();
            input.sendKeys("Grüße <b>not bold</b>");
            browser.find("sendText").click();
            browser.awaitText("serverResponse", "Server Reply:: Grüße <b>not bold</b>");

            String pictureBefore = (String) browser.script("return document.getElementById('source').toDataURL()");
            WebElement source = browser.find("source");
            new Actions(browser.driver()).moveToElement(source, -100, -60).clickAndHold()
                    .moveByOffset(80, 20).moveByOffset(60, 50).release().perform();
            assertNotEquals(pictureBefore, browser.script("return document.getElementById('source').toDataURL()"),
                    "the mouse drew on the source canvas");

            long differingBefore = ((Number) browser.script(DIFFERING_PIXELS, "source", "destination")).longValue();
            assertTrue(differingBefore > 1000, "the destination starts out blank");
            browser.find("sendBinary").click();
            browser.await("the destination canvas to equal the source",
                    d -> ((Number) browser.script(DIFFERING_PIXELS, "source", "destination")).longValue() == 0);
            assertTrue(browser.text("destinationStatus").startsWith("Drew the"), browser.text("destinationStatus"));
        }
    }

    @Test
    void workbenchShowsStatesProtocolExtensionsMessagesAndTheCloseCode() throws Exception {
        try (Browser browser = Browser.start()) {
            browser.open(base + "workbench.html");
            assertEquals(Deployments.websocket(base, "echo").toString(), browser.find("url").getAttribute("value"));
            browser.find("protocols").sendKeys("echo");
            browser.find("connect").click();
            browser.awaitText("stateReadyState", "OPEN (1)");
            assertEquals("\"echo\"", browser.text("stateProtocol"));
            assertTrue(browser.text("stateExtensions").contains("permessage-deflate"), browser.text("stateExtensions"));

            send(browser, "payload", "hello workbench", "sendText");
            WebElement text = awaitIncoming(browser, 1);
            assertEquals("hello workbench", text.findElement(By.className("event-body")).getText());
            assertTrue(text.findElement(By.className("rtt")).getText().matches("rtt \\d+\\.\\d ms"), "round trip shown");

            send(browser, "payload", "{\"a\":1,\"b\":[true,null]}", "sendJson");
            WebElement json = awaitIncoming(browser, 2);
            assertEquals("json", json.getAttribute("data-kind"));
            assertEquals("{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null\n  ]\n}", json.findElement(By.className("event-body")).getText());

            send(browser, "payload", "de ad be ef 00 ff", "sendHex");
            WebElement binary = awaitIncoming(browser, 3);
            assertTrue(binary.getAttribute("data-kind").startsWith("binary"), binary.getAttribute("data-kind"));
            assertTrue(binary.findElement(By.className("event-body")).getText().startsWith("00000000  de ad be ef 00 ff"),
                    binary.findElement(By.className("event-body")).getText());

            browser.find("repeat").clear();
            browser.find("repeat").sendKeys("50");
            send(browser, "payload", "again", "sendText");
            awaitIncoming(browser, 53);

            browser.find("closeCode").clear();
            browser.find("closeCode").sendKeys("4000");
            browser.find("closeReason").sendKeys("bye");
            browser.find("close").click();
            browser.awaitText("stateReadyState", "CLOSED (3)");
            WebElement close = browser.await("the close event", d -> d.findElements(By.cssSelector("li[data-type=close]"))
                    .stream().findFirst().orElse(null));
            assertEquals("4000", close.getAttribute("data-code"));
            // the server answers a client's close with its code and no reason: it sends only its own texts (README, close codes)
            assertTrue(close.getText().contains("reason \"\"") && close.getText().contains("wasClean true"), close.getText());

            List<String> states = browser.driver().findElements(By.cssSelector("li[data-type=state] .summary")).stream()
                    .map(WebElement::getText).collect(Collectors.toList());
            assertEquals(List.of("readyState CONNECTING (0)", "readyState OPEN (1)", "readyState CLOSING (2)", "readyState CLOSED (3)"), states);
        }
    }

    private static void send(Browser browser, String field, String value, String button) {
        WebElement payload = browser.find(field);
        payload.clear();
        payload.sendKeys(value);
        browser.find(button).click();
    }

    /** Waits for the n-th message from the server in the log and returns its row. */
    private static WebElement awaitIncoming(Browser browser, int n) {
        return browser.await(n + " messages from the server", d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("li[data-type=message][data-direction=in]"));
            return rows.size() >= n ? rows.get(n - 1) : null;
        });
    }
}
