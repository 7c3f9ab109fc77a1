package dev.duplex.draw.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Browser;
import dev.duplex.testing.Deployments;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * draw.html in two headless Chromiums against a real Payara Micro: each sees the other's stroke
 * (while it is drawn, and then committed to the same pixels), the other's cursor and name, and a
 * late joiner's board, rebuilt from the PNG snapshot one page rendered plus the strokes since,
 * matches the drawer's pixel for pixel. Snapshots are asked for after 3 strokes here.
 */
@ExtendWith(ArquillianExtension.class)
class DrawBrowserIT {

    /** [FNV-1a of the board canvas' RGBA, pixels that are not white]. */
    private static final String BOARD_PIXELS = """
            const c = document.getElementById(arguments[0]);
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let h = 0x811c9dc5, ink = 0;
            for (let i = 0; i < d.length; i += 4) {
              if (d[i] !== 255 || d[i + 1] !== 255 || d[i + 2] !== 255 || d[i + 3] !== 255) ink++;
              for (let j = 0; j < 4; j++) { h ^= d[i + j]; h = Math.imul(h, 16777619); }
            }
            return [h >>> 0, ink];""";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplexWar(Map.of("duplex.draw.compact-after", "3", "duplex.draw.keep-after-snapshot", "1"));
    }

    @ArquillianResource
    URL base;

    @BeforeEach
    void withTheContextRoot() {
        base = Deployments.base(base);
    }

    private void open(Browser browser, String board, String name) {
        browser.open(base + "draw.html#board=" + board);
        browser.await("the socket", d -> "open".equals(browser.find("status").getAttribute("data-state")));
        browser.find("name").clear();
        browser.find("name").sendKeys(name);
        browser.find("join").click();
        browser.await("the welcome as " + name, d -> browser.text("status").endsWith("as " + name)
                && "open".equals(browser.find("status").getAttribute("data-state")));
    }

    private static void stroke(Browser browser, int dx, int dy, boolean release) {
        WebElement overlay = browser.find("overlayCanvas");
        browser.script("arguments[0].scrollIntoView({block: 'center'})", overlay);
        Actions actions = new Actions(browser.driver()).moveToElement(overlay, -dx, -dy).clickAndHold()
                .moveByOffset(dx / 2, dy / 3).moveByOffset(dx / 2, dy / 3).moveByOffset(dx / 2, dy / 3);
        (release ? actions.release() : actions).perform();
    }

    @SuppressWarnings("unchecked")
    private static List<Long> pixels(Browser browser, String canvas) {
        return (List<Long>) browser.script(BOARD_PIXELS, canvas);
    }

    private static boolean snapshotTaken(Browser browser) {
        String upTo = browser.find("stage").getAttribute("data-snapshot-up-to");
        return upTo != null && !"0".equals(upTo);
    }

    private static void awaitStrokes(Browser browser, int count) {
        browser.awaitText("strokeCount", String.valueOf(count));
    }

    @Test
    void twoPagesSeeEachOthersStrokesWhileDrawnAndTheSamePixelsAfter() throws Exception {
        try (Browser ann = Browser.start(); Browser bob = Browser.start()) {
            open(ann, "ui-two", "Ann");
            open(bob, "ui-two", "Bob");
            ann.await("Bob in Ann's list", d -> ann.text("memberNames").contains("Bob"));

            stroke(ann, 120, 90, false);
            bob.await("Ann's stroke on Bob's overlay before her pen lifts", d -> pixels(bob, "overlayCanvas").get(1) > 0);
            bob.await("Ann's cursor with her name", d -> Boolean.TRUE.equals(bob.script(
                    "return [...document.querySelectorAll('#cursors .draw-cursor')].some(c => c.textContent === 'Ann')")));
            new Actions(ann.driver()).release().perform();
            awaitStrokes(bob, 1);
            awaitStrokes(ann, 1);

            stroke(bob, 60, -80, true);
            awaitStrokes(ann, 2);
            awaitStrokes(bob, 2);
            List<Long> annBoard = pixels(ann, "boardCanvas");
            assertTrue(annBoard.get(1) > 100, "ink on the board: " + annBoard);
            bob.await("the same pixels on both pages", d -> pixels(bob, "boardCanvas").equals(pixels(ann, "boardCanvas")));

            bob.find("undo").click();
            awaitStrokes(ann, 1);
            assertNotEquals(annBoard, pixels(ann, "boardCanvas"), "Bob's stroke is gone from Ann's board");
            bob.await("the same pixels after the undo", d -> pixels(bob, "boardCanvas").equals(pixels(ann, "boardCanvas")));

            // layout at 390 px, 44 px targets and axe on a joined board: PagesBrowserIT and PagesAccessibilityBrowserIT
            assertEquals(List.of(), ann.consoleErrors());
            assertEquals(List.of(), bob.consoleErrors());
        }
    }

    @Test
    void aLateJoinersBoardFromTheSnapshotMatchesPixelForPixel() throws Exception {
        try (Browser ann = Browser.start(); Browser cat = Browser.start()) {
            open(ann, "ui-late", "Ann");
            int[][] moves = {{150, 100}, {-120, 60}, {90, -140}, {200, 20}};
            for (int i = 0; i < 2; i++) {
                stroke(ann, moves[i][0], moves[i][1], true);
                awaitStrokes(ann, i + 1);
            }
            // the third stroke: the server asks Ann for a snapshot up to the second, and keeps the third
            stroke(ann, moves[2][0], moves[2][1], true);
            ann.await("Ann's snapshot taken", d -> snapshotTaken(ann));
            awaitStrokes(ann, 1);
            stroke(ann, moves[3][0], moves[3][1], true);
            awaitStrokes(ann, 2);
            List<Long> annBoard = pixels(ann, "boardCanvas");
            assertTrue(annBoard.get(1) > 100, "ink on the board: " + annBoard);

            open(cat, "ui-late", "Cat");
            cat.await("the snapshot and the strokes since", d -> snapshotTaken(cat) && cat.text("strokeCount").equals("2"));
            assertEquals(annBoard, pixels(cat, "boardCanvas"), "the late joiner's board, pixel for pixel");
            assertEquals(List.of(), cat.consoleErrors());
        }
    }
}
