package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 12, versions and rollback, against the packaged jar. One worker (handler-mode processes are
 * then easy to find), three kept versions so pruning shows after a fourth deploy, and a short grace
 * so pruned artifacts go within the test.
 */
class VersionsIT {

    static final int KEEP = 3;

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), 1,
                "--faas.deploy.keep-versions=" + KEEP, "--faas.deploy.cleanup-grace=1s");
        token = AbuseSupport.adminToken(platform);
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void threeDeploys_areListedNewestFirstWithTheActiveOneFlagged() throws Exception {
        String[] code = new String[4];
        for (int v = 1; v <= 3; v++) {
            code[v] = answering(v);
            assertEquals(v, json(deployPhp("vs-list", code[v], "{\"SECRET\":\"s" + v + "\"}")).path("version").asInt());
        }
        HttpResponse<String> listed = send("GET", "/system/functions/vs-list/versions", null, true);
        assertEquals(200, listed.statusCode(), listed.body());
        JsonNode versions = json(listed);
        assertEquals(3, versions.size(), listed.body());
        for (int i = 0; i < 3; i++) {
            JsonNode v = versions.get(i);
            int number = 3 - i;
            assertEquals(number, v.path("version").asInt());
            assertEquals(number == 3, v.path("active").asBoolean(), listed.body());
            assertEquals(sha256(code[number]), v.path("codeDigest").asString());
            assertEquals(sha256(token).substring(0, 12), v.path("deployedBy").asString());
            assertTrue(v.path("deployedAt").asString().endsWith("Z"), v.toString());
            assertTrue(v.path("buildOutput").asString().contains("No syntax errors"), v.toString());
            assertEquals("s" + number, v.path("function").path("env").path("SECRET").asString());
            assertEquals(number, v.path("function").path("version").asInt());
        }
        assertFalse(listed.body().contains(token), "never the token itself");
        assertFalse(listed.body().contains(platform.dataDir.toString()), "no host paths: " + listed.body());
        assertFalse(listed.body().contains("module"), "no artifact paths: " + listed.body());

        HttpResponse<String> anonymous = send("GET", "/system/functions/vs-list/versions", null, false);
        assertEquals(200, anonymous.statusCode());
        assertEquals("<redacted>", json(anonymous).get(0).path("function").path("env").path("SECRET").asString());
    }

    @Test
    void rollback_toThePreviousAndToN_switchesTheAnswerAtOnce() throws Exception {
        for (int v = 1; v <= 3; v++) {
            deployPhp("vs-roll", answering(v), "{}");
        }
        assertEquals(3, answer("vs-roll"));

        long started = System.nanoTime();
        HttpResponse<String> back = send("POST", "/system/functions/vs-roll/rollback", "", true);
        long micros = (System.nanoTime() - started) / 1_000;
        assertEquals(200, back.statusCode(), back.body());
        assertEquals(2, json(back).path("version").asInt());
        assertEquals(2, answer("vs-roll"), "the first call after the answer runs the rolled-back version");
        Matcher switched = Pattern.compile("Rolled vs-roll back to v2 in ([0-9.]+) ms")
                .matcher(platform.logText());
        assertTrue(switched.find(), "the platform logs how long the switch took");
        // printed, not asserted: a wall-clock bound would flake on a loaded 2-core machine
        System.out.printf("VersionsIT: rollback switched in %s ms inside the platform, %.2f ms with the HTTP round trip%n",
                switched.group(1), micros / 1000.0);

        HttpResponse<String> toOne = send("POST", "/system/functions/vs-roll/rollback", "{\"version\":1}", true);
        assertEquals(1, json(toOne).path("version").asInt(), toOne.body());
        assertEquals(1, answer("vs-roll"));
        JsonNode listed = json(send("GET", "/system/functions/vs-roll/versions", null, true));
        assertEquals(List.of(1), activeVersions(listed));

        HttpResponse<String> forward = send("POST", "/system/functions/vs-roll/rollback", "{\"version\":3}", true);
        assertEquals(3, json(forward).path("version").asInt(), forward.body());
        assertEquals(3, answer("vs-roll"));

        send("POST", "/system/functions/vs-roll/rollback", "{\"version\":1}", true);
        HttpResponse<String> next = deployPhp("vs-roll", answering(4), "{}");
        assertEquals(4, json(next).path("version").asInt(), "numbers only grow: " + next.body());
        assertEquals(4, answer("vs-roll"));
    }

    @Test
    void aCallInFlightFinishesOnTheVersionItStartedOn() throws Exception {
        deployPhp("vs-flight", answering(1), "{}");
        deployPhp("vs-flight", answering(2), "{}");
        String inFlight = "faasj_function_in_flight{function=\"vs-flight\"}";
        RunningPlatform.await(Duration.ofSeconds(30), () -> scrape().contains(inFlight + " 0.0"),
                "the metrics sweep gave vs-flight its in-flight series");
        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return platform.post("/api/vs-flight?sleep", "{}");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        RunningPlatform.await(Duration.ofSeconds(4), () -> scrape().contains(inFlight + " 1.0"),
                "the slow v2 call handed to the worker");

        HttpResponse<String> back = send("POST", "/system/functions/vs-flight/rollback", "", true);
        assertEquals(200, back.statusCode(), back.body());
        assertEquals(1, answer("vs-flight"), "new calls run v1 while the v2 call is still going");

        HttpResponse<String> finished = slow.get();
        assertEquals(200, finished.statusCode(), finished.body());
        assertEquals(2, json(finished).path("answer").asInt(), finished.body());
    }

    @Test
    void keepVersions_prunesOlderVersionsAndTheirArtifacts() throws Exception {
        for (int v = 1; v <= KEEP + 2; v++) {
            deployPhp("vs-prune", answering(v), "{}");
        }
        JsonNode listed = json(send("GET", "/system/functions/vs-prune/versions", null, true));
        assertEquals(List.of(5, 4, 3), numbers(listed));
        Path function = platform.dataDir.resolve("functions/vs-prune");
        RunningPlatform.await(Duration.ofSeconds(30),
                () -> !Files.exists(function.resolve("1")) && !Files.exists(function.resolve("2")),
                "pruned versions' directories removed after timeout + grace");
        for (int v = 3; v <= 5; v++) {
            assertTrue(Files.isRegularFile(function.resolve(v + "/function.php")), "kept v" + v);
        }
        HttpResponse<String> gone = send("POST", "/system/functions/vs-prune/rollback", "{\"version\":2}", true);
        assertProblem(gone, 404, "version");

        // rolled back to the oldest kept version, a new deploy keeps it only if it is among the newest
        send("POST", "/system/functions/vs-prune/rollback", "{\"version\":3}", true);
        deployPhp("vs-prune", answering(6), "{}");
        assertEquals(List.of(6, 5, 4), numbers(json(send("GET", "/system/functions/vs-prune/versions", null, true))));
        RunningPlatform.await(Duration.ofSeconds(30), () -> !Files.exists(function.resolve("3")), "v3 removed");
    }

    @Test
    void deleteRemovesEveryVersionAndARecreateStartsAgainAtOne() throws Exception {
        deployPhp("vs-del", answering(1), "{}");
        deployPhp("vs-del", answering(2), "{}");
        assertEquals(204, send("DELETE", "/system/functions/vs-del", null, true).statusCode());
        assertProblem(send("GET", "/system/functions/vs-del/versions", null, true), 404, null);
        Path function = platform.dataDir.resolve("functions/vs-del");
        RunningPlatform.await(Duration.ofSeconds(30), () -> !Files.exists(function), "every version's artifacts removed");

        assertEquals(1, json(deployPhp("vs-del", answering(7), "{}")).path("version").asInt());
        assertEquals(List.of(1), numbers(json(send("GET", "/system/functions/vs-del/versions", null, true))));
        assertEquals(7, answer("vs-del"));
    }

    @Test
    void rollbackProblems_areJsonWithTheRightStatus() throws Exception {
        deployPhp("vs-bad", answering(1), "{}");
        assertProblem(send("POST", "/system/functions/vs-nobody/rollback", "", true), 404, null);
        assertProblem(send("POST", "/system/functions/vs-bad/rollback", "{\"version\":9}", true), 404, "version");
        assertProblem(send("POST", "/system/functions/vs-bad/rollback", "", true), 409, "version");
        assertProblem(send("POST", "/system/functions/vs-bad/rollback", "{\"version\":1}", true), 409, "version");
        assertProblem(send("POST", "/system/functions/vs-bad/rollback", "{\"version\":\"one\"}", true), 422, "version");
        assertProblem(send("POST", "/system/functions/vs-bad/rollback", "{\"version\":0}", true), 422, "version");
        assertProblem(send("POST", "/system/functions/vs-bad/rollback", "{nope", true), 400, "version");
        assertEquals(401, send("POST", "/system/functions/vs-bad/rollback", "", false).statusCode());
        assertProblem(send("GET", "/system/functions/vs-nobody/versions", null, true), 404, null);
        assertEquals(1, answer("vs-bad"));
    }

    @Test
    void rollbackWhileADeployOfTheNameBuilds_is409() throws Exception {
        deployPhp("vs-busy", answering(1), "{}");
        deployPhp("vs-busy", answering(2), "{}");
        Multipart slowC = new Multipart().file("code", "slow.c", slowToCompile())
                .field("descriptor", "{\"runtime\":\"c\",\"name\":\"vs-busy\"}");
        CompletableFuture<HttpResponse<String>> building = CompletableFuture.supplyAsync(() -> {
            try {
                return send("PUT", "/system/functions/vs-busy", slowC, true);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        List<Integer> statuses = new ArrayList<>();
        while (!building.isDone() && !statuses.contains(409)) {
            HttpResponse<String> r = send("POST", "/system/functions/vs-busy/rollback", "", true);
            statuses.add(r.statusCode());
            if (r.statusCode() == 409) {
                assertTrue(json(r).path("detail").asString().contains("in progress"), r.body());
            }
            Thread.sleep(20);
        }
        assertTrue(statuses.contains(409), "a rollback during the build was refused: " + statuses);
        assertEquals(200, building.get().statusCode(), building.get().body());
        assertEquals(9, answer("vs-busy"));
    }

    /** Handler mode keeps processes per version on the worker: a rollback must reach a process running the old code. */
    @Test
    void rollbackOfAHandlerModeFunction_answersWithTheOldCodeFromAPool() throws Exception {
        String probe = handlerProbe();
        deployHandler("vs-hm", probe);
        deployHandler("vs-hm", probe.replace("'version' => 'v1'", "'version' => 'v2'"));
        JsonNode v2 = json(platform.post("/api/vs-hm", "{}"));
        assertEquals("v2", v2.path("version").asString());

        assertEquals(200, send("POST", "/system/functions/vs-hm/rollback", "", true).statusCode());
        JsonNode first = json(platform.post("/api/vs-hm", "{}"));
        JsonNode second = json(platform.post("/api/vs-hm", "{}"));
        assertEquals("v1", first.path("version").asString(), first.toString());
        assertEquals(first.path("id").asString(), second.path("id").asString(), "one pooled v1 process, not one per call");
        assertEquals(2, second.path("calls").asInt());
        assertFalse(AbuseSupport.processesServing("vs-hm@1").isEmpty());

        assertEquals(200, send("POST", "/system/functions/vs-hm/rollback", "{\"version\":2}", true).statusCode());
        assertEquals("v2", json(platform.post("/api/vs-hm", "{}")).path("version").asString());
    }

    /** The active version is durable: a control plane killed right after a rollback serves the same version again. */
    @Test
    void afterKill9AndRestart_theRolledBackVersionServes() throws Exception {
        Path dataDir = tmp.resolve("durable");
        try (RunningPlatform first = RunningPlatform.start(dataDir, 1)) {
            String own = Files.readString(dataDir.resolve("admin-token")).strip();
            for (int v = 1; v <= 3; v++) {
                deployOn(first, own, v);
            }
            HttpResponse<String> back = first.http.send(HttpRequest.newBuilder(first.uri("/system/functions/vs-kill/rollback"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + own)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"version\":1}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, back.statusCode(), back.body());
            first.process.destroyForcibly().waitFor();
        }
        try (RunningPlatform second = RunningPlatform.start(dataDir, 1)) {
            HttpResponse<String> call = second.post("/api/vs-kill", "{}");
            assertEquals(1, json(call).path("answer").asInt(), call.body());
            JsonNode listed = json(second.get("/system/functions/vs-kill/versions"));
            assertEquals(List.of(3, 2, 1), numbers(listed));
            assertEquals(List.of(1), activeVersions(listed));
            for (int v = 1; v <= 3; v++) {
                assertTrue(Files.exists(dataDir.resolve("functions/vs-kill/" + v)), "the startup sweep keeps kept v" + v);
            }
        }
    }

    private static void deployOn(RunningPlatform on, String own, int v) throws Exception {
        Multipart upload = new Multipart().file("code", "f.php", answering(v))
                .field("descriptor", "{\"runtime\":\"php\",\"name\":\"vs-kill\"}");
        String path = v == 1 ? "/system/functions" : "/system/functions/vs-kill";
        HttpRequest.Builder b = HttpRequest.newBuilder(on.uri(path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + own).header("Content-Type", upload.contentType());
        b = v == 1 ? b.POST(upload.publisher()) : b.PUT(upload.publisher());
        HttpResponse<String> r = on.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(v == 1 ? 201 : 200, r.statusCode(), r.body());
    }

    /** PHP answering {@code {"answer": v}}; with the query {@code sleep} it takes 6 s first. */
    static String answering(int v) {
        return "<?php if (getenv('QUERY_STRING') === 'sleep') { sleep(6); }\necho json_encode(['answer' => " + v + "]);\n";
    }

    private static HttpResponse<String> deployPhp(String name, String code, String env) throws Exception {
        Multipart upload = new Multipart().file("code", "f.php", code)
                .field("descriptor", "{\"runtime\":\"php\",\"name\":\"" + name + "\",\"env\":" + env + "}");
        boolean exists = platform.get("/system/functions/" + name).statusCode() == 200;
        HttpResponse<String> r = exists ? send("PUT", "/system/functions/" + name, upload, true)
                : send("POST", "/system/functions", upload, true);
        assertEquals(exists ? 200 : 201, r.statusCode(), r.body());
        return r;
    }

    private static void deployHandler(String name, String code) throws Exception {
        Multipart upload = new Multipart().file("code", "probe.php", code)
                .field("descriptor", "{\"runtime\":\"php\",\"name\":\"" + name + "\",\"mode\":\"handler\"}");
        boolean exists = platform.get("/system/functions/" + name).statusCode() == 200;
        HttpResponse<String> r = exists ? send("PUT", "/system/functions/" + name, upload, true)
                : send("POST", "/system/functions", upload, true);
        assertEquals(exists ? 200 : 201, r.statusCode(), r.body());
    }

    private static int answer(String name) throws Exception {
        HttpResponse<String> call = platform.post("/api/" + name, "{}");
        assertEquals(200, call.statusCode(), call.body());
        return json(call).path("answer").asInt();
    }

    private static HttpResponse<String> send(String method, String path, Object body, boolean withToken)
            throws IOException, InterruptedException {
        return platform.send(method, path, body, withToken ? token : null, Duration.ofSeconds(120));
    }

    private static void assertProblem(HttpResponse<String> answer, int status, String field) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""), answer.body());
        JsonNode problem = json(answer);
        assertFalse(problem.path("detail").asString().isEmpty(), problem.toString());
        if (field != null) {
            assertEquals(field, problem.path("field").asString(), problem.toString());
        }
    }

    private static List<Integer> numbers(JsonNode versions) {
        List<Integer> numbers = new ArrayList<>();
        versions.forEach(v -> numbers.add(v.path("version").asInt()));
        return numbers;
    }

    private static List<Integer> activeVersions(JsonNode versions) {
        List<Integer> active = new ArrayList<>();
        versions.forEach(v -> {
            if (v.path("active").asBoolean()) {
                active.add(v.path("version").asInt());
            }
        });
        return active;
    }

    /** About a thousand functions at -O2: a build that takes gcc a few seconds, printing answer 9. */
    private static String slowToCompile() {
        StringBuilder c = new StringBuilder("#include <stdio.h>\n");
        for (int i = 0; i < 1000; i++) {
            c.append("int f").append(i).append("(int x){int s=0;for(int i=0;i<x;i++)s+=i*").append(i)
                    .append("^(s>>3);return s;}\n");
        }
        return c.append("int main(void){puts(\"{\\\"answer\\\":9}\");return 0;}\n").toString();
    }

    private static String scrape() {
        try {
            return platform.get("/actuator/prometheus").body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String handlerProbe() throws IOException {
        try (InputStream in = VersionsIT.class.getResourceAsStream("/handler/probe.php")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode json(HttpResponse<String> response) {
        return RunningPlatform.JSON.readTree(response.body());
    }
}
