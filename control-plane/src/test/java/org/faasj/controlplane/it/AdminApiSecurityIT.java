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
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import tools.jackson.databind.JsonNode;

/**
 * The admin API from a browser's point of view: a page on another site cannot deploy even with
 * the token at hand, a rebound DNS name gets nothing from the console or API (functions still
 * answer any name), and every console and API answer forbids framing and inline code.
 */
class AdminApiSecurityIT {

    private static final String PHP = "<?php echo json_encode(['ok' => true]);";

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"),
                "--faas.security.allowed-hosts=faas.example", "--faas.security.allowed-origins=http://console.example:8080");
        token = AbuseSupport.adminToken(platform);
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void aCrossSiteWriteWithAValidTokenIs403AndChangesNothing() throws Exception {
        for (String origin : List.of("http://evil.example", "null", "http://127.0.0.1:1")) {
            assertForbidden(deploy("/upload", "POST", "xsite", origin));
            assertForbidden(deploy("/system/functions", "POST", "xsite", origin));
            assertForbidden(platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions/hello"))
                    .header("Authorization", "Bearer " + token).header("Origin", origin).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        assertEquals(404, platform.get("/system/functions/xsite").statusCode());
        assertEquals(200, platform.get("/system/functions/hello").statusCode());
    }

    @Test
    void theOwnOriginAndAConfiguredOneMayDeploy() throws Exception {
        HttpResponse<String> own = deploy("/system/functions", "POST", "same-site", "http://127.0.0.1:" + platform.port);
        assertEquals(201, own.statusCode(), own.body());
        HttpResponse<String> configured = deploy("/upload", "POST", "configured-site", "http://console.example:8080");
        assertEquals(200, configured.statusCode(), configured.body());
        HttpResponse<String> noOrigin = deploy("/system/functions", "POST", "script", null);
        assertEquals(201, noOrigin.statusCode(), "curl and scripts send no Origin: " + noOrigin.body());
    }

    @Test
    void aRebindingHostIsRefusedByTheConsoleAndApiButFunctionsAnswerAnyHost() throws Exception {
        for (String path : List.of("/", "/system/functions", "/actuator/health", "/assets/app.js")) {
            String answer = platform.raw("GET " + path + " HTTP/1.1\r\nHost: rebind.example:" + platform.port
                    + "\r\nConnection: close\r\n\r\n", Duration.ofSeconds(20));
            assertTrue(answer.startsWith("HTTP/1.1 403 "), path + ": " + answer);
            assertTrue(answer.contains("faas.security.allowed-hosts"), answer);
        }
        String configured = platform.raw("GET /system/functions HTTP/1.1\r\nHost: faas.example:" + platform.port
                + "\r\nConnection: close\r\n\r\n", Duration.ofSeconds(20));
        assertTrue(configured.startsWith("HTTP/1.1 200 "), configured);
        String function = platform.raw("GET /ping HTTP/1.1\r\nHost: rebind.example\r\nConnection: close\r\n\r\n",
                Duration.ofSeconds(20));
        assertTrue(function.startsWith("HTTP/1.1 200 "), function);
    }

    @Test
    void consoleAndApiAnswersForbidFramingAndInlineCode() throws Exception {
        for (String path : List.of("/", "/upload", "/assets/app.js", "/system/functions", "/system/nope", "/actuator/health")) {
            assertSecurityHeaders(path, platform.get(path));
        }
        // the gateway's own refusals too
        HttpResponse<String> unauthorised = platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions/hello"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unauthorised.statusCode());
        assertSecurityHeaders("DELETE without token", unauthorised);
    }

    @Test
    void theConsoleRunsUnderItsPolicyWithoutViolations() throws Exception {
        ChromeDriver browser = HeadlessChromium.start(tmp.resolve("chromium-profile"));
        try {
            browser.get("http://127.0.0.1:" + platform.port + "/");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            // the page's modules ran: they filled the token state, the function list and the worker panel
            wait.until(d -> !d.findElement(org.openqa.selenium.By.id("token-status")).getText().startsWith("Checking"));
            wait.until(d -> !d.findElements(org.openqa.selenium.By.cssSelector("[data-test=worker-row]")).isEmpty());
            wait.until(d -> !d.findElements(org.openqa.selenium.By.cssSelector("[data-test=function-row]")).isEmpty());
            List<String> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(LogEntry::getMessage)
                    .filter(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy"))
                    .toList();
            assertEquals(List.of(), violations);
        } finally {
            browser.quit();
        }
    }

    private static void assertSecurityHeaders(String what, HttpResponse<String> answer) {
        assertEquals("DENY", answer.headers().firstValue("X-Frame-Options").orElse(""), what);
        String csp = answer.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), what + ": " + csp);
        assertTrue(!csp.contains("unsafe-inline"), what + ": " + csp);
    }

    private static void assertForbidden(HttpResponse<String> answer) {
        assertEquals(403, answer.statusCode(), answer.body());
        assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""));
        JsonNode problem = RunningPlatform.JSON.readTree(answer.body());
        assertTrue(problem.path("detail").asString().contains("faas.security.allowed-origins"), answer.body());
    }

    private static HttpResponse<String> deploy(String path, String method, String name, String origin) throws Exception {
        Multipart upload = new Multipart().file("code", name + ".php", PHP)
                .field("descriptor", "{\"runtime\":\"php\",\"name\":\"" + name + "\"}");
        HttpRequest.Builder request = HttpRequest.newBuilder(platform.uri(path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token).header("Content-Type", upload.contentType())
                .method(method, upload.publisher());
        if (origin != null) {
            request.header("Origin", origin);
        }
        return platform.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
