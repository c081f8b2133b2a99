package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 10 in the console, in a real browser against the real jar: a function that writes a known
 * stderr line is called over HTTP with an {@code X-Call-Id}; the console's calls panel counts it,
 * lists it, shows its record and line when clicked, and streams the line with Follow on. Markup in
 * the line must arrive as text. Takes the docs' picture of the panel.
 */
class ConsoleObservabilityBrowserIT {

    private static final String FUNCTION = "obs-speaks";
    private static final String OTHER = "obs-speaks-too"; // its own, so each test starts from no calls
    private static final String CALL_ID = "obs-browser-1";
    private static final String LINE = "observed <b>" + CALL_ID + "</b> says hello";

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static ChromeDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"));
        deploy(FUNCTION);
        deploy(OTHER);
        browser = HeadlessChromium.start(tmp.resolve("chromium-profile"));
        // records travel worker → control plane in batches: allow them a few seconds to show
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
    void aCallShowsUpCountedListedWithItsRecordAndItsLogLineFollowedLive() throws Exception {
        openConsoleWithToken();
        selectFunction(FUNCTION);
        wait.until(d -> "0".equals(text("stat-calls")));
        browser.findElement(By.id("logs-follow")).click();
        wait.until(d -> "true".equals(browser.findElement(By.id("logs-follow")).getDomAttribute("aria-pressed")));

        HttpResponse<String> answer = call(FUNCTION, CALL_ID, "{}");
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(CALL_ID, answer.headers().firstValue("X-Call-Id").orElseThrow());

        wait.until(d -> "1".equals(text("stat-calls")));
        assertEquals("0", text("stat-errors"));
        wait.until(d -> LINE.equals(logLineOf(CALL_ID))); // streamed while following
        wait.until(d -> !browser.findElements(invocationRow(CALL_ID)).isEmpty());
        assertEquals(List.of("200", "ok"), invocationCells(CALL_ID, "Status", "Outcome"));

        openCall(CALL_ID);
        WebElement detail = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-test=call-logs]")));
        assertEquals(LINE, detail.getText());
        String record = browser.findElement(By.cssSelector("[data-test=call-record]")).getText();
        assertTrue(record.contains(CALL_ID) && record.contains(FUNCTION + " v1") && record.contains("200"), record);
        assertTrue(browser.findElements(By.cssSelector("#observe b, #observe img")).isEmpty(), "stderr markup became elements");

        // Follow off, then the plain tail has the line too
        browser.findElement(By.id("logs-follow")).click();
        browser.findElement(By.id("logs-reload")).click();
        wait.until(d -> LINE.equals(logLineOf(CALL_ID)));
    }

    @Test
    void theErrorsFilterShowsOnlyFailedCallsAndTheChartCountsThem() throws Exception {
        openConsoleWithToken();
        selectFunction(OTHER);
        assertEquals(500, call(OTHER, "obs-browser-fails", "{\"fail\":true}").statusCode());
        for (int i = 2; i <= 4; i++) {
            assertEquals(200, call(OTHER, "obs-browser-" + i, "{}").statusCode());
        }

        wait.until(d -> !browser.findElements(invocationRow("obs-browser-fails")).isEmpty()
                && !browser.findElements(invocationRow("obs-browser-2")).isEmpty());
        wait.until(d -> "4".equals(text("stat-calls")) && "1".equals(text("stat-errors")));
        assertEquals(List.of("500", "exit_nonzero"), invocationCells("obs-browser-fails", "Status", "Outcome"));
        new Select(browser.findElement(By.id("invocations-filter"))).selectByValue("error");
        wait.until(d -> browser.findElements(invocationRow("obs-browser-2")).isEmpty());
        assertFalse(browser.findElements(invocationRow("obs-browser-fails")).isEmpty());
        String chart = browser.findElement(By.id("stats-chart")).getDomAttribute("aria-label");
        assertTrue(chart.contains("errors"), chart);
        assertFalse(browser.findElements(By.cssSelector("#stats-chart rect.chart-errors")).isEmpty(), "no error bar drawn");

        new Select(browser.findElement(By.id("invocations-filter"))).selectByValue("");
        wait.until(d -> !browser.findElements(invocationRow("obs-browser-2")).isEmpty());
        openCall("obs-browser-fails");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-test=call-logs]"),
                "observed <b>obs-browser-fails</b> says hello"));
        browser.findElement(By.id("logs-reload")).click();
        wait.until(d -> "observed <b>obs-browser-4</b> says hello".equals(logLineOf("obs-browser-4")));
        if (System.getProperty("faasj.screenshots") != null) {
            spreadCallsOverTheChart();
        }
        saveScreenshot();
    }

    @Test
    void withoutTheTokenThePanelSaysItNeedsIt() {
        openConsole();
        browser.executeScript("localStorage.removeItem('faasj.adminToken');");
        openConsole();
        selectFunction(FUNCTION);
        WebElement notice = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-test=observe-token]")));
        assertTrue(notice.getText().contains("need the admin token"), notice.getText());
        assertFalse(browser.findElement(By.id("observe-body")).isDisplayed());
    }

    private static void openConsole() {
        browser.manage().window().setSize(new Dimension(1280, 1000));
        browser.get("http://127.0.0.1:" + platform.port + "/");
        wait.until(d -> !text("token-status").startsWith("Checking"));
    }

    /** The token goes in through the console's own form, as a user would give it. */
    private static void openConsoleWithToken() throws Exception {
        openConsole();
        if (!text("token-status").equals("Admin token saved")) {
            HeadlessChromium.enterToken(browser, wait, AbuseSupport.adminToken(platform));
        }
    }

    private static void selectFunction(String name) {
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(
                "tr[data-test=function-row][data-name='" + name + "'] [data-test=select-function]"))).click();
        wait.until(d -> ("· " + name).equals(text("observe-function")));
    }

    /** Clicks the call's id in the list, in one script call: the list may re-render between a find and a click. */
    private static void openCall(String callId) {
        browser.executeScript("document.querySelector(arguments[0]).click();",
                "tr[data-test=invocation-row][data-call-id='" + callId + "'] [data-test=open-call]");
    }

    private static By invocationRow(String callId) {
        return By.cssSelector("tr[data-test=invocation-row][data-call-id='" + callId + "']");
    }

    /** Cells by their label, read in one script call: the list re-renders when a poll brings news. */
    @SuppressWarnings("unchecked")
    private static List<String> invocationCells(String callId, String... labels) {
        return (List<String>) browser.executeScript("const row = document.querySelector(arguments[0]);"
                + " return arguments[1].map(l => row.querySelector('[data-label=\"' + l + '\"]').textContent);",
                "tr[data-test=invocation-row][data-call-id='" + callId + "']", List.of(labels));
    }

    /** The text of the logs panel's line of that call, or null while there is none. */
    private static String logLineOf(String callId) {
        Object line = browser.executeScript("const l = document.querySelector(arguments[0]);"
                + " return l ? l.querySelector('.log-text').textContent : null;",
                "#logs [data-test=log-line][data-call-id='" + callId + "']");
        return line == null ? null : line.toString();
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static HttpResponse<String> call(String function, String callId, String body) throws Exception {
        return platform.http.send(HttpRequest.newBuilder(platform.uri("/api/" + function)).timeout(Duration.ofSeconds(30))
                .header("X-Call-Id", callId).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void deploy(String name) throws Exception {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("runtime", "php");
        descriptor.put("name", name);
        byte[] code;
        try (InputStream in = ConsoleObservabilityBrowserIT.class.getResourceAsStream("/observability/speaks.php")) {
            code = in.readAllBytes();
        }
        Multipart upload = new Multipart().file("code", "speaks.php", code)
                .field("descriptor", RunningPlatform.JSON.writeValueAsString(descriptor));
        HttpResponse<String> deployed = platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions"))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + AbuseSupport.adminToken(platform)).header("Content-Type", upload.contentType())
                .POST(upload.publisher()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, deployed.statusCode(), "deploy: " + deployed.body());
    }

    /**
     * For the docs' picture only (so the test itself stays quick): calls in a few more 10-second
     * buckets, so the chart shows bars and a p99 line rather than one bar.
     */
    private static void spreadCallsOverTheChart() throws Exception {
        int calls = 4;
        for (int bucket = 1; bucket <= 4; bucket++) {
            Thread.sleep(10_000);
            for (int i = 0; i < bucket + 1; i++) {
                call(OTHER, "obs-picture-" + bucket + "-" + i, bucket == 3 && i == 0 ? "{\"fail\":true}" : "{}");
                calls++;
            }
        }
        String total = Integer.toString(calls);
        wait.until(d -> total.equals(text("stat-calls")));
        browser.findElement(By.id("logs-reload")).click();
        wait.until(d -> logLineOf("obs-picture-4-4") != null);
        openCall("obs-browser-fails");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-test=call-logs]"), "obs-browser-fails"));
    }

    /**
     * The panel alone, to the build directory; {@code -Dfaasj.screenshots=<repo>/docs} refreshes the
     * committed docs/console-observability.png (as for ConsoleBrowserIT's pictures).
     */
    private static void saveScreenshot() throws Exception {
        browser.manage().window().setSize(new Dimension(1280, 2000));
        WebElement panel = browser.findElement(By.id("observe"));
        browser.executeScript("arguments[0].scrollIntoView()", panel);
        Path target = Path.of(System.getProperty("faasj.screenshots", "target/screenshots")).resolve("console-observability.png");
        Files.createDirectories(target.getParent());
        byte[] png = panel.getScreenshotAs(OutputType.BYTES);
        assertTrue(png.length < 300_000, "console-observability.png would be " + png.length + " bytes; it is committed, keep it small");
        Files.write(target, png);
    }
}
