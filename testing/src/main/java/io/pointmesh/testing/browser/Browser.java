package io.pointmesh.testing.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven through Selenium's ChromeDriver: Debian's {@code chromium} and
 * {@code chromium-driver} ({@code POINTMESH_CHROMIUM} and {@code POINTMESH_CHROMEDRIVER} point
 * elsewhere). Each instance is a fresh browser profile, so no sign-in carries over from another
 * test. Tests type and click through {@link #driver()} like a person; {@link #eval} reads what the
 * page shows.
 *
 * <p>The driver is named explicitly, so Selenium Manager never tries to download a browser or a
 * driver (this machine's network is closed).
 */
public final class Browser implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** The browser's executable: {@code POINTMESH_CHROMIUM}, else /usr/bin/chromium (apt-get install chromium). */
    public static Path chromium() {
        return executable("POINTMESH_CHROMIUM", "/usr/bin/chromium", "chromium");
    }

    /** The driver: {@code POINTMESH_CHROMEDRIVER}, else /usr/bin/chromedriver (apt-get install chromium-driver). */
    public static Path chromedriver() {
        return executable("POINTMESH_CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver");
    }

    private static Path executable(String variable, String fallback, String debianPackage) {
        String configured = System.getenv(variable);
        Path path = Path.of(configured != null && !configured.isBlank() ? configured : fallback);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(path + " is not there: install Debian's " + debianPackage
                    + " (apt-get install chromium chromium-driver; .ci/run does) or set " + variable);
        }
        return path;
    }

    public static Browser launch() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium().toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                // without these Chromium keeps calling hosts this machine cannot reach
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--window-size=1400,1800");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver().toFile())
                .usingAnyFreePort()
                .withLogFile(new File(System.getProperty("java.io.tmpdir"), "pointmesh-chromedriver.log"))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return new Browser(driver);
    }

    /** Selenium's own driver: find elements, type, click, as a person would. */
    public ChromeDriver driver() {
        return driver;
    }

    public void navigate(String url) {
        driver.get(url);
    }

    /** How long a field or button may take to appear (a page fills its parts as their API calls answer). */
    private static final Duration APPEAR = Duration.ofSeconds(15);

    /** The element with this id, once the page shows it (within {@link #APPEAR}), as a person would wait for it. */
    private WebElement shown(String id) {
        Instant until = Instant.now().plus(APPEAR);
        while (true) {
            var found = driver.findElements(By.id(id));
            if (!found.isEmpty() || Instant.now().isAfter(until)) {
                return found.isEmpty() ? driver.findElement(By.id(id)) : found.get(0);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return driver.findElement(By.id(id));
            }
        }
    }

    /** Types into the field with this id (its old value cleared first). */
    public void type(String id, String text) {
        WebElement field = shown(id);
        field.clear();
        field.sendKeys(text);
    }

    public void click(String id) {
        shown(id).click();
    }

    /**
     * The value of a JavaScript expression (an expression, not statements) in the page, as JSON (a
     * promise is awaited); a thrown error or a rejected promise fails.
     */
    public JsonNode eval(String expression) {
        // the expression is part of the script's own text (no eval(), which a page's Content-Security-Policy may
        // refuse)
        Object answer = ((JavascriptExecutor) driver)
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "const fail = e => done(JSON.stringify({error: String(e && e.stack || e)}));"
                        + "try { Promise.resolve((" + expression + "))"
                        + ".then(v => done(JSON.stringify({value: v === undefined ? null : v})), fail); }"
                        + " catch (e) { fail(e); }");
        try {
            JsonNode r = JSON.readTree(String.valueOf(answer));
            if (r.has("error")) {
                throw new IllegalStateException("the page threw on `" + expression + "`: " + r.get("error"));
            }
            return r.path("value");
        } catch (IOException e) {
            throw new IllegalStateException("the page answered no JSON for `" + expression + "`: " + answer, e);
        }
    }

    /**
     * Waits until an expression's value passes the test (errors while the page changes count as
     * not yet); fails after the timeout with the last value and the page's address.
     */
    public JsonNode waitFor(String expression, Predicate<JsonNode> ready, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        String error = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                last = eval(expression);
                error = null;
                if (ready.test(last)) {
                    return last;
                }
            } catch (IllegalStateException | WebDriverException e) {
                error = e.getMessage();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("waited " + timeout.toSeconds() + " s for `" + expression + "`; last value " + last
                + (error == null ? "" : ", last error " + error) + " at " + location());
    }

    public String location() {
        try {
            return driver.getCurrentUrl();
        } catch (WebDriverException e) {
            return "(unknown)";
        }
    }

    /** A PNG of the page as it is now (for a failing test's report, and for people to look at). */
    public void screenshot(Path file) throws IOException {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, png);
    }

    @Override
    public void close() {
        driver.quit(); // ends chromium and the driver, and removes the temporary profile the driver made
    }
}
