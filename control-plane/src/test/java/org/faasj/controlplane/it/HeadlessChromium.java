package org.faasj.controlplane.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium driven through Debian's chromium-driver. Both binaries are named explicitly so
 * Selenium never runs its driver manager or downloads a browser; a missing package is a test
 * failure that says what to install (CI installs it in {@code .ci/run}), never a silent skip.
 */
final class HeadlessChromium {

    private static final String BROWSER = System.getProperty("faasj.chromium", "/usr/bin/chromium");
    private static final String DRIVER = System.getProperty("faasj.chromedriver", "/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    static ChromeDriver start(Path profileDir) throws IOException {
        requireExecutable(BROWSER, "chromium");
        requireExecutable(DRIVER, "chromium-driver");
        Files.createDirectories(profileDir);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        // without the networking flags Chromium keeps trying to reach update and sync hosts
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--force-device-scale-factor=1", "--window-size=1280,1000", "--user-data-dir=" + profileDir);
        // keep the page's console messages readable (CSP violations are reported there)
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        return new ChromeDriver(service, options);
    }

    /** Gives the console the admin token through its own form, as a user would, and waits for the form to close. */
    static void enterToken(ChromeDriver browser, WebDriverWait wait, String token) {
        WebElement panel = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-panel")));
        browser.findElement(By.id("token-input")).sendKeys(token);
        browser.findElement(By.id("token-save")).click();
        wait.until(ExpectedConditions.invisibilityOf(panel));
    }

    private static void requireExecutable(String path, String debianPackage) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new AssertionError(path + " is missing: the console's browser test needs Debian's "
                    + debianPackage + " package (apt-get install chromium chromium-driver; .ci/run does this)");
        }
    }
}
