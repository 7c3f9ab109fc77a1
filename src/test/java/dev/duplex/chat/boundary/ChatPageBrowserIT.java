package dev.duplex.chat.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Browser;
import dev.duplex.testing.Deployments;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/** The chat page in two separate headless Chromium browsers against a real Payara Micro. */
@ExtendWith(ArquillianExtension.class)
class ChatPageBrowserIT {

    private static final String XSS = "<img src=x onerror=alert(1)>";

    /** Records calls of alert() instead of showing them, so that a test can see whether any happened. */
    private static final String SPY_ON_ALERTS = "window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));";

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
    void twoBrowsersChatAndMarkupIsShownAsTextNeverRun() throws Exception {
        try (Browser ada = Browser.start(); Browser bob = Browser.start()) {
            join(ada, "ada");
            join(bob, "bob");
            ada.awaitText("memberCount", "2");
            assertEquals(List.of("ada", "bob"), texts(ada, "#members li"));
            assertTrue(texts(ada, "#messages li.chat-system").contains("bob joined the room"));
            assertEquals("ws", ((String) ada.script("return document.getElementById('socketUrl').textContent")).substring(0, 2));
            ada.script(SPY_ON_ALERTS);
            bob.script(SPY_ON_ALERTS);

            ada.find("text").sendKeys(XSS, Keys.ENTER);
            for (Browser browser : List.of(ada, bob)) {
                WebElement line = awaitMessage(browser, 1);
                assertEquals(XSS, line.findElement(By.className("text")).getText(), "the markup shows as text");
                assertEquals("ada", line.findElement(By.className("from")).getText());
                // today's messages show seconds (a message sent across midnight shows its date instead);
                // the full date and time are in the title
                WebElement time = line.findElement(By.className("time"));
                assertTrue(time.getText().matches("\\d\\d:\\d\\d:\\d\\d|\\d\\d-\\d\\d \\d\\d:\\d\\d"), time.getText());
                assertTrue(time.getAttribute("title").matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"), time.getAttribute("title"));
                assertEquals(0L, browser.script("return document.querySelectorAll('#messages img').length"), "no image element");
                assertEquals(List.of(), browser.script("return window.__alerts"), "alert() never ran");
                assertThrows(NoAlertPresentException.class, () -> browser.driver().switchTo().alert());
            }
            assertTrue(awaitMessage(ada, 1).getAttribute("class").contains("own"), "ada's own message is marked");
            assertFalse(awaitMessage(bob, 1).getAttribute("class").contains("own"));
            assertEquals("", ada.find("text").getAttribute("value"), "the input is cleared after sending");

            bob.find("text").sendKeys("hi ada");
            bob.find("send").click();
            assertEquals("hi ada", awaitMessage(ada, 2).findElement(By.className("text")).getText());

            // Bob's page goes away (a closed lid, another tab) and comes back: it reconnects and catches up.
            bob.script("window.dispatchEvent(new PageTransitionEvent('pagehide'))");
            ada.awaitText("memberCount", "1");
            ada.find("text").sendKeys("while you were away", Keys.ENTER);
            awaitMessage(ada, 3);
            bob.script("window.dispatchEvent(new PageTransitionEvent('pageshow'))");
            assertEquals("while you were away", awaitMessage(bob, 3).findElement(By.className("text")).getText());
            bob.await("the catch-up notice; the list reads " + texts(bob, "#messages li"), d -> texts(bob, "#messages li.chat-system")
                    .contains("Reconnected; caught up on 1 missed message."));
            assertEquals(3, texts(bob, "#messages li.chat-message").size(), "nothing shown twice");
            ada.awaitText("memberCount", "2");
        }
    }

    private void join(Browser browser, String nick) {
        browser.open(base + "chat.html");
        browser.await("the socket to open", d -> "open".equals(browser.find("status").getAttribute("data-state")));
        browser.find("nick").sendKeys(nick);
        WebElement room = browser.find("room");
        room.clear();
        room.sendKeys("browser");
        browser.find("join").click();
        browser.await(nick + " to be welcomed", d -> browser.text("roomName").equals("in browser as " + nick));
    }

    private static WebElement awaitMessage(Browser browser, int n) {
        return browser.await(n + " chat messages", d -> {
            List<WebElement> lines = d.findElements(By.cssSelector("#messages li.chat-message"));
            return lines.size() >= n ? lines.get(n - 1) : null;
        });
    }

    private static List<String> texts(Browser browser, String css) {
        return browser.driver().findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }
}
