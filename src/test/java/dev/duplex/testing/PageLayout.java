package dev.duplex.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Checks a page's layout the way a person on a phone would notice it: the document must not be
 * wider than the viewport, and no element may stick out of its container sideways (content
 * inside a box that scrolls by itself, such as a table or a hex dump, is allowed to be wider than
 * that box). Viewports are set exactly with Chromium's device-metrics emulation.
 */
public final class PageLayout {

    /** The sizes every page is checked and photographed at. */
    public static final List<int[]> SIZES = List.of(new int[] {390, 844}, new int[] {1280, 800});

    /** The pages, as their file names. */
    public static final List<String> PAGES = List.of("index.html", "workbench.html", "image.html", "chat.html", "live.html", "draw.html", "play.html", "status.html");

    /** Returns a list of problems, one line each, empty when the layout is sound. */
    private static final String PROBLEMS = """
            const problems = [];
            const root = document.documentElement;
            const vw = root.clientWidth;
            if (root.scrollWidth > vw) problems.push(`the document is ${root.scrollWidth} px wide in a ${vw} px viewport`);
            const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
            const path = (e) => { const parts = []; for (let n = e; n && n !== document.body && parts.length < 4; n = n.parentElement) parts.unshift(name(n)); return parts.join(' > '); };
            const scrolls = (e) => { const o = getComputedStyle(e).overflowX; return o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip'; };
            const shown = (e) => { const s = getComputedStyle(e); return s.display !== 'none' && s.visibility !== 'hidden' && s.position !== 'absolute' && s.position !== 'fixed'; };
            for (const e of document.body.querySelectorAll('*')) {
              if (!shown(e) || e.closest('[hidden]')) continue;
              const r = e.getBoundingClientRect();
              if (r.width === 0 && r.height === 0) continue;
              let inside = false;
              for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) if (scrolls(a)) { inside = true; break; }
              if (inside) continue;
              if (r.right > vw + 0.5 || r.left < -0.5) { problems.push(`${path(e)} spans ${Math.round(r.left)}..${Math.round(r.right)} px in a ${vw} px viewport`); continue; }
              const p = e.parentElement;
              if (p && p !== document.body) {
                const pr = p.getBoundingClientRect();
                if (r.right > pr.right + 1 || r.left < pr.left - 1) problems.push(`${path(e)} sticks out of its container (${Math.round(r.left)}..${Math.round(r.right)} vs ${Math.round(pr.left)}..${Math.round(pr.right)})`);
              }
              if (!scrolls(e) && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== 'inline') {
                problems.push(`${path(e)} has content ${e.scrollWidth} px wide in ${e.clientWidth} px`);
              }
            }
            return problems.slice(0, 20);""";

    private PageLayout() {
    }

    /** Sets the viewport to exactly width x height CSS pixels (a phone-like touch screen when narrow). */
    public static void viewport(Browser browser, int width, int height) {
        ((ChromeDriver) browser.driver()).executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
    }

    /** The page's layout problems at its current viewport; empty when it fits. */
    @SuppressWarnings("unchecked")
    public static List<String> problems(Browser browser) {
        return new ArrayList<>((List<String>) browser.script(PROBLEMS));
    }

    /** Saves a PNG of the viewport. */
    public static void screenshot(Browser browser, Path file) throws IOException {
        Object shot = ((ChromeDriver) browser.driver()).executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode((String) ((Map<?, ?>) shot).get("data")));
    }

    /**
     * Gives a page something to show in its picture and its checks: the workbench a few messages,
     * the chat a member, the draw page its joined board, the play page a room it plays in.
     */
    public static void stage(Browser browser, String page) {
        if (page.equals("workbench.html")) {
            browser.find("connect").click();
            browser.awaitText("stateReadyState", "OPEN (1)");
            for (String[] message : List.of(new String[] {"{\"type\":\"hello\",\"items\":[1,2,3]}", "sendJson"},
                    new String[] {"de ad be ef 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 48 65 6c 6c 6f", "sendHex"},
                    new String[] {"Hello, WebSocket", "sendText"})) {
                browser.find("payload").clear();
                browser.find("payload").sendKeys(message[0]);
                browser.find(message[1]).click();
            }
            browser.await("the echoes", d -> d.findElements(org.openqa.selenium.By.cssSelector("li[data-type=message]")).size() >= 3);
            browser.script("window.scrollTo(0, 0)");
        } else if (page.equals("live.html")) {
            browser.await("the board and the weather", d -> Boolean.TRUE.equals(browser.script(
                    "return [...document.querySelectorAll('#boardBody td[data-field=last]')].filter(c => c.textContent.includes('.')).length > 5"
                    + " && document.querySelectorAll('#weather li').length > 1")));
        } else if (page.equals("chat.html")) {
            browser.await("the chat socket", d -> "open".equals(browser.find("status").getAttribute("data-state")));
            // the tab remembers its membership: after the first size, the page rejoins by itself
            browser.await("a rejoin or the join form", d -> browser.text("roomName").startsWith("in lobby") || browser.find("join").isEnabled());
            if (browser.text("roomName").startsWith("in lobby")) {
                return;
            }
            browser.find("nick").sendKeys("ada" + System.nanoTime() % 1000);
            browser.find("join").click();
            browser.await("the welcome", d -> browser.text("roomName").startsWith("in lobby"));
        } else if (page.equals("draw.html")) {
            // the page joins its board (lobby) by itself, as a guest or the name it remembers
            browser.await("the board joined", d -> "open".equals(browser.find("status").getAttribute("data-state"))
                    && browser.text("status").contains(" as "));
        } else if (page.equals("play.html")) {
            // matched into any room with a free slot: the page playing, its arena, stats and scores filled
            browser.find("name").clear();
            browser.find("name").sendKeys("ada" + System.nanoTime() % 1000);
            browser.find("play").click();
            browser.await("the game", d -> "open".equals(browser.find("status").getAttribute("data-state"))
                    && !browser.text("tick").equals("–") && browser.driver().findElements(org.openqa.selenium.By.cssSelector("#scores li")).size() > 0);
            browser.script("window.scrollTo(0, 0)");
        }
    }

    /**
     * Checks every page at both sizes against a running server and saves screenshots:
     * {@code java ... dev.duplex.testing.PageLayout http://localhost:8080/ docs/screenshots/after}.
     * Prints the problems found; exits 1 when there are any.
     */
    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:8080/";
        Path out = Path.of(args.length > 1 ? args[1] : "docs/screenshots/after");
        int failures = 0;
        try (Browser browser = Browser.start()) {
            for (String page : PAGES) {
                for (int[] size : SIZES) {
                    viewport(browser, size[0], size[1]);
                    browser.open(base + page);
                    browser.await(page + " to settle", d -> Boolean.TRUE.equals(browser.script(
                            "return document.readyState === 'complete' && !!document.querySelector('nav.site-nav a')")));
                    stage(browser, page);
                    Thread.sleep(1500); // a picture, not a test: let sockets open and charts draw
                    List<String> problems = problems(browser);
                    problems.addAll(browser.consoleErrors());
                    String name = page.replace(".html", "") + "-" + size[0] + "x" + size[1];
                    screenshot(browser, out.resolve(name + ".png"));
                    System.out.println(name + ": " + (problems.isEmpty() ? "ok" : String.join("\n    ", problems)));
                    failures += problems.size();
                }
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
