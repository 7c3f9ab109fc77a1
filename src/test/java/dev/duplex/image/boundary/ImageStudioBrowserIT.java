package dev.duplex.image.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.testing.Browser;
import dev.duplex.testing.Deployments;
import dev.duplex.testing.PageLayout;
import java.awt.image.BufferedImage;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
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

    /**
     * A 1920×1080 photo goes to the server as chosen, byte for byte (it used to be scaled into the
     * 512×384 canvas with white bars first, so resize did nothing); the canvas only shows it. With
     * -Dduplex.shots=DIR the studio is photographed at a phone's and a laptop's size.
     */
    @Test
    void aPhotoIsSentAsChosenAndTheServerResizesTheRealImage() throws Exception {
        Path photo = Files.createTempFile("duplex-photo-", ".jpg");
        try (Browser browser = Browser.start()) {
            writePhoto(photo, 1920, 1080);
            long bytes = Files.size(photo);
            openStudio(browser);
            browser.find("loadFile").sendKeys(photo.toString());
            browser.await("the photo's own size and bytes", d -> browser.text("sourceStatus").contains("1920×1080"));
            assertTrue(browser.text("sourceStatus").contains("(image/jpeg)"), browser.text("sourceStatus"));
            assertEquals("Send photo", browser.text("send"));
            assertFalse(browser.find("blobType").isEnabled(), "a photo is not re-encoded");

            step(browser, 0).selectByValue("echo");
            sendAndAwait(browser, 1);
            assertEquals("1920×1080 → 1920×1080", browser.text("statSize"));
            assertEquals(kibibytes(bytes) + " (jpeg)", browser.text("statSent"), "the server got the file's bytes, " + bytes);
            String verdict = browser.text("identity");
            assertTrue(verdict.startsWith("Byte-identical: the server sent back the same " + bytes + " bytes"), verdict);
            assertEquals(List.of(1920L, 1080L), browser.script("const d = document.getElementById('destination'); return [d.width, d.height]"));

            step(browser, 0).selectByValue("resize");
            setParameter(browser, "maxWidth", "640");
            setParameter(browser, "maxHeight", "640");
            sendAndAwait(browser, 2);
            assertEquals("1920×1080 → 640×360", browser.text("statSize"), "resize works on the real photo");
            screenshots(browser, "image-studio-photo-1920x1080");

            draw(browser);
            browser.await("the canvas as the source again", d -> browser.text("sourceStatus").contains("the canvas (512×384) is sent now"));
            assertEquals("Send canvas", browser.text("send"));
            sendAndAwait(browser, 3);
            assertEquals("512×384 → 512×384", browser.text("statSize"));
            assertEquals("", browser.text("error"));
        } finally {
            Files.deleteIfExists(photo);
        }
    }

    /** As format.js writes a size of 10 KiB to 1 MiB. */
    private static String kibibytes(long bytes) {
        assertTrue(bytes >= 10 * 1024 && bytes < 1024 * 1024, "a photo of 10 KiB to 1 MiB: " + bytes);
        return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }

    private static void setParameter(Browser browser, String name, String value) {
        WebElement field = browser.driver().findElement(By.cssSelector("#chain .step:nth-child(1) [data-name=" + name + "]"));
        field.clear();
        field.sendKeys(value);
    }

    /** Saves the studio at 390 and 1280 px wide when -Dduplex.shots names a folder. */
    private static void screenshots(Browser browser, String name) throws Exception {
        String folder = System.getProperty("duplex.shots");
        if (folder == null || folder.isBlank()) {
            return;
        }
        for (int[] size : PageLayout.SIZES) {
            PageLayout.viewport(browser, size[0], size[1]);
            browser.script("document.getElementById('send').scrollIntoView({block: 'center'})");
            browser.await("the layout at " + size[0] + " px", d -> Boolean.TRUE.equals(browser.script(
                    "return window.innerWidth === " + size[0])));
            PageLayout.screenshot(browser, Path.of(folder, name + "-" + size[0] + "x" + size[1] + ".png"));
            browser.script("window.scrollTo(0, 0)");
            PageLayout.screenshot(browser, Path.of(folder, name + "-" + size[0] + "x" + size[1] + "-top.png"));
        }
        PageLayout.viewport(browser, 1280, 1024);
    }

    /** A 1920×1080 JPEG with colour gradients, like a photo. */
    private static void writePhoto(Path file, int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | ((x + y) % 256));
            }
        }
        if (!ImageIO.write(image, "jpeg", file.toFile())) {
            throw new IllegalStateException("no JPEG writer");
        }
    }
}
