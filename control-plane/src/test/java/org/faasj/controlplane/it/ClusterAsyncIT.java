package org.faasj.controlplane.it;

import static org.faasj.controlplane.it.ClusterNodes.TOKEN;
import static org.faasj.controlplane.it.ClusterNodes.node;
import static org.faasj.controlplane.it.ClusterNodes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.testing.PostgresDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 13, second slice: the async queue in the shared PostgreSQL database. Nodes of the packaged
 * jar, each with one worker and its own data dir; a call enqueued on one node may run on any,
 * its state is read on any, and the calls of a node killed with {@code kill -9} run on the others
 * once its lease has run out, those of a node stopped cleanly as soon as its drain has ended.
 */
class ClusterAsyncIT {

    private static final Duration PROPAGATION = Duration.ofSeconds(15);
    private static final Duration DONE = Duration.ofSeconds(90);

    /** Sleeps long on its first attempt, briefly after; answers which attempt of which call it was. */
    private static final String SLOW_FIRST = """
            <?php
            $attempt = getenv('FAAS_ATTEMPT');
            usleep($attempt === '1' ? 60000000 : 200000);
            echo json_encode(['attempt' => $attempt, 'callId' => getenv('FAAS_CALL_ID')]);
            """;
    private static final String HOLD = """
            <?php
            usleep(10000000);
            echo 'held';
            """;
    private static final String QUICK = """
            <?php
            usleep(20000);
            echo json_encode(['attempt' => getenv('FAAS_ATTEMPT'), 'callId' => getenv('FAAS_CALL_ID')]);
            """;

    @TempDir
    Path tmp;
    PostgresDatabase db;
    final List<RunningPlatform> nodes = new ArrayList<>();

    @BeforeEach
    void database() {
        db = PostgresDatabase.create();
    }

    @AfterEach
    void stop() throws Exception {
        try (PostgresDatabase closing = db) {
            for (RunningPlatform n : nodes) {
                n.close();
            }
        }
    }

    private RunningPlatform start(String name) throws Exception {
        return start(name, Duration.ofSeconds(1));
    }

    private RunningPlatform start(String name, Duration heartbeat, String... extraArgs) throws Exception {
        RunningPlatform n = node(tmp.resolve(name), db, heartbeat, extraArgs);
        nodes.add(n);
        return n;
    }

    @Test
    void aCallRunningOnANodeKilledWithMinus9_runsAgainOnTheSurvivor_whereEnqueuedOnTheFirst() throws Exception {
        RunningPlatform a = start("a");
        deploy(a, "ca-slow", SLOW_FIRST, 120);
        assertEquals(202, enqueue(a, "ca-slow", "ca-orphan").statusCode());
        awaitState(a, "ca-orphan", "running", PROPAGATION); // on A: B does not exist yet

        RunningPlatform b = start("b");
        awaitRoute(b, "ca-slow");
        JsonNode onB = call(b, "ca-orphan");
        assertEquals("running", onB.path("async").path("state").asString(), "B reads A's call: " + onB);
        assertEquals(1, onB.path("async").path("attempts").asInt(), "B's start took none of A's calls: " + onB);

        a.process.destroyForcibly().waitFor(); // kill -9: A never ends the attempt nor renews its lease

        JsonNode done = awaitState(b, "ca-orphan", "succeeded", DONE);
        JsonNode seen = RunningPlatform.JSON.readTree(done.path("async").path("result").path("body").asString());
        assertEquals("ca-orphan", seen.path("callId").asString());
        assertEquals("2", seen.path("attempt").asString(), "the second attempt, on B: " + done);
        assertEquals(2, done.path("async").path("attempts").asInt(), done.toString());
    }

    /**
     * SIGTERM instead of kill -9: node A's claims would hold 30 s (three 10 s heartbeats), but its
     * drain (1 s) ends with the call still running, and the call goes back to the queue then; B
     * runs it as its second attempt long before A's lease would have run out.
     */
    @Test
    void aCallStillRunningWhenACleanStopsDrainEnds_runsOnTheOtherNodeLongBeforeTheLeaseWouldEnd() throws Exception {
        Duration heartbeatOfA = Duration.ofSeconds(10);
        Duration leaseOfA = heartbeatOfA.multipliedBy(3);
        RunningPlatform a = start("a", heartbeatOfA, "--faas.shutdown.grace=1s");
        deploy(a, "ca-drain", SLOW_FIRST, 120);
        assertEquals(202, enqueue(a, "ca-drain", "ca-handed-back").statusCode());
        awaitState(a, "ca-handed-back", "running", PROPAGATION); // on A: B does not exist yet

        RunningPlatform b = start("b");
        awaitRoute(b, "ca-drain");
        long stopped = System.nanoTime();
        a.process.destroy(); // SIGTERM: readiness down, drain for 1 s, then the hand-back

        JsonNode done = awaitState(b, "ca-handed-back", "succeeded", leaseOfA);
        Duration took = Duration.ofNanos(System.nanoTime() - stopped);
        assertTrue(a.process.waitFor(30, TimeUnit.SECONDS), "node a stopped");
        System.out.printf("ClusterAsyncIT: SIGTERM of A (drain 1 s, lease %d s) to the call succeeded on B: %d ms%n",
                leaseOfA.toSeconds(), took.toMillis());
        JsonNode seen = RunningPlatform.JSON.readTree(done.path("async").path("result").path("body").asString());
        assertEquals("2", seen.path("attempt").asString(), "the second attempt, on B: " + done);
        assertEquals(2, done.path("async").path("attempts").asInt(), done.toString());
        assertTrue(took.compareTo(leaseOfA.dividedBy(2)) < 0,
                "B ran it " + took.toMillis() + " ms after the SIGTERM, not long before A's lease of " + leaseOfA);
    }

    @Test
    void callsEnqueuedOnA_runOnBothNodes_eachExactlyOnce_andAreReadAndCancelledFromB() throws Exception {
        RunningPlatform a = start("a");
        RunningPlatform b = start("b");
        deploy(a, "ca-quick", QUICK, 30);
        awaitRoute(b, "ca-quick");

        int calls = 200;
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                String id = "ca-load-" + i;
                sent.add(clients.submit(() -> enqueue(a, "ca-quick", id).statusCode()));
            }
            for (Future<Integer> status : sent) {
                assertEquals(202, status.get());
            }
        } finally {
            clients.shutdownNow();
        }

        for (int i = 0; i < calls; i++) {
            String id = "ca-load-" + i;
            JsonNode done = awaitState(b, id, "succeeded", DONE);
            assertEquals(1, done.path("async").path("attempts").asInt(), "claimed once: " + done);
            JsonNode seen = RunningPlatform.JSON.readTree(done.path("async").path("result").path("body").asString());
            assertEquals(id, seen.path("callId").asString());
        }

        // every invocation leaves a record naming the node that ran it, in the shared store: read on
        // one node, each call ran once, on one node
        Map<String, Integer> runs = new HashMap<>();
        Map<String, Integer> perNode = new HashMap<>();
        RunningPlatform.await(PROPAGATION, () -> {
            runs.clear();
            perNode.clear();
            try {
                return countRuns(b, "ca-quick", runs, perNode) >= calls;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "invocation records of all calls");
        assertEquals(calls, runs.size(), runs.toString());
        runs.forEach((id, n) -> assertEquals(1, n, id + " ran " + n + " times"));
        int onA = perNode.getOrDefault(nodeId(a), 0);
        int onB = perNode.getOrDefault(nodeId(b), 0);
        System.out.printf("ClusterAsyncIT: %d calls enqueued on A ran %d on A, %d on B%n", calls, onA, onB);
        assertEquals(calls, onA + onB, perNode.toString());
        assertTrue(onA > 0 && onB > 0, "both nodes dispatched: A " + onA + ", B " + onB);

        // enqueued on A the moment its deploy answers: B may claim them before its route sync has the
        // function; it hands them back rather than failing them, so each runs once, as its first attempt
        deploy(a, "ca-fresh", QUICK, 30);
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fresh.add("ca-fresh-" + i);
            assertEquals(202, enqueue(a, "ca-fresh", fresh.get(i)).statusCode());
        }
        for (String id : fresh) {
            JsonNode done = awaitState(b, id, "succeeded", DONE);
            assertEquals(1, done.path("async").path("attempts").asInt(), "no attempt lost to a route B lacked: " + done);
        }

        // five calls, two async places per function on each node: four run, one waits; B cancels it
        deploy(a, "ca-hold", HOLD, 60);
        awaitRoute(b, "ca-hold");
        List<String> held = List.of("ca-busy-1", "ca-busy-2", "ca-busy-3", "ca-busy-4", "ca-busy-5");
        for (String id : held) {
            assertEquals(202, enqueue(a, "ca-hold", id).statusCode());
        }
        List<String> queuedNow = new ArrayList<>();
        RunningPlatform.await(PROPAGATION, () -> {
            queuedNow.clear();
            try {
                for (String id : held) {
                    if (call(b, id).path("async").path("state").asString().equals("queued")) {
                        queuedNow.add(id);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return queuedNow.size() == 1;
        }, "four of five calls running on the two nodes");
        String queued = queuedNow.get(0);
        HttpResponse<String> cancelled = send(b, "DELETE", "/system/calls/" + queued, null);
        assertTrue(cancelled.statusCode() / 100 == 2, cancelled.statusCode() + " " + cancelled.body());
        assertEquals("cancelled", call(a, queued).path("async").path("state").asString());
    }

    /** Invocation records of {@code function} on one node, counted into {@code runs} by call id; returns how many. */
    private static int countRuns(RunningPlatform node, String function, Map<String, Integer> runs,
                                 Map<String, Integer> perNode) throws Exception {
        JsonNode body = RunningPlatform.JSON.readTree(
                send(node, "GET", "/system/functions/" + function + "/invocations?limit=1000", null).body());
        int n = 0;
        for (JsonNode r : body.path("invocations")) {
            runs.merge(r.path("callId").asString(), 1, Integer::sum);
            perNode.merge(r.path("node").asString(), 1, Integer::sum);
            n++;
        }
        return n;
    }

    private static String nodeId(RunningPlatform node) throws Exception {
        return Files.readString(node.dataDir.resolve("node-id")).strip();
    }

    private static void deploy(RunningPlatform node, String name, String code, int timeout) throws Exception {
        Multipart upload = new Multipart().file("code", "f.php", code)
                .field("descriptor", "{\"runtime\":\"php\",\"name\":\"" + name + "\",\"timeout\":" + timeout + "}");
        HttpResponse<String> r = send(node, "POST", "/system/functions", upload);
        assertEquals(201, r.statusCode(), r.body());
    }

    /** The route is in the node's own table: a GET on the POST route answers 405, not 404. */
    private static void awaitRoute(RunningPlatform node, String name) throws InterruptedException {
        RunningPlatform.await(PROPAGATION, () -> {
            try {
                return node.get("/api/" + name).statusCode() == 405;
            } catch (Exception e) {
                return false;
            }
        }, name + " routed on port " + node.port);
    }

    private static HttpResponse<String> enqueue(RunningPlatform node, String name, String id) throws Exception {
        return AsyncCallsIT.enqueue(node, "/api/" + name, "{}", "X-Call-Id", id);
    }

    private static JsonNode call(RunningPlatform node, String id) throws Exception {
        return AsyncCallsIT.call(node, TOKEN, "/system/calls/" + id);
    }

    private static JsonNode awaitState(RunningPlatform node, String id, String state, Duration timeout) throws Exception {
        JsonNode[] last = new JsonNode[1];
        RunningPlatform.await(timeout, () -> {
            try {
                last[0] = call(node, id);
                return last[0].path("async").path("state").asString().equals(state);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, id + " " + state + " on port " + node.port + " (last seen " + last[0] + ")");
        return last[0];
    }
}
