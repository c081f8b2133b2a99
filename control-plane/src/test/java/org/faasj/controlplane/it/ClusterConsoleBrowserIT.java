package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.faasj.controlplane.testing.PostgresDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's nodes panel in a real browser, on a cluster of two nodes sharing one PostgreSQL
 * database: without the token it says the list needs it; with it, both nodes are listed alive.
 */
class ClusterConsoleBrowserIT {

    @TempDir
    static Path tmp;
    static PostgresDatabase db;
    static RunningPlatform a;
    static RunningPlatform b;
    static ChromeDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        db = PostgresDatabase.create();
        a = ClusterNodes.node(tmp.resolve("a"), db);
        b = ClusterNodes.node(tmp.resolve("b"), db);
        browser = HeadlessChromium.start(tmp.resolve("chromium-profile"));
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        try (PostgresDatabase closing = db) {
            if (browser != null) {
                browser.quit();
            }
            if (b != null) {
                b.close();
            }
            if (a != null) {
                a.close();
            }
        }
    }

    @Test
    void nodesPanel_asksForTheToken_thenListsBothNodesAlive() {
        browser.get("http://127.0.0.1:" + a.port + "/");
        wait.until(d -> "cluster".equals(d.findElement(By.id("nodes-mode")).getDomAttribute("data-mode")));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nodes-token")));

        browser.findElement(By.id("nodes-token-enter")).click();
        browser.findElement(By.id("token-input")).sendKeys(ClusterNodes.TOKEN);
        browser.findElement(By.id("token-save")).click();

        wait.until(d -> aliveNodes().size() == 2);
        List<Map<String, Object>> nodes = aliveNodes();
        String addresses = nodes.stream().map(n -> n.get("address").toString()).sorted().toList().toString();
        assertTrue(addresses.contains(":" + a.port) && addresses.contains(":" + b.port), addresses);
        long self = nodes.stream().filter(n -> n.get("id").toString().endsWith("(this node)")).count();
        assertEquals(1, self, nodes.toString());
        for (Map<String, Object> node : nodes) {
            assertEquals("1", node.get("workers"), nodes.toString());
            assertTrue(node.get("heartbeat").toString().matches(".*\\d.*"), nodes.toString());
        }
        assertTrue(browser.findElement(By.id("nodes-token")).getDomProperty("hidden").equals("true"));
    }

    /** Every row's cells read in one script call: the panel re-renders, so WebElements could go stale. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> aliveNodes() {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) browser.executeScript(
                "return [...document.querySelectorAll('[data-test=node-row]')].map(r => Object.fromEntries("
                        + "[...r.querySelectorAll('td')].map(c => [c.dataset.col, c.textContent])));");
        return rows.stream().filter(r -> "alive".equals(r.get("alive"))).toList();
    }
}
