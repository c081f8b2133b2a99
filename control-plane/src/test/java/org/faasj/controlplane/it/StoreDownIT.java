package org.faasj.controlplane.it;

import static org.faasj.controlplane.it.ClusterNodes.admin;
import static org.faasj.controlplane.it.ClusterNodes.answer;
import static org.faasj.controlplane.it.ClusterNodes.awaitAnswer;
import static org.faasj.controlplane.it.ClusterNodes.databaseName;
import static org.faasj.controlplane.it.ClusterNodes.deploy;
import static org.faasj.controlplane.it.ClusterNodes.deployAnswer;
import static org.faasj.controlplane.it.ClusterNodes.node;
import static org.faasj.controlplane.it.ClusterNodes.send;
import static org.faasj.controlplane.it.ClusterNodes.storeHealth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.faasj.controlplane.testing.PostgresDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 13: with the shared store unreachable, known routes keep answering from memory, a deploy
 * answers 503 naming the store, health says DOWN (readiness stays UP), a record read answers 503
 * too while the records of the calls wait in the writer's buffer; all of it recovers when the store
 * is back, and the records are stored.
 */
class StoreDownIT {

    @TempDir
    Path tmp;

    private static HttpResponse<String> callWithId(RunningPlatform node, String callId) throws Exception {
        return node.http.send(HttpRequest.newBuilder(node.uri("/api/sd-fn")).timeout(Duration.ofSeconds(30))
                .header("X-Call-Id", callId).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void storeUnreachable_callsGoOn_deploysAnswer503_andEverythingRecovers() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.create(); RunningPlatform node = node(tmp.resolve("n"), db)) {
            deploy(node, "sd-fn", 1);
            assertEquals(1, answer(node, "sd-fn"));
            String name = databaseName(db);

            admin(db, "ALTER DATABASE " + name + " ALLOW_CONNECTIONS false",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
            try {
                RunningPlatform.await(Duration.ofSeconds(15), () -> {
                    try {
                        return "DOWN".equals(storeHealth(node).path("status").asString());
                    } catch (Exception e) {
                        return false;
                    }
                }, "store health DOWN");
                for (int i = 0; i < 20; i++) {
                    assertEquals(1, answer(node, "sd-fn"), "a known route answers from memory");
                }
                // a balancer checking readiness keeps a node that still serves calls (ARCHITECTURE, "Behind a balancer");
                // on a client of its own, like storeHealth
                HttpResponse<String> readiness = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        node.uri("/actuator/health/readiness")).timeout(Duration.ofSeconds(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, readiness.statusCode(), "readiness does not depend on the store: " + readiness.body());
                HttpResponse<String> refused = deployAnswer(node, "sd-fn", 2);
                assertEquals(503, refused.statusCode(), refused.body());
                assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
                JsonNode problem = RunningPlatform.JSON.readTree(refused.body());
                assertEquals("Store unavailable", problem.path("title").asString(), refused.body());
                assertTrue(problem.path("detail").asString().contains(name), refused.body());
                assertEquals(1, answer(node, "sd-fn"), "the refused deploy switched nothing");
                assertEquals(200, callWithId(node, "sd-during").statusCode(), "a call during the outage");
                HttpResponse<String> record = send(node, "GET", "/system/calls/sd-during", null);
                assertEquals(503, record.statusCode(), record.body());
                assertEquals("Store unavailable", RunningPlatform.JSON.readTree(record.body()).path("title").asString());
            } finally {
                admin(db, "ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
            }

            RunningPlatform.await(Duration.ofSeconds(30), () -> {
                try {
                    return "UP".equals(storeHealth(node).path("status").asString());
                } catch (Exception e) {
                    return false;
                }
            }, "store health UP again");
            deploy(node, "sd-fn", 2);
            awaitAnswer(node, "sd-fn", 2, Duration.ofSeconds(10));
            // the records of the calls made during the outage waited in the writer's buffer
            RunningPlatform.await(Duration.ofSeconds(30), () -> {
                try {
                    return send(node, "GET", "/system/calls/sd-during", null).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            }, "the record of the call made during the outage stored");
            String log = node.logText();
            assertEquals(1, log.split("Cannot store invocation records", -1).length - 1, "the outage is logged once");
            assertTrue(log.contains("Storing invocation records again"), "and its end");
        }
    }
}
