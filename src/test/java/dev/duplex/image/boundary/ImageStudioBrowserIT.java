package dev.duplex.image.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/** The image studio in a real headless Chromium against a real Payara Micro. */
@ExtendWith(ArquillianExtension.class)
class ImageStudioBrowserIT {

    /**
     * Compares the destination with the Rec. 601 grayscale of the source, computed here in the
     * test, independently of the page's code: [largest difference, pixels not gray, source pixels in colour].
     */
    private static final String GRAY_CHECK = """
            const s = document.getElementById('source'), d = document.getElementById('destination');
            if (s.width !== d.width || s.height !== d.height) return ['size ' + d.width + 'x' + d.height];
            const ps = s.getContext('2d').getImageData(0, 0, s.width, s.height).data;
            const pd = d.getContext('2d').getImageData(0, 0, d.width, d.height).data;
            let maxDifference = 0, notGray = 0, colourful = 0;
            for (let i = 0; i < ps.length; i += 4) {
              const y = Math.round(0.299 * ps[i] + 0.587 * ps[i + 1] + 0.114 * ps[i + 2]);
              if (pd[i] !== pd[i + 1] || pd[i] !== pd[i + 2]) notGray++;
              maxDifference = Math.max(maxDifference, Math.abs(pd[i] - y));
              if (ps[i] !== ps[i + 1] || ps[i] !== ps[i + 2]) colourful++;
            }
            return [maxDifference, notGray, colourful];""";

    /** Whether the two canvases hold the same pixels: then Chromium encodes them to the same PNG. */
    private static final String SAME_PIXELS = """
            const a = document.getElementById('source'), b = document.getElementById('destination');
            return a.width === b.width && a.height === b.height && a.toDataURL() === b.toDataURL();""";

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

    private void openStudio(Browser browser) {
        browser.open(base + "image.html");
        browser.await("the socket to open", d -> "open".equals(browser.find("connection").getAttribute("data-state")));
        browser.await("the operations from the server", d -> d.findElements(By.cssSelector("#chain .step-op option")).size() == 13);
    }

    private static Select step(Browser browser, int index) {
        return new Select(browser.driver().findElements(By.cssSelector("#chain .step-op")).get(index));
    }

    private static void draw(Browser browser) {
        WebElement source = browser.find("source");
        // pointer actions do not scroll: the canvas must be in the viewport (the operations panel
        // above it grew by a visible description per step)
        browser.script("arguments[0].scrollIntoView({block: 'center'})", source);
        new Actions(browser.driver()).moveToElement(source, -120, -80).clickAndHold()
                .moveByOffset(90, 30).moveByOffset(70, 60).moveByOffset(-40, 40).release().perform();
    }

    /** Clicks send and waits until the reply to the n-th image has been drawn. */
    private static void sendAndAwait(Browser browser, int seq) {
        browser.find("send").click();
        browser.await("the result of image " + seq + " (error: \"" + browser.text("error") + "\")",
                d -> String.valueOf(seq).equals(browser.find("resultStatus").getAttribute("data-seq")));
    }

    @Test
    void grayscaleDrawsTheGrayOfTheSourcePixels() throws Exception {
        try (Browser browser = Browser.start()) {
            openStudio(browser);
            String before = (String) browser.script("return document.getElementById('source').toDataURL()");
            draw(browser);
            assertTrue(!before.equals(browser.script("return document.getElementById('source').toDataURL()")),
                    "the pen drew on the source canvas");
            step(browser, 0).selectByValue("grayscale");
            sendAndAwait(browser, 1);

            List<?> check = (List<?>) browser.script(GRAY_CHECK);
            assertEquals(3, check.size(), "same size: " + check);
            assertTrue(((Number) check.get(0)).intValue() <= 1, "each pixel is the source's luma, ±1: " + check);
            assertEquals(0L, ((Number) check.get(1)).longValue(), "every pixel gray: " + check);
            assertTrue(((Number) check.get(2)).longValue() > 10_000, "the source was in colour: " + check);
            assertEquals("grayscale", browser.text("statOps"));
            assertEquals("512×384 → 512×384", browser.text("statSize"));
            assertTrue(browser.text("statRoundTrip").matches("\\d+\\.\\d ms"), browser.text("statRoundTrip"));
            assertTrue(browser.text("statServer").matches("\\d+\\.\\d ms \\(waited \\d+\\.\\d ms for a worker\\)"),
                    browser.text("statServer"));
            assertEquals("", browser.text("error"));
        }
    }

    @Test
    void echoIsPixelIdenticalAndThePageSaysSo() throws Exception {
        try (Browser browser = Browser.start()) {
            openStudio(browser);
            draw(browser);
            step(browser, 0).selectByValue("echo");
            sendAndAwait(browser, 1);
            assertEquals(Boolean.TRUE, browser.script(SAME_PIXELS), "the destination equals the source pixel for pixel");
            String verdict = browser.text("identity");
            assertTrue(verdict.startsWith("Byte-identical: the server sent back the same ")
                    && verdict.endsWith("; pixel-identical to the source canvas."), verdict);

            new Select(browser.find("blobType")).selectByValue("image/jpeg");
            sendAndAwait(browser, 2);
            String lossy = browser.text("identity");
            assertTrue(lossy.startsWith("Byte-identical") && lossy.contains("(image/jpeg is lossy)"), lossy);
            assertTrue(browser.text("statSent").endsWith("(jpeg)"), browser.text("statSent"));
        }
    }

    @Test
    void webpFromTheBrowserIsDecodedAndServerErrorsAreShown() throws Exception {
        try (Browser browser = Browser.start()) {
            openStudio(browser);
            new Select(browser.find("blobType")).selectByValue("image/webp");
            sendAndAwait(browser, 1);
            assertTrue(browser.text("statSent").endsWith("(webp)"), browser.text("statSent"));
            List<?> check = (List<?>) browser.script(GRAY_CHECK);
            assertEquals(0L, ((Number) check.get(1)).longValue(), "gray from a WebP: " + check);

            browser.find("addStep").click();
            step(browser, 1).selectByValue("blur");
            WebElement radius = browser.driver().findElement(By.cssSelector("#chain .step:nth-child(2) [data-name=radius]"));
            radius.clear();
            radius.sendKeys("999");
            // checked in the page, before anything is sent: the field is marked, Send is disabled
            WebElement problem = browser.driver().findElement(By.cssSelector("#chain .step:nth-child(2) .param-error"));
            browser.await("the parameter's error next to it", d -> problem.getText().equals("radius must be between 1 and 50, not 999"));
            assertEquals("true", radius.getAttribute("aria-invalid"));
            assertFalse(browser.find("send").isEnabled(), "an invalid chain cannot be sent");
            assertEquals("Fix the marked parameter before sending.", browser.text("chainProblems"));
            browser.script("document.getElementById('send').disabled = false; document.getElementById('send').click()");
            browser.await("the refusal in words", d -> browser.text("error").startsWith("Not sent: Operation 2 (blur): radius must be between 1 and 50"));
            assertEquals("1", browser.find("resultStatus").getAttribute("data-seq"), "no image went with the invalid chain");

            radius.clear();
            radius.sendKeys("3");
            browser.await("Send enabled again", d -> browser.find("send").isEnabled());
            browser.find("send").click();
            browser.await("the image processed with the chain on screen", d ->
                    "2".equals(browser.find("resultStatus").getAttribute("data-seq")));
            assertEquals("grayscale → blur (radius 3)", browser.text("statOps"), "processed with exactly the chain shown");
        }
    }
}
