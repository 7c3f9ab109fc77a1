package dev.duplex.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * What a person using a keyboard, a screen reader or a thumb meets on a page: axe-core's serious
 * and critical violations (axe-core comes from npm, see src/test/browser/ensure-axe.sh) and the
 * tap targets smaller than 44 × 44 CSS pixels. Both themes are reached by emulating
 * prefers-color-scheme.
 */
public final class Accessibility {

    /** The two themes, as prefers-color-scheme values. */
    public static final List<String> THEMES = List.of("light", "dark");

    /** The smallest tap target, in CSS pixels, at a phone's width (WCAG 2.5.5, Apple and Google guidance). */
    public static final int TAP = 44;

    /**
     * The visible controls smaller than {@link #TAP} px either way, one line each. A checkbox or radio
     * counts with the label that wraps it (a tap on the label toggles it); a link inside running text
     * (a paragraph) is not a target of its own (WCAG's inline exception); a box that takes the focus
     * only to be scrolled by the keyboard (tabindex=0 on a log or a table) is not a tap target.
     */
    private static final String SMALL_TARGETS = """
            const min = arguments[0];
            const small = [];
            const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.type && e.tagName === 'INPUT' ? '[' + e.type + ']' : '')
                + (e.textContent && e.textContent.trim() ? ' "' + e.textContent.trim().slice(0, 24) + '"' : '');
            const controls = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary');
            for (const e of controls) {
              if (e.closest('[hidden]') || e.closest('.visually-hidden')) continue;
              const s = getComputedStyle(e);
              if (s.display === 'none' || s.visibility === 'hidden') continue;
              if (e.matches('.skip-link') && document.activeElement !== e) continue;
              if (e.tagName === 'A' && e.closest('p, li.chat-message, dd, td, figcaption') && !e.closest('nav')) continue;
              let box = e;
              if (e.matches('input[type=checkbox], input[type=radio]')) box = e.closest('label') || (e.id && document.querySelector(`label[for="${e.id}"]`)) || e;
              const r = box.getBoundingClientRect();
              if (r.width === 0 && r.height === 0) continue;
              if (r.width < min - 0.5 || r.height < min - 0.5) small.push(`${name(e)} is ${Math.round(r.width)}×${Math.round(r.height)} px`);
            }
            return small;""";

    private static final String RUN_AXE = """
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}) on ${v.nodes.length}: ` + v.nodes.slice(0, 3).map(n => n.target.join(' ') + (n.failureSummary ? ' [' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 160) + ']' : '')).join('; '))))
              .catch(e => done(['axe failed: ' + e]));""";

    private Accessibility() {
    }

    /** axe-core's source, from the path the build gives (duplex.axe) or the npm folder beside the tests. */
    public static String axeSource() throws IOException {
        Path axe = Path.of(System.getProperty("duplex.axe", "src/test/axe/node_modules/axe-core/axe.min.js"));
        if (!Files.isRegularFile(axe)) {
            throw new IllegalStateException("axe-core is missing at " + axe + ": run src/test/browser/ensure-axe.sh (npm ci)");
        }
        return Files.readString(axe);
    }

    /** Emulates prefers-color-scheme: light or dark. */
    public static void theme(Browser browser, String scheme) {
        ((ChromeDriver) browser.driver()).executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** The serious and critical violations axe-core finds on the page as it is now, one line each (with the nodes' count). */
    @SuppressWarnings("unchecked")
    public static List<String> violations(Browser browser, String axe) {
        JavascriptExecutor js = (JavascriptExecutor) browser.driver();
        if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object'"))) {
            js.executeScript(axe);
        }
        // axe-core walks the whole DOM: on a busy CI machine a run has taken over a minute, so its
        // script gets a generous timeout of its own (a wait, not a measurement)
        browser.driver().manage().timeouts().scriptTimeout(AXE_TIMEOUT);
        try {
            return new ArrayList<>((List<String>) js.executeAsyncScript(RUN_AXE));
        } finally {
            browser.driver().manage().timeouts().scriptTimeout(Browser.TIMEOUT);
        }
    }

    private static final java.time.Duration AXE_TIMEOUT = java.time.Duration.ofMinutes(5);

    /** How many elements the violations lines name in all. */
    public static int nodes(List<String> violations) {
        return violations.stream().mapToInt(v -> Integer.parseInt(v.replaceAll("^.*? on (\\d+):.*$", "$1"))).sum();
    }

    /** The visible controls smaller than 44 × 44 px, one line each. */
    @SuppressWarnings("unchecked")
    public static List<String> smallTargets(Browser browser) {
        return new ArrayList<>((List<String>) browser.script(SMALL_TARGETS, TAP));
    }

    /**
     * Audits every page of a running server (for "before" figures from another build):
     * {@code java -cp ... dev.duplex.testing.Accessibility http://127.0.0.1:8080/}. Prints, per page,
     * size and theme, the count of elements with serious or critical violations and of small targets.
     */
    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://localhost:8080/";
        String axe = axeSource();
        int total = 0;
        int targets = 0;
        try (Browser browser = Browser.start()) {
            for (int[] size : PageLayout.SIZES) {
                for (String scheme : THEMES) {
                    PageLayout.viewport(browser, size[0], size[1]);
                    theme(browser, scheme);
                    for (String page : PageLayout.PAGES) {
                        browser.open(base + page);
                        browser.await(page + " to settle", d -> Boolean.TRUE.equals(browser.script(
                                "return document.readyState === 'complete' && !!document.querySelector('nav.site-nav a')")));
                        PageLayout.stage(browser, page);
                        Thread.sleep(1500); // a measurement, not a test: let sockets open and charts draw
                        List<String> found = violations(browser, axe);
                        int n = nodes(found);
                        total += n;
                        String line = page + " " + size[0] + "x" + size[1] + " " + scheme + ": " + n + " serious/critical";
                        if (size[0] < 600) {
                            List<String> small = smallTargets(browser);
                            targets += scheme.equals("light") ? small.size() : 0;
                            line += ", " + small.size() + " targets under 44 px";
                        }
                        System.out.println(line);
                        found.forEach(v -> System.out.println("    " + v));
                    }
                }
            }
        }
        System.out.println("total: " + total + " elements with serious/critical violations; " + targets + " targets under 44 px at 390 px");
    }
}
