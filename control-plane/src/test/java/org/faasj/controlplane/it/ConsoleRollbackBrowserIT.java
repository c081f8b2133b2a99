package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 12 in a real browser: a function's versions listed in the console, rolled back with the
 * two-click button, and the function answering with the old code afterwards.
 */
class ConsoleRollbackBrowserIT {

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static ChromeDriver browser;
    static WebDriverWait wait;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), 1);
        token = AbuseSupport.adminToken(platform);
        browser = HeadlessChromium.start(tmp.resolve("chromium-profile"));
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
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
    void rollingBackFromTheConsoleBringsTheOldAnswerBack() throws Exception {
        deploy("POST", "/system/functions", 1);
        deploy("PUT", "/system/functions/roll-me", 2);
        assertEquals("2", answer());

        browser.manage().window().setSize(new Dimension(1280, 1000));
        browser.get("http://127.0.0.1:" + platform.port + "/");
        HeadlessChromium.enterToken(browser, wait, token);

        row().findElement(By.cssSelector("[data-test=show-versions]")).click();
        By v1 = By.cssSelector("tr[data-test=versions-row][data-name='roll-me'] [data-test=version][data-version='1']");
        By v2 = By.cssSelector("tr[data-test=versions-row][data-name='roll-me'] [data-test=version][data-version='2']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(v2));
        assertTrue(browser.findElement(v2).findElements(By.cssSelector("[data-test=active-version]")).size() == 1,
                "v2 is marked active: " + browser.findElement(v2).getText());

        browser.findElement(v1).findElement(By.cssSelector("[data-test=rollback-version]")).click();
        assertEquals("2", answer(), "the first click only asks");
        browser.findElement(v1).findElement(By.cssSelector("[data-test=confirm-rollback]")).click();

        wait.until(d -> "1".equals(answerQuietly()));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "tr[data-test=versions-row][data-name='roll-me'] [data-test=version][data-version='1'] [data-test=active-version]")));
        wait.until(d -> "1".equals(versionCell()));
        List<LogEntry> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertTrue(violations.isEmpty(), "browser errors (CSP?): " + violations);
    }

    private static WebElement row() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("tr[data-test=function-row][data-name='roll-me']")));
    }

    /** The Version cell read in one script call: the list re-renders after the rollback. */
    private static String versionCell() {
        Object text = browser.executeScript("const r = document.querySelector(\"tr[data-test=function-row][data-name='roll-me']\");"
                + " return r ? r.children[4].textContent : null;");
        return text == null ? null : text.toString();
    }

    private static void deploy(String method, String path, int answer) throws Exception {
        Multipart upload = new Multipart().file("code", "f.php", VersionsIT.answering(answer))
                .field("descriptor", "{\"runtime\":\"php\",\"name\":\"roll-me\"}");
        HttpResponse<String> r = platform.http.send(HttpRequest.newBuilder(platform.uri(path))
                .timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + token)
                .header("Content-Type", upload.contentType()).method(method, upload.publisher()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() == 200 || r.statusCode() == 201, r.body());
    }

    private static String answer() throws Exception {
        HttpResponse<String> call = platform.post("/api/roll-me", "{}");
        assertEquals(200, call.statusCode(), call.body());
        return RunningPlatform.JSON.readTree(call.body()).path("answer").asString();
    }

    private static String answerQuietly() {
        try {
            return answer();
        } catch (Exception | AssertionError e) {
            return null;
        }
    }
}
