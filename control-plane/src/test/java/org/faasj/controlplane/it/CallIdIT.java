package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 10, call ids, errors and secrets, against the packaged jar: every call's id in its answer
 * and in the function's environment, traceparent passed through, a failing function's 500 without
 * its stderr (unless exposed), and env values only for callers with the admin token.
 */
class CallIdIT {

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    static final String SECRET = "hunter2-Zq81";

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"));
        deploy(platform, "echo-id.php", "callid-echo");
        deploy(platform, "fails.php", "callid-fails");
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void aCallWithoutAnIdGetsAGeneratedOneThatTheFunctionSeesToo() throws Exception {
        HttpResponse<String> first = call(platform, "/api/callid-echo", Map.of());
        HttpResponse<String> second = call(platform, "/api/callid-echo", Map.of());

        assertEquals(200, first.statusCode(), first.body());
        String id = first.headers().firstValue("X-Call-Id").orElseThrow();
        assertTrue(id.matches("[a-z2-7]{8}-[0-9a-z]+-[0-9a-z]+"), id);
        assertEquals(id, json(first).path("callId").asString());
        assertNotEquals(id, second.headers().firstValue("X-Call-Id").orElseThrow(), "every call gets its own");
        assertEquals(second.headers().firstValue("X-Call-Id").orElseThrow(), json(second).path("callId").asString());
    }

    @Test
    void aWellFormedClientIdIsUsedAndEchoed() throws Exception {
        HttpResponse<String> r = call(platform, "/api/callid-echo", Map.of("X-Call-Id", "order-17.retry_2"));

        assertEquals(200, r.statusCode(), r.body());
        assertEquals("order-17.retry_2", r.headers().firstValue("X-Call-Id").orElseThrow());
        assertEquals("order-17.retry_2", json(r).path("callId").asString());
    }

    @Test
    void aMalformedClientIdIsReplacedNotRefused() throws Exception {
        for (String bad : new String[] {"has space", "x".repeat(65), "a/b"}) {
            HttpResponse<String> r = call(platform, "/api/callid-echo", Map.of("X-Call-Id", bad));

            assertEquals(200, r.statusCode(), r.body());
            String id = r.headers().firstValue("X-Call-Id").orElseThrow();
            assertNotEquals(bad, id);
            assertTrue(id.matches("[a-z2-7]{8}-[0-9a-z]+-[0-9a-z]+"), id);
            assertEquals(id, json(r).path("callId").asString(), "the function gets the replacement");
        }
    }

    @Test
    void traceparentReachesTheFunctionUnchanged() throws Exception {
        HttpResponse<String> r = call(platform, "/api/callid-echo", Map.of("traceparent", TRACEPARENT));

        assertEquals(TRACEPARENT, json(r).path("traceparent").asString());
    }

    @Test
    void theGatewaysOwnAnswersCarryNoId() throws Exception {
        HttpResponse<String> r = call(platform, "/api/no-such-function", Map.of("X-Call-Id", "abc"));

        assertEquals(404, r.statusCode());
        assertTrue(r.headers().firstValue("X-Call-Id").isEmpty(), r.headers().toString());
    }

    @Test
    void aFailingFunctionsAnswerHasItsExitCodeAndCallIdButNotItsStderr() throws Exception {
        HttpResponse<String> r = call(platform, "/api/callid-fails", Map.of("X-Call-Id", "fail-check-1"));

        assertEquals(500, r.statusCode(), r.body());
        assertEquals("fail-check-1", r.headers().firstValue("X-Call-Id").orElseThrow());
        JsonNode problem = json(r);
        assertEquals(3, problem.path("exitCode").asInt());
        assertEquals("fail-check-1", problem.path("callId").asString());
        assertFalse(r.body().contains(SECRET), r.body());
        assertFalse(problem.has("stderr"), r.body());
        // the operator finds it in the worker's log (the platform's stdout), under the call id
        RunningPlatform.await(Duration.ofSeconds(10), () -> platform.logText().lines().anyMatch(
                l -> l.contains("call fail-check-1 of callid-fails")), "the failure logged with its call id");
        assertTrue(platform.logText().contains("connection refused for password " + SECRET));
    }

    @Test
    void withExposeStderrTheFailingFunctionsAnswerHasItsStderr() throws Exception {
        try (RunningPlatform exposing = RunningPlatform.start(tmp.resolve("data-exposing"),
                "--faas.errors.expose-stderr=true")) {
            deploy(exposing, "fails.php", "callid-fails");

            HttpResponse<String> r = call(exposing, "/api/callid-fails", Map.of());

            assertEquals(500, r.statusCode(), r.body());
            JsonNode problem = json(r);
            assertEquals(3, problem.path("exitCode").asInt());
            assertEquals(r.headers().firstValue("X-Call-Id").orElseThrow(), problem.path("callId").asString());
            assertEquals("connection refused for password " + SECRET + "\n", problem.path("stderr").asString());
        }
    }

    @Test
    void envValuesAreShownOnlyToCallersWithTheToken() throws Exception {
        JsonNode anonymous = RunningPlatform.JSON.readTree(platform.get("/system/functions/callid-fails").body());
        assertEquals("<redacted>", anonymous.path("env").path("DB_PASSWORD").asString(), anonymous.toString());
        JsonNode wrongToken = RunningPlatform.JSON.readTree(read("/system/functions/callid-fails", "Bearer nope").body());
        assertEquals("<redacted>", wrongToken.path("env").path("DB_PASSWORD").asString());
        String list = platform.get("/system/functions").body();
        assertTrue(list.contains("\"DB_PASSWORD\":\"<redacted>\""), list);
        assertFalse(list.contains(SECRET), list);

        String bearer = "Bearer " + AbuseSupport.adminToken(platform);
        JsonNode admin = RunningPlatform.JSON.readTree(read("/system/functions/callid-fails", bearer).body());
        assertEquals(SECRET, admin.path("env").path("DB_PASSWORD").asString());
        assertTrue(read("/system/functions", bearer).body().contains("\"DB_PASSWORD\":\"" + SECRET + "\""));
    }

    private static HttpResponse<String> read(String path, String authorization) throws Exception {
        return platform.http.send(HttpRequest.newBuilder(platform.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> call(RunningPlatform on, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(on.uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        headers.forEach(b::header);
        return on.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) {
        return RunningPlatform.JSON.readTree(r.body());
    }

    /** Deploys {@code src/test/resources/callid/<file>} as PHP function {@code name} with a secret in its env. */
    private static void deploy(RunningPlatform on, String file, String name) throws Exception {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("runtime", "php");
        descriptor.put("name", name);
        descriptor.put("env", Map.of("DB_PASSWORD", SECRET));
        byte[] code;
        try (InputStream in = CallIdIT.class.getResourceAsStream("/callid/" + file)) {
            code = in.readAllBytes();
        }
        Multipart upload = new Multipart().file("code", file, code)
                .field("descriptor", RunningPlatform.JSON.writeValueAsString(descriptor));
        HttpResponse<String> deployed = on.http.send(HttpRequest.newBuilder(on.uri("/system/functions"))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + AbuseSupport.adminToken(on)).header("Content-Type", upload.contentType())
                .POST(upload.publisher()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, deployed.statusCode(), "deploy " + file + ": " + deployed.body());
    }
}
