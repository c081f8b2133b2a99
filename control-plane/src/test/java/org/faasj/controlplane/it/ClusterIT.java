package org.faasj.controlplane.it;

import static org.faasj.controlplane.it.ClusterNodes.answer;
import static org.faasj.controlplane.it.ClusterNodes.awaitAnswer;
import static org.faasj.controlplane.it.ClusterNodes.deploy;
import static org.faasj.controlplane.it.ClusterNodes.node;
import static org.faasj.controlplane.it.ClusterNodes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

    /**
     * Invocation records live in the shared store: a call B ran, with a stderr line, is shown by A
     * with B's node id and the line (A's own log file has none), and A's list has both nodes' calls.
     */
    @Test
    void aCallRunOnB_isShownOnA_withBsNodeAndItsLogLine() throws Exception {
        Multipart upload = new Multipart().file("code", "f.php",
                        "<?php fwrite(STDERR, \"warned on \" . getenv('FAAS_CALL_ID') . \"\\n\"); echo json_encode(['answer' => 1]);\n")
                .field("descriptor", "{\"runtime\":\"php\",\"name\":\"cl-records\"}");
        HttpResponse<String> deployed = send(a, "POST", "/system/functions", upload);
        assertEquals(201, deployed.statusCode(), deployed.body());
        awaitAnswer(b, "cl-records", 1, PROPAGATION);
        String onB = callWithId(b, "cl-records", "cl-rec-on-b");
        String onA = callWithId(a, "cl-records", "cl-rec-on-a");
        String nodeB = Files.readString(b.dataDir.resolve("node-id"), StandardCharsets.UTF_8).strip();
        String nodeA = Files.readString(a.dataDir.resolve("node-id"), StandardCharsets.UTF_8).strip();

        JsonNode call = awaitJson(a, "/system/calls/" + onB);
        assertEquals(nodeB, call.path("node").asString(), call.toString());
        assertEquals("cl-records", call.path("function").asString(), call.toString());
        assertEquals(1, call.path("logs").size(), call.toString());
        assertEquals("warned on cl-rec-on-b", call.path("logs").get(0).path("text").asString(), call.toString());
        assertEquals(onB, call.path("logs").get(0).path("callId").asString(), call.toString());

        awaitJson(a, "/system/calls/" + onA);
        JsonNode list = RunningPlatform.JSON.readTree(send(a, "GET", "/system/functions/cl-records/invocations", null).body());
        Set<String> nodes = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode r : list.path("invocations")) {
            nodes.add(r.path("node").asString());
            ids.add(r.path("callId").asString());
        }
        assertTrue(nodes.containsAll(Set.of(nodeA, nodeB)), list.toString());
        assertTrue(ids.containsAll(Set.of(onA, onB)), list.toString());
    }

    private static String callWithId(RunningPlatform node, String name, String callId) throws Exception {
        HttpResponse<String> r = node.http.send(HttpRequest.newBuilder(node.uri("/api/" + name))
                .timeout(Duration.ofSeconds(30)).header("X-Call-Id", callId)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(callId, r.headers().firstValue("X-Call-Id").orElse(""));
        return callId;
    }

    /** The body of a GET that answers 200 within the propagation bound (records are written in batches). */
    private static JsonNode awaitJson(RunningPlatform node, String path) throws Exception {
        JsonNode[] found = new JsonNode[1];
        RunningPlatform.await(PROPAGATION, () -> {
            try {
                HttpResponse<String> r = send(node, "GET", path, null);
                if (r.statusCode() != 200) {
                    return false;
                }
                found[0] = RunningPlatform.JSON.readTree(r.body());
                return true;
            } catch (Exception e) {
                return false;
            }
        }, path + " answering 200 on port " + node.port);
        return found[0];
    }
}
