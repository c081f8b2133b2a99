package org.faasj.controlplane.it;

import static org.faasj.controlplane.it.ClusterNodes.answer;
import static org.faasj.controlplane.it.ClusterNodes.awaitAnswer;
import static org.faasj.controlplane.it.ClusterNodes.deploy;
import static org.faasj.controlplane.it.ClusterNodes.node;
import static org.faasj.controlplane.it.ClusterNodes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.faasj.controlplane.testing.PostgresDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 13, first slice: two nodes of the packaged jar on two ports, each with its own data dir,
 * sharing one PostgreSQL database. What one node changes the other serves.
 */
class ClusterIT {

    static final Duration PROPAGATION = Duration.ofSeconds(15); // a sanity bound on a loaded 2-core box, not the target

    @TempDir
    static Path tmp;
    static PostgresDatabase db;
    static RunningPlatform a;
    static RunningPlatform b;

    @BeforeAll
    static void start() throws Exception {
        db = PostgresDatabase.create();
        a = node(tmp.resolve("a"), db);
        b = node(tmp.resolve("b"), db);
    }

    @AfterAll
    static void stop() throws Exception {
        try (PostgresDatabase closing = db) {
            if (b != null) {
                b.close();
            }
            if (a != null) {
                a.close();
            }
        }
    }

    /** Also measures deploy-on-A (answered) to callable-on-B over 20 redeploys; logged, only sanity-bounded. */
    @Test
    void deployOnA_isCallableOnB_withItsArtifactFetchedFromTheStore() throws Exception {
        deploy(a, "cl-hello", 1);
        awaitAnswer(b, "cl-hello", 1, PROPAGATION);
        try (var files = Files.list(b.dataDir.resolve("functions/cl-hello/1"))) {
            assertTrue(files.findAny().isPresent(), "B holds the fetched artifact in its own data dir");
        }

        List<Long> millis = new ArrayList<>();
        for (int v = 2; v <= 21; v++) {
            deploy(a, "cl-hello", v);
            long answered = System.nanoTime();
            awaitAnswer(b, "cl-hello", v, PROPAGATION);
            millis.add((System.nanoTime() - answered) / 1_000_000);
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf("ClusterIT propagation deploy-on-A -> callable-on-B over %d deploys: p50 %d ms, max %d ms, all %s%n",
                sorted.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), millis);
    }

    @Test
    void rollbackOnB_isSeenOnBoth() throws Exception {
        deploy(a, "cl-back", 1);
        deploy(a, "cl-back", 2);
        awaitAnswer(b, "cl-back", 2, PROPAGATION);

        HttpResponse<String> rolled = send(b, "POST", "/system/functions/cl-back/rollback", "{}");
        assertEquals(200, rolled.statusCode(), rolled.body());

        assertEquals(1, answer(b, "cl-back"));
        awaitAnswer(a, "cl-back", 1, PROPAGATION);
        JsonNode versionsOnA = RunningPlatform.JSON.readTree(a.get("/system/functions/cl-back/versions").body());
        assertEquals(1, versionsOnA.get(1).path("version").asInt(), versionsOnA.toString());
        assertTrue(versionsOnA.get(1).path("active").asBoolean(), versionsOnA.toString());
    }

    @Test
    void deleteOnB_isSeenOnBoth() throws Exception {
        deploy(a, "cl-gone", 1);
        awaitAnswer(b, "cl-gone", 1, PROPAGATION);

        HttpResponse<String> deleted = send(b, "DELETE", "/system/functions/cl-gone", null);
        assertEquals(204, deleted.statusCode(), deleted.body());

        assertEquals(-404, answer(b, "cl-gone"));
        awaitAnswer(a, "cl-gone", -404, PROPAGATION);
    }

    @Test
    void nodeStartedAfterTheDeploys_servesThemAtOnce() throws Exception {
        deploy(a, "cl-late", 1);
        deploy(a, "cl-late", 2);
        try (RunningPlatform c = node(tmp.resolve("c"), db)) {
            assertEquals(2, answer(c, "cl-late"), "routes and artifacts are loaded before the node reports healthy");
        }
    }

    @Test
    void nodes_listsBothAliveForTheTokenOnly() throws Exception {
        assertEquals(401, a.get("/system/nodes").statusCode());
        RunningPlatform.await(PROPAGATION, () -> {
            try {
                JsonNode nodes = RunningPlatform.JSON.readTree(send(b, "GET", "/system/nodes", null).body());
                int alive = 0;
                for (JsonNode n : nodes) {
                    alive += n.path("alive").asBoolean() ? 1 : 0;
                }
                return alive >= 2;
            } catch (Exception e) {
                return false;
            }
        }, "both nodes listed alive");
        JsonNode nodes = RunningPlatform.JSON.readTree(send(a, "GET", "/system/nodes", null).body());
        JsonNode self = null;
        for (JsonNode n : nodes) {
            if (n.path("self").asBoolean()) {
                self = n;
            }
        }
        assertTrue(self != null && self.path("address").asString().endsWith(":" + a.port), nodes.toString());
        assertEquals(1, self.path("workers").asInt(), nodes.toString());
        assertEquals("UP", ClusterNodes.storeHealth(a).path("status").asString());
    }
}
