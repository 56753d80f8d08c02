package dev.muster.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven by Debian's chromedriver (no browser or driver is ever downloaded), reaching
 * only loopback, trusting exactly Muster's server key. Skips the test when chromium is not installed, unless
 * {@code MUSTER_REQUIRE_BROWSER=true} (CI) says it must be there.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "portal-screenshots");

    final ChromeDriver driver;
    final WebDriverWait wait;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    static void assumeInstalled() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("MUSTER_REQUIRE_BROWSER"))) {
            throw new AssertionError("chromium and chromium-driver are not installed but MUSTER_REQUIRE_BROWSER=true"
                    + " (apt-get install chromium chromium-driver)");
        }
        assumeTrue(present, "chromium/chromedriver not installed (apt-get install chromium chromium-driver):"
                + " skipping the portal's browser tests");
    }

    static Browser start() throws Exception {
        Path profile = Files.createTempDirectory("muster-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--disable-default-apps", "--mute-audio",
                "--user-data-dir=" + profile, "--window-size=1366,900", "--lang=en-GB",
                // Nothing but loopback: every other host name fails to resolve (the rules apply to IP literals too,
                // so the built-in hubs' addresses are excepted for the hub devices page).
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE "
                        + MusterUnderTest.hub() + ", EXCLUDE " + MusterUnderTest.SECOND_HUB,
                // Trust Muster's own server key (signed by its self-made CA) and nothing else extra.
                "--ignore-certificate-errors-spki-list=" + serverKeyPin());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    /** base64 SHA-256 of the server certificate's SubjectPublicKeyInfo, the form chromium's SPKI list takes. */
    private static String serverKeyPin() throws Exception {
        Path pem = MusterUnderTest.dataDir().resolve("tls").resolve("server.pem");
        X509Certificate cert;
        try (var in = Files.newInputStream(pem)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(cert.getPublicKey().getEncoded()));
    }

    void open(String hashRoute) {
        driver.get("https://" + MusterUnderTest.info().globalEndpoint() + "/portal/" + hashRoute);
    }

    WebElement visible(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** The form control a visible label names (labels are tied to controls with for=…). */
    WebElement field(String label) {
        WebElement l = visible(By.xpath("//label[normalize-space()=" + quote(label) + "]"));
        return driver.findElement(By.id(l.getAttribute("for")));
    }

    /** Clicks the button or link with this text or accessible name. */
    void click(String name) {
        String q = quote(name);
        wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()=" + q
                + " or @aria-label=" + q + "] | //a[normalize-space()=" + q + "]"))).click();
    }

    void waitForText(By by, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    void heading(String text) {
        waitForText(By.tagName("h1"), text);
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An ID no other test run uses: the prefix and eight random hex digits. */
    static String uniqueId(String prefix) {
        return prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    static String quote(String s) {
        return s.contains("'") ? "\"" + s + "\"" : "'" + s + "'";
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
