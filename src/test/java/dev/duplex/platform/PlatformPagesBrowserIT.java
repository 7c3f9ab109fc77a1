package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Browser;
import dev.duplex.testing.Deployments;
import dev.duplex.testing.WsClient;
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

/** The status dashboard, the Content-Security-Policy and cross-site WebSocket hijacking, in Chromium. */
@ExtendWith(ArquillianExtension.class)
class PlatformPagesBrowserIT {

    /** Non-white pixels of a canvas, counted in the page. */
    private static final String INKED_PIXELS = """
            const c = document.getElementById(arguments[0]);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) n++;
            return n;""";

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
