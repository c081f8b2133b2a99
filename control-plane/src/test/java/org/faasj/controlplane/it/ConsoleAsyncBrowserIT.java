package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * Async calls in a real browser: a function deployed from the form with its {@code retries} set,
 * a backlog of its async calls shown per state in its calls panel, and a queued call cancelled
 * there with the two-click button, which the calls API then reports cancelled. One async call of a
 * function runs at a time here, so the backlog stays queued while the first call sleeps.
 */
class ConsoleAsyncBrowserIT {

    private static final String NAME = "async-console";
    private static final String ROUTE = "/api/async-console";

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static ChromeDriver browser;
    static WebDriverWait wait;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), 1, "--faas.async.max-concurrency-per-function=1");
        token = AbuseSupport.adminToken(platform);
        browser = HeadlessChromium.start(tmp.resolve("chromium-profile"));
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aBacklogIsShownPerStateAndAQueuedCallIsCancelledFromTheConsole() throws Exception {
        browser.get("http://127.0.0.1:" + platform.port + "/");
        HeadlessChromium.enterToken(browser, wait, token);

        deployFromTheForm();
        JsonNode fn = function();
        assertEquals(4, fn.path("retries").asInt(), "the form's retries reached the descriptor: " + fn);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> accepted = platform.http.send(HttpRequest.newBuilder(platform.uri("/async-function" + ROUTE))
                    .timeout(Duration.ofSeconds(30)).header("X-Call-Id", "console-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());
            ids.add("console-" + i);
        }

        // the deploy selected the function: its panel polls, and shows one call running, two queued
        wait.until(d -> "1".equals(text("async-count-running")) && "2".equals(text("async-count-queued")));
        assertTrue(!"–".equals(text("async-oldest")), "the oldest queued call's age is shown: " + text("async-oldest"));
        By queuedRow = By.cssSelector("tr[data-test=async-row][data-call-id='console-2']");
        WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(queuedRow));
        assertEquals("queued", row.findElement(By.cssSelector("[data-test=async-state]")).getText());
        assertTrue(row.getText().contains("0 / 5"), "attempts of the 5 the retries allow: " + row.getText());
        JsonNode listing = listing("?state=queued");
        assertEquals(2, listing.path("calls").size(), listing.toString());
        assertEquals("console-2", listing.path("calls").path(0).path("callId").asString(), "newest first");

        row.findElement(By.cssSelector("[data-test=cancel-async]")).click();
        WebElement really = wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("tr[data-test=async-row][data-call-id='console-2'] [data-test=confirm-cancel-async]")));
        assertEquals("queued", asyncState("console-2"), "the first click only asks");
        really.click();

        wait.until(d -> "cancelled".equals(asyncStateQuietly("console-2")));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-test=async-cancel-success]")));
        wait.until(d -> "1".equals(text("async-count-cancelled")) && "1".equals(text("async-count-queued")));
        wait.until(ExpectedConditions.textToBe(By.cssSelector(
                "tr[data-test=async-row][data-call-id='console-2'] [data-test=async-state]"), "cancelled"));
        assertEquals("queued", asyncState("console-1"), "only the chosen call was cancelled");

        saveScreenshot();
        new Select(browser.findElement(By.id("async-filter"))).selectByValue("cancelled");
        wait.until(d -> d.findElements(By.cssSelector("tr[data-test=async-row]")).size() == 1
                && d.findElements(By.cssSelector("tr[data-test=async-row][data-call-id='console-2']")).size() == 1);

        assertEquals(400, rawListing("?state=done").statusCode());
        assertEquals(400, rawListing("?limit=501").statusCode());
        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertTrue(errors.isEmpty(), "browser errors (CSP?): " + errors);
    }

    /** The typed descriptor fields, with retries 4, and a PHP file that sleeps long enough to hold the backlog. */
    private static void deployFromTheForm() throws Exception {
        Path code = Files.writeString(tmp.resolve("slow.php"), "<?php\nsleep(30);\necho '{\"done\":true}';\n");
        browser.findElement(By.id("code-file")).sendKeys(code.toString());
        browser.findElement(By.id("d-name")).sendKeys(NAME);
        new Select(browser.findElement(By.id("d-runtime"))).selectByValue("php");
        browser.findElement(By.id("d-route")).sendKeys(ROUTE);
        WebElement timeout = browser.findElement(By.id("d-timeout"));
        timeout.clear();
        timeout.sendKeys("60");
        browser.findElement(By.id("d-retries")).sendKeys("4");
        browser.findElement(By.id("deploy-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-test=deploy-success]")));
    }

    /** The async part alone, to the build directory (or where {@code -Dfaasj.screenshots} says). */
    private static void saveScreenshot() throws Exception {
        browser.manage().window().setSize(new Dimension(1280, 2000));
        WebElement part = browser.findElement(By.id("async-calls"));
        browser.executeScript("arguments[0].scrollIntoView()", part);
        Path target = Path.of(System.getProperty("faasj.screenshots", "target/screenshots")).resolve("console-async.png");
        Files.createDirectories(target.getParent());
        Files.write(target, part.getScreenshotAs(OutputType.BYTES));
    }

    private static String text(String id) {
        Object t = browser.executeScript("const e = document.getElementById(arguments[0]); return e ? e.textContent : null;", id);
        return t == null ? null : t.toString();
    }

    private static JsonNode function() throws Exception {
        HttpResponse<String> r = platform.get("/system/functions/" + NAME);
        assertEquals(200, r.statusCode(), r.body());
        return RunningPlatform.JSON.readTree(r.body());
    }

    private static HttpResponse<String> rawListing(String query) throws Exception {
        return platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions/" + NAME + "/async-calls" + query))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode listing(String query) throws Exception {
        HttpResponse<String> r = rawListing(query);
        assertEquals(200, r.statusCode(), r.body());
        return RunningPlatform.JSON.readTree(r.body());
    }

    private static String asyncState(String callId) throws Exception {
        return AsyncCallsIT.call(platform, token, "/system/calls/" + callId).path("async").path("state").asString();
    }

    private static String asyncStateQuietly(String callId) {
        try {
            return asyncState(callId);
        } catch (Exception | AssertionError e) {
            return null;
        }
    }
}
