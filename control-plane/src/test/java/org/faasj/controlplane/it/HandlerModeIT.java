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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 11, handler mode, against the packaged jar: long-lived PHP and Python processes that load
 * the module once and call its handler per request. One worker, so that back-to-back calls of a
 * function meet the same process (the pool hands out its most recently used one); processes are
 * recycled after 5 calls here, so each test uses functions of its own.
 */
class HandlerModeIT {

    private static final int MAX_CALLS = 5;

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), 1,
                "--faas.workers.handler-max-calls=" + MAX_CALLS);
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void theRequestReachesTheHandlerWithEveryField() throws Exception {
        deploy("probe.php", "php", "hm-fields", Map.of());
        HttpResponse<String> r = platform.http.send(HttpRequest.newBuilder(platform.uri("/api/hm-fields?a=1&b[]=2&b[]=3"))
                .timeout(Duration.ofSeconds(30)).header("X-Test", "yes").header("X-Call-Id", "hm-fields-1")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\"}")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, r.statusCode(), r.body());
        JsonNode seen = json(r);
        assertEquals("POST", seen.path("method").asString());
        assertEquals("/api/hm-fields", seen.path("path").asString());
        assertEquals("a=1&b[]=2&b[]=3", seen.path("query").asString());
        assertEquals("1", seen.path("queryParams").path("a").asString());
        assertEquals(List.of("2", "3"), List.of(seen.path("queryParams").path("b").get(0).asString(),
                seen.path("queryParams").path("b").get(1).asString()));
        assertEquals("yes", seen.path("headers").path("x-test").asString());
        assertEquals("{\"name\":\"Ada\"}", seen.path("body").asString());
        assertEquals("Ada", seen.path("json").path("name").asString());
        assertEquals("hm-fields-1", seen.path("callId").asString());
        assertEquals("hm-fields-1", r.headers().firstValue("X-Call-Id").orElse(""));
    }

    @Test
    void returnValuesMapLikeProcessOutputAndTheResponseTypeSetsStatusAndHeaders() throws Exception {
        deploy("probe.php", "php", "hm-map", Map.of());
        assertEquals("{\"result\":\"just text\"}", call("hm-map", "do=text").body());
        assertEquals("{\"already\":\"json\"}", call("hm-map", "do=jsontext").body());
        HttpResponse<String> array = call("hm-map", "");
        assertTrue(array.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(3, json(array).path("calls").asInt());
        HttpResponse<String> made = call("hm-map", "do=made");
        assertEquals(201, made.statusCode());
        assertEquals("yes", made.headers().firstValue("X-Made").orElse(""));
        assertEquals("{\"made\":true}", made.body());
    }

    @Test
    void stateIsReusedWithinAProcessAndAnUncaughtExceptionReplacesIt() throws Exception {
        deploy("probe.php", "php", "hm-boom", Map.of());
        JsonNode first = json(call("hm-boom", ""));
        JsonNode second = json(call("hm-boom", ""));
        assertEquals(1, first.path("calls").asInt());
        assertEquals(2, second.path("calls").asInt(), "a global counter lives across calls");
        assertEquals(first.path("id").asString(), second.path("id").asString());

        HttpResponse<String> boom = platform.http.send(HttpRequest.newBuilder(platform.uri("/api/hm-boom?do=boom"))
                .timeout(Duration.ofSeconds(30)).header("X-Call-Id", "hm-boom-1")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(500, boom.statusCode(), boom.body());
        assertEquals("hm-boom-1", json(boom).path("callId").asString());
        assertFalse(boom.body().contains("boom-secret-detail"), "no trace without expose-stderr: " + boom.body());

        JsonNode after = json(call("hm-boom", ""));
        assertEquals(1, after.path("calls").asInt(), "a fresh process: " + after);
        assertNotEquals(first.path("id").asString(), after.path("id").asString());
    }

    @Test
    void aTimeoutAnswers504AndTheNextCallGetsAFreshProcess() throws Exception {
        deploy("probe.php", "php", "hm-slow", Map.of("timeout", 2));
        String before = json(call("hm-slow", "")).path("id").asString();
        assertEquals(504, call("hm-slow", "do=sleep").statusCode());
        JsonNode next = json(call("hm-slow", ""));
        assertEquals(1, next.path("calls").asInt());
        assertNotEquals(before, next.path("id").asString());
    }

    @Test
    void runningOutOfMemoryFailsLikeProcessModeAndTheNextCallWorks() throws Exception {
        deploy("probe.php", "php", "hm-hog", Map.of("memory", 32));
        HttpResponse<String> hog = call("hm-hog", "do=hog");
        assertEquals(500, hog.statusCode(), hog.body());
        assertTrue(hog.body().contains("exited with code 255"), hog.body());
        assertEquals(200, call("hm-hog", "").statusCode());
    }

    @Test
    void aProcessIsReplacedAfterMaxCalls() throws Exception {
        deploy("probe.php", "php", "hm-recycle", Map.of());
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= MAX_CALLS + 1; i++) {
            JsonNode r = json(call("hm-recycle", ""));
            ids.add(r.path("id").asString());
            assertEquals(i <= MAX_CALLS ? i : 1, r.path("calls").asInt(), r.toString());
        }
        assertEquals(1, ids.subList(0, MAX_CALLS).stream().distinct().count(), ids.toString());
        assertNotEquals(ids.get(0), ids.get(MAX_CALLS));
    }

    @Test
    void aRedeployIsAnsweredByTheNewCodeAtOnceAndStopsTheOldProcesses() throws Exception {
        deploy("probe.php", "php", "hm-redeploy", Map.of());
        assertEquals("v1", json(call("hm-redeploy", "")).path("version").asString());
        assertFalse(AbuseSupport.processesServing("hm-redeploy@1").isEmpty(), "the v1 process runs");

        // the same module answering as v2: the redeploy must serve it at once
        String probeV2 = new String(resource("probe.php"), StandardCharsets.UTF_8)
                .replace("'version' => 'v1'", "'version' => 'v2'");
        Multipart v2 = new Multipart().file("code", "probe.php", probeV2).field("descriptor",
                RunningPlatform.JSON.writeValueAsString(Map.of("runtime", "php", "mode", "handler")));
        HttpResponse<String> redeployed = platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions/hm-redeploy"))
                .timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + AbuseSupport.adminToken(platform))
                .header("Content-Type", v2.contentType()).PUT(v2.publisher()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, redeployed.statusCode(), redeployed.body());

        JsonNode now = json(call("hm-redeploy", ""));
        assertEquals("v2", now.path("version").asString());
        assertEquals(1, now.path("calls").asInt());
        RunningPlatform.await(Duration.ofSeconds(10), () -> AbuseSupport.processesServing("hm-redeploy@1").isEmpty(),
                "the v1 process stopped");
    }

    @Test
    void twoFunctionsNeverShareAProcess() throws Exception {
        deploy("probe.php", "php", "hm-iso-a", Map.of());
        deploy("probe.php", "php", "hm-iso-b", Map.of());
        JsonNode a = json(call("hm-iso-a", "set=s3cret"));
        JsonNode b = json(call("hm-iso-b", ""));
        assertEquals("s3cret", a.path("secret").asString());
        assertTrue(b.path("secret").isNull(), "b cannot see a's global: " + b);
        assertNotEquals(a.path("id").asString(), b.path("id").asString());
        List<Long> pa = AbuseSupport.processesServing("hm-iso-a@1");
        List<Long> pb = AbuseSupport.processesServing("hm-iso-b@1");
        assertFalse(pa.isEmpty() || pb.isEmpty(), pa + " " + pb);
        assertTrue(pa.stream().noneMatch(pb::contains), pa + " " + pb);
    }

    @Test
    void whatTheHandlerPrintsGoesToTheFunctionsLogNotIntoTheAnswer() throws Exception {
        deploy("probe.php", "php", "hm-logs", Map.of());
        HttpResponse<String> r = platform.http.send(HttpRequest.newBuilder(platform.uri("/api/hm-logs"))
                .timeout(Duration.ofSeconds(30)).header("X-Call-Id", "hm-log-1")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(r.body().contains("stdout-marker"), r.body());
        JsonNode answer = json(r);
        assertEquals("hm-log-1", answer.path("callId").asString());

        String token = AbuseSupport.adminToken(platform);
        RunningPlatform.await(Duration.ofSeconds(20), () -> logs("hm-logs", token).contains("stdout-marker-hm-log-1"),
                "the printed line in the function's log");
    }

    /**
     * Through a route row, as an operator with sqlite3 would add it: the lenient loader reads the mode
     * too, and the deploy API's py_compile check would need python3 under /usr, which some dev
     * machines (pyenv) do not put first on PATH.
     */
    @Test
    void pythonHandlersGetTheSameContract() throws Exception {
        Path module = Files.createDirectories(platform.dataDir.resolve("handler-it")).resolve("probe.py");
        Files.write(module, resource("probe.py"));
        platform.insertRoute("POST:/api/hm-py", Map.of("name", "hm-py", "runtime", "python", "mode", "handler",
                "module", module.toString()));
        RunningPlatform.await(Duration.ofSeconds(10), () -> {
            try {
                return call("hm-py", "").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }, "the hm-py route live");
        platform.insertRoute("POST:/api/hm-py", Map.of("name", "hm-py", "runtime", "python", "mode", "handler",
                "module", module.toString(), "version", 2)); // a fresh pool, so the counts below start at 1
        RunningPlatform.await(Duration.ofSeconds(10), () -> {
            try {
                return json(call("hm-py", "")).path("calls").asInt() == 1;
            } catch (Exception e) {
                return false;
            }
        }, "version 2 of hm-py live");
        HttpResponse<String> first = platform.http.send(HttpRequest.newBuilder(platform.uri("/api/hm-py?a=1"))
                .timeout(Duration.ofSeconds(30)).header("X-Test", "yes").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode(), first.body());
        JsonNode seen = json(first);
        assertEquals(2, seen.path("calls").asInt(), "the same process as the call that saw version 2");
        assertEquals("POST", seen.path("method").asString());
        assertEquals("/api/hm-py", seen.path("path").asString());
        assertEquals("1", seen.path("queryParams").path("a").asString());
        assertEquals("yes", seen.path("header").asString());
        assertEquals("{\"name\":\"Ada\"}", seen.path("body").asString());
        assertEquals("Ada", seen.path("json").path("name").asString());
        assertFalse(first.body().contains("stdout-marker"));

        assertEquals(3, json(call("hm-py", "")).path("calls").asInt());
        assertEquals("{\"result\":\"just text\"}", call("hm-py", "do=text").body());
        HttpResponse<String> made = call("hm-py", "do=made");
        assertEquals(202, made.statusCode());
        assertTrue(made.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertEquals("yes", made.headers().firstValue("X-Made").orElse(""));
        assertEquals("<b>made</b>", made.body());

        HttpResponse<String> boom = call("hm-py", "do=boom");
        assertEquals(500, boom.statusCode());
        assertFalse(boom.body().contains("boom-secret-detail"));
        JsonNode after = json(call("hm-py", ""));
        assertEquals(1, after.path("calls").asInt(), after.toString());
        assertNotEquals(seen.path("id").asString(), after.path("id").asString());
    }

    @Test
    void onlyPhpAndPythonMayBeDeployedInHandlerMode() throws Exception {
        Multipart upload = new Multipart().file("code", "f.c", "int main(void){return 0;}".getBytes(StandardCharsets.UTF_8))
                .field("descriptor", "{\"runtime\":\"c\",\"mode\":\"handler\",\"name\":\"hm-c\"}");
        HttpResponse<String> r = platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + AbuseSupport.adminToken(platform))
                .header("Content-Type", upload.contentType()).POST(upload.publisher()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("only for php and python"), r.body());
    }

    private static HttpResponse<String> call(String function, String query) throws Exception {
        return platform.post("/api/" + function + (query.isEmpty() ? "" : "?" + query), "{}");
    }

    private static JsonNode json(HttpResponse<String> r) {
        return RunningPlatform.JSON.readTree(r.body());
    }

    private static String logs(String function, String token) {
        try {
            return platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions/" + function + "/logs"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Deploys {@code src/test/resources/handler/<file>} in handler mode as {@code name} (POST /api/<name>). */
    private static void deploy(String file, String runtime, String name, Map<String, Object> extra) throws Exception {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("runtime", runtime);
        descriptor.put("name", name);
        descriptor.put("mode", "handler");
        descriptor.putAll(extra);
        Multipart upload = new Multipart().file("code", file, resource(file))
                .field("descriptor", RunningPlatform.JSON.writeValueAsString(descriptor));
        HttpResponse<String> deployed = platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions"))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + AbuseSupport.adminToken(platform))
                .header("Content-Type", upload.contentType())
                .POST(upload.publisher()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, deployed.statusCode(), "deploy " + file + " as " + name + ": " + deployed.body());
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = HandlerModeIT.class.getResourceAsStream("/handler/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no test resource /handler/" + file);
            }
            return in.readAllBytes();
        }
    }
}
