package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.testing.Accessibility;
import dev.duplex.testing.Browser;
import dev.duplex.testing.Deployments;
import dev.duplex.testing.PageLayout;
import java.net.URL;
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
import org.openqa.selenium.interactions.Actions;

/**
 * The pages as a keyboard, a screen reader and a thumb meet them (issue 20): axe-core (from npm)
 * finds no serious or critical violation on any page at a phone's and a laptop's size in either
 * theme, every control is at least 44 × 44 px at 390 px, and the first Tab reaches a skip link
 * to the content. One Payara start for all of it.
 */
@ExtendWith(ArquillianExtension.class)
class PagesAccessibilityBrowserIT {

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
    void axeFindsNoSeriousOrCriticalViolationOnAnyPageSizeOrTheme() throws Exception {
        String axe = Accessibility.axeSource();
        List<String> problems = new ArrayList<>();
        try (Browser browser = Browser.start()) {
            for (int[] size : PageLayout.SIZES) {
                for (String theme : Accessibility.THEMES) {
                    PageLayout.viewport(browser, size[0], size[1]);
                    Accessibility.theme(browser, theme);
                    for (String page : PageLayout.PAGES) {
                        open(browser, page);
                        String where = page + " at " + size[0] + "x" + size[1] + " " + theme + ": ";
                        Accessibility.violations(browser, axe).forEach(v -> problems.add(where + v));
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyControlIsA44PixelTargetOnAPhoneAndTheFirstTabSkipsToTheContent() throws Exception {
        List<String> problems = new ArrayList<>();
        try (Browser browser = Browser.start()) {
            PageLayout.viewport(browser, 390, 844);
            for (String page : PageLayout.PAGES) {
                // a fresh load, nothing clicked or joined yet: the first Tab starts at the top of the page
                browser.open(base + page);
                browser.await(page + " to build its nav", d -> !d.findElements(By.cssSelector("nav.site-nav a[aria-current=page]")).isEmpty());
                new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
                Object focused = browser.script("return document.activeElement.className + ' ' + document.activeElement.textContent");
                if (!"skip-link Skip to the content".equals(focused)) {
                    problems.add(page + ": the first Tab reaches \"" + focused + "\", not the skip link");
                    continue;
                }
                problems.addAll(Accessibility.smallTargets(browser).stream().filter(t -> t.contains("Skip")).map(t -> page + ": " + t).toList());
                new Actions(browser.driver()).sendKeys(Keys.ENTER).perform();
                browser.await(page + ": the focus on the main content after the skip link",
                        d -> Boolean.TRUE.equals(browser.script("return document.activeElement === document.querySelector('main')")));
            }
            // then with content: the chat joined (it then focuses its message box), the workbench's log filled
            for (String page : PageLayout.PAGES) {
                open(browser, page);
                Accessibility.smallTargets(browser).forEach(t -> problems.add(page + ": " + t));
            }
        }
        assertEquals(List.of(), problems);
    }

    private void open(Browser browser, String page) {
        browser.open(base + page);
        browser.await(page + " to build its nav", d -> !d.findElements(By.cssSelector("nav.site-nav a[aria-current=page]")).isEmpty());
        PageLayout.stage(browser, page);
        switch (page) {
            case "image.html" -> browser.await("the operations from the server", d -> browser.find("send").isEnabled());
            case "status.html" -> browser.await("the first figures", d -> browser.text("updated").startsWith("Live"));
            case "index.html" -> browser.awaitText("serverStatus", "WebSocket Status:: Socket Open");
            default -> {
            }
        }
    }
}
