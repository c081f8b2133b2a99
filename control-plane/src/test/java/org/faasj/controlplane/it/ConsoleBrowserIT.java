package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import tools.jackson.databind.JsonNode;

/**
 * The console in a real browser against the real jar: token, deploy hello.c from the example files,
 * see it listed, invoke it, delete it; the worker panel; screenshots for the docs.
 */
class ConsoleBrowserIT {

    private static final Path REPO = Path.of(System.getProperty("faasj.repo", "..")).toAbsolutePath().normalize();
    private static final By DEPLOY_OUTCOME = By.cssSelector("[data-test=deploy-success], [data-test=deploy-error]");

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static ChromeDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"));
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
    void deployListInvokeAndDeleteHelloC() throws Exception {
        openConsole();
        enterToken();

        browser.findElement(By.id("code-file")).sendKeys(REPO.resolve("examples/hello.c").toString());
        browser.findElement(By.id("descriptor-file")).sendKeys(REPO.resolve("examples/descriptor.json").toString());
        browser.findElement(By.id("deploy-submit")).click();
        WebElement outcome = new WebDriverWait(browser, Duration.ofSeconds(90))
                .until(ExpectedConditions.visibilityOfElementLocated(DEPLOY_OUTCOME));
        assertEquals("deploy-success", outcome.getAttribute("data-test"), "deploy failed in the console: " + outcome.getText());
        assertTrue(outcome.getText().contains("hello-c"), outcome.getText());

        String route = routeFromApi("hello-c");
        wait.until(d -> route.equals(cellText("hello-c", "function-route")));
        functionRow("hello-c").findElement(By.cssSelector("[data-test=select-function]")).click();
        assertEquals(route, browser.findElement(By.id("invoke-path")).getDomProperty("value"));
        assertEquals("POST", browser.findElement(By.id("invoke-method")).getDomProperty("value"));

        WebElement body = browser.findElement(By.id("invoke-body"));
        body.clear();
        body.sendKeys("{\"name\":\"Alice\"}");
        browser.findElement(By.id("invoke-send")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("invoke-response"), "Hello, Alice"));
        assertTrue(text("invoke-status").startsWith("200"), text("invoke-status"));
        assertTrue(text("invoke-latency").matches("\\d+\\.\\d ms"), text("invoke-latency"));

        saveScreenshot(1280, "console.png");
        saveScreenshot(390, "console-phone.png");
        browser.manage().window().setSize(new Dimension(1280, 1000));

        functionRow("hello-c").findElement(By.cssSelector("[data-test=delete-function]")).click();
        functionRow("hello-c").findElement(By.cssSelector("[data-test=confirm-delete]")).click();
        wait.until(d -> d.findElements(functionRowLocator("hello-c")).isEmpty());
        assertEquals(404, platform.get("/system/functions/hello-c").statusCode());
    }

    @Test
    void workerPanelShowsBothWorkersLive() {
        openConsole();
        wait.until(d -> readyWorkerRows() == 2);
        String updated = text("workers-updated");
        wait.until(d -> !text("workers-updated").equals(updated)); // it keeps refreshing
    }

    @Test
    void nodesPanelSaysSingleNodeOnTheEmbeddedStore() {
        openConsole();
        wait.until(d -> "single".equals(d.findElement(By.id("nodes-mode")).getDomAttribute("data-mode")));
        assertTrue(text("nodes-mode").startsWith("Single node"), text("nodes-mode"));
        assertTrue(browser.findElements(By.cssSelector("[data-test=node-row]")).isEmpty());
        assertEquals("true", browser.findElement(By.id("nodes-table")).getDomProperty("hidden"));
    }

    @Test
    void workersEndpointListsEveryWorkerWithItsFigures() throws Exception {
        HttpResponse<String> r = platform.get("/system/workers");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode workers = RunningPlatform.JSON.readTree(r.body());
        assertEquals(2, workers.size(), r.body());
        for (String field : List.of("id", "pid", "ready", "score", "cpu", "mem", "io", "inFlight", "completed")) {
            assertTrue(workers.get(0).has(field), field + " missing in " + r.body());
        }
    }

    @Test
    void uploadPathServesTheConsoleToo() throws Exception {
        HttpResponse<String> upload = platform.get("/upload");
        assertEquals(200, upload.statusCode());
        assertTrue(upload.body().contains("<title>faasj console</title>"), upload.body());
    }

    private static void openConsole() {
        browser.manage().window().setSize(new Dimension(1280, 1000));
        browser.get("http://127.0.0.1:" + platform.port + "/");
        wait.until(d -> !text("token-status").startsWith("Checking"));
    }

    /** The platform listens on all interfaces here, so the console must ask for the admin token. */
    private static void enterToken() throws Exception {
        Path tokenFile = platform.dataDir.resolve("admin-token");
        assertTrue(Files.exists(tokenFile), "the platform did not write " + tokenFile);
        HeadlessChromium.enterToken(browser, wait, Files.readString(tokenFile).trim());
    }

    private static String routeFromApi(String name) throws Exception {
        HttpResponse<String> fn = platform.get("/system/functions/" + name);
        assertEquals(200, fn.statusCode(), fn.body());
        String route = RunningPlatform.JSON.readTree(fn.body()).path("route").asString();
        assertTrue(route.startsWith("/"), fn.body());
        return route;
    }

    private static By functionRowLocator(String name) {
        return By.cssSelector("tr[data-test=function-row][data-name='" + name + "']");
    }

    private static WebElement functionRow(String name) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(functionRowLocator(name)));
    }

    /** Cell text read in one script call: the list re-renders, so a WebElement could go stale between calls. */
    private static String cellText(String name, String cell) {
        Object text = browser.executeScript("const c = document.querySelector(arguments[0]);"
                + " return c ? c.textContent : null;",
                "tr[data-test=function-row][data-name='" + name + "'] [data-test=" + cell + "]");
        return text == null ? null : text.toString();
    }

    private static long readyWorkerRows() {
        List<?> states = (List<?>) browser.executeScript("return [...document.querySelectorAll("
                + "'[data-test=worker-row] [data-col=state]')].map(c => c.textContent);");
        return states.stream().filter(s -> s.toString().startsWith("ready")).count();
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** Sizes the window to the whole page at this width, so the picture shows every panel. */
    /**
     * Screenshots go to the build directory; to refresh the committed ones in docs/, run with
     * {@code -Dfaasj.screenshots=<repo>/docs}. Tests never write outside the build by default.
     */
    private static void saveScreenshot(int width, String fileName) throws Exception {
        browser.manage().window().setSize(new Dimension(width, 1000));
        // the window size includes the browser's frame; add it so the viewport holds the whole page
        long height = (Long) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight;");
        browser.manage().window().setSize(new Dimension(width, (int) Math.min(height, 4000)));
        long overflow = (Long) browser.executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertEquals(0, overflow, "the page scrolls sideways at " + width + " px");
        Path target = Path.of(System.getProperty("faasj.screenshots", "target/screenshots")).resolve(fileName);
        Files.createDirectories(target.getParent());
        byte[] png = browser.getScreenshotAs(OutputType.BYTES);
        assertTrue(png.length < 300_000, fileName + " would be " + png.length + " bytes; it is committed, keep it small");
        Files.write(target, png);
    }
}
