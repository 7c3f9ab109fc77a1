package dev.duplex.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's package) driven through chromedriver, with a fresh profile
 * that is deleted afterwards. Paths can be changed with DUPLEX_CHROME and DUPLEX_CHROMEDRIVER.
 * Selenium Manager never runs: both binaries are given explicitly.
 */
public final class Browser implements AutoCloseable {

    /** Generous: a page on a busy machine may take long; a condition met early returns at once. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path profile;
    private final ChromeDriver driver;

    private Browser(List<String> extraArguments) throws IOException {
        String chrome = System.getenv().getOrDefault("DUPLEX_CHROME", "/usr/bin/chromium");
        String chromedriver = System.getenv().getOrDefault("DUPLEX_CHROMEDRIVER", "/usr/bin/chromedriver");
        if (!new File(chrome).canExecute() || !new File(chromedriver).canExecute()) {
            throw new IllegalStateException("Browser tests need " + chrome + " and " + chromedriver
                    + " (Debian: apt-get install chromium chromium-driver)");
        }
        profile = Files.createTempDirectory("duplex-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chrome);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,1024",
                "--user-data-dir=" + profile);
        options.addArguments(extraArguments);
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(TIMEOUT);
    }

    public static Browser start(String... extraArguments) throws IOException {
        return new Browser(List.of(extraArguments));
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(String id) {
        return driver.findElement(By.id(id));
    }

    public String text(String id) {
        return find(id).getText();
    }

    /** Runs JavaScript in the page and returns its result. */
    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** The browser console's errors since the last call (CSP violations show up here). */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(org.openqa.selenium.logging.LogEntry::getMessage)
                .toList();
    }

    /** Waits until the condition returns a value that is neither null nor false, and returns it. */
    public <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, TIMEOUT).withMessage(what).until(condition);
    }

    /** Waits until the element's text equals the expected text. */
    public void awaitText(String id, String expected) {
        await("#" + id + " to read \"" + expected + "\" (it reads \"" + safeText(id) + "\")",
                d -> expected.equals(text(id)));
    }

    private String safeText(String id) {
        try {
            return text(id);
        } catch (RuntimeException e) {
            return "?";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
