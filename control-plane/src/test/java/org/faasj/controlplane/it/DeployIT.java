package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.JsonNode;

/** The deploy API against the real jar: upload, compile, list, call, redeploy, delete, auth, crash safety. */
class DeployIT {

    static final String HELLO_C = example("hello.c");
    static final String DESCRIPTOR = example("descriptor.json");
    static final String PHP_V1 = "<?php echo json_encode(['answer' => 1, 'input' => json_decode(file_get_contents('php://stdin'))]);\n";
    static final String PHP_V2 = "<?php echo json_encode(['answer' => 2]);\n";

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), "--faas.deploy.cleanup-grace=1s");
        token = readToken(platform.dataDir);
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void adminToken_isGeneratedWithMode0600() throws Exception {
        Path file = platform.dataDir.resolve("admin-token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(token.length() >= 32);
        JsonNode auth = json(platform.get("/system/auth"));
        assertTrue(auth.path("tokenRequired").asBoolean());
    }

    @Test
    void deployHelloC_isCallableWhenAnswered() throws Exception {
        HttpResponse<String> deployed = deploy(new Multipart().file("code", "hello.c", HELLO_C)
                .file("descriptor", "descriptor.json", DESCRIPTOR));
        assertEquals(201, deployed.statusCode(), deployed.body());
        assertEquals("/system/functions/hello-c", deployed.headers().firstValue("Location").orElseThrow());
        JsonNode f = json(deployed);
        assertEquals("hello-c", f.path("name").asString());
        assertEquals("native", f.path("runtime").asString());
        assertEquals("POST", f.path("method").asString());
        assertEquals("/api/hello-c", f.path("route").asString());
        assertEquals("/api/hello-c", f.path("uri").asString());
        assertEquals(64, f.path("memory").asInt());
        assertEquals(5, f.path("timeout").asInt());
        assertEquals(64, f.path("tmp").asInt());
        assertEquals(64, f.path("processes").asInt());
        assertEquals("outbound", f.path("network").asString());
        assertEquals(1, f.path("version").asInt());
        assertTrue(f.path("deployedAt").asString().endsWith("Z"), f.toString());

        HttpResponse<String> call = platform.post("/api/hello-c", "{\"name\":\"Alice\"}");
        assertEquals(200, call.statusCode(), call.body());
        assertEquals("Hello, Alice", json(call).path("message").asString());
        assertTrue(Files.isExecutable(platform.dataDir.resolve("functions/hello-c/1/module.bin")));
    }

    @Test
    void seedRoutePython_isHelloCBuiltForWasmAtFirstStart() throws Exception {
        assumeTrue(Files.exists(Path.of("/usr/include/wasm32-wasi/stdio.h")),
                "needs clang lld wasi-libc libclang-rt-14-dev-wasm32");
        HttpResponse<String> call = awaitRoute("/python?name=Bob");
        assertEquals(200, call.statusCode(), call.body());
        JsonNode body = json(call);
        assertEquals("Hello, Bob", body.path("message").asString());
        assertEquals("wasm", body.path("runtime").asString());
        assertEquals("python", body.path("function").asString());
    }

    @Test
    void deployCForWasm_runsInTheWorkersWasmRuntime() throws Exception {
        assumeTrue(Files.exists(Path.of("/usr/include/wasm32-wasi/stdio.h")),
                "needs clang lld wasi-libc libclang-rt-14-dev-wasm32");
        HttpResponse<String> deployed = deploy(new Multipart().file("code", "hello.c", example("wasm/hello.c"))
                .file("descriptor", "descriptor.json", example("wasm/descriptor.json")));
        assertEquals(201, deployed.statusCode(), deployed.body());
        assertEquals("wasm", json(deployed).path("runtime").asString());
        assertTrue(Files.isRegularFile(platform.dataDir.resolve("functions/hello-wasm/1/module.wasm")));

        HttpResponse<String> call = platform.post("/api/hello-wasm", "{\"name\":\"Alice\"}");
        assertEquals(200, call.statusCode(), call.body());
        assertEquals("Hello, Alice", json(call).path("message").asString());
        assertEquals("wasm", json(call).path("runtime").asString());
    }

    @Test
    void deployWasm_thatIsNotAWasiCommand_is400WithTheReason() throws Exception {
        HttpResponse<String> garbage = deploy(new Multipart().file("code", "m.wasm", "MZ not wasm")
                .field("descriptor", "{\"runtime\":\"wasm\",\"name\":\"bad-wasm\"}"));
        assertEquals(400, garbage.statusCode(), garbage.body());
        assertTrue(json(garbage).path("detail").asString().contains("not a WebAssembly module"), garbage.body());

        // (module) : valid, but nothing to start
        byte[] empty = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
        HttpResponse<String> library = deploy(new Multipart().file("code", "m.wasm", empty)
                .field("descriptor", "{\"runtime\":\"wasm\",\"name\":\"bad-wasm\"}"));
        assertEquals(400, library.statusCode(), library.body());
        assertTrue(json(library).path("detail").asString().contains("_start"), library.body());
        assertEquals(404, platform.get("/api/bad-wasm").statusCode());
    }

    /** The seed deploy runs once the platform is ready; give it a moment on a slow machine. */
    private static HttpResponse<String> awaitRoute(String path) throws Exception {
        HttpResponse<String> call = platform.get(path);
        for (int i = 0; i < 100 && call.statusCode() == 404; i++) {
            Thread.sleep(100);
            call = platform.get(path);
        }
        return call;
    }

    @Test
    void deployPhp_descriptorAsTextField_isCallableAtOnce() throws Exception {
        HttpResponse<String> deployed = deploy(new Multipart().file("code", "x.php", PHP_V1)
                .field("descriptor", "{\"runtime\":\"php\",\"name\":\"php-now\",\"method\":\"POST\",\"route\":\"/t/php-now\"}"));
        assertEquals(201, deployed.statusCode(), deployed.body());
        HttpResponse<String> call = platform.post("/t/php-now", "{\"k\":\"v\"}");
        assertEquals(200, call.statusCode(), call.body());
        assertEquals(1, json(call).path("answer").asInt());
        assertEquals("v", json(call).path("input").path("k").asString());
    }

    @Test
    void upload_isCompatibleWithTheOriginal() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(platform.uri("/upload")),
                "POST", new Multipart().file("code", "hello.c", HELLO_C)
                        .file("descriptor", "d.json", "{\"runtime\":\"c\",\"method\":\"POST\",\"memory\":64,\"timeout\":5,\"handler\":\"main\"}"),
                true);
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = json(answer);
        assertEquals("success", body.path("status").asString());
        assertEquals("POST", body.path("method").asString());
        assertEquals("c", body.path("runtime").asString());
        assertEquals(1, body.path("version").asInt());
        String uri = body.path("uri").asString();
        assertTrue(uri.matches("/api/fn-[0-9a-f]{8}"), uri);
        assertEquals("/api/" + body.path("name").asString(), uri);
        HttpResponse<String> call = platform.post(uri, "{\"name\":\"Bob\"}");
        assertEquals("Hello, Bob", json(call).path("message").asString());
    }

    @Test
    void lifecycle_listGetRedeployDelete() throws Exception {
        // timeout 1 s + grace 1 s: a replaced version's directory goes two seconds after the switch
        Multipart v1 = new Multipart().file("code", "v1.php", PHP_V1).field("descriptor", "{\"runtime\":\"php\",\"name\":\"life\",\"timeout\":1}");
        assertEquals(201, deploy(v1).statusCode());
        assertEquals(1, json(platform.post("/api/life", "{}")).path("answer").asInt());

        List<String> names = new ArrayList<>();
        json(platform.get("/system/functions")).forEach(f -> names.add(f.path("name").asString()));
        assertTrue(names.contains("life"), names.toString());
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        assertEquals("/api/life", json(platform.get("/system/functions/life")).path("route").asString());

        HttpResponse<String> redeployed = send(HttpRequest.newBuilder(platform.uri("/system/functions/life")), "PUT",
                new Multipart().file("code", "v2.php", PHP_V2).field("descriptor", "{\"runtime\":\"php\",\"timeout\":1}"), true);
        assertEquals(200, redeployed.statusCode(), redeployed.body());
        assertEquals(2, json(redeployed).path("version").asInt());
        assertEquals(2, json(platform.post("/api/life", "{}")).path("answer").asInt());
        assertTrue(Files.exists(platform.dataDir.resolve("functions/life/2/function.php")));
        // the replaced version is kept for rollback (keep-versions); VersionsIT covers its removal once pruned
        assertTrue(Files.exists(platform.dataDir.resolve("functions/life/1/function.php")), "v1 kept for rollback");

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(platform.uri("/system/functions/life")), "DELETE", null, true);
        assertEquals(204, deleted.statusCode(), deleted.body());
        HttpResponse<String> gone = platform.get("/system/functions/life");
        assertEquals(404, gone.statusCode());
        assertProblem(gone, 404, null);
        assertEquals(404, platform.post("/api/life", "{}").statusCode());
        RunningPlatform.await(Duration.ofSeconds(30), () -> !Files.exists(platform.dataDir.resolve("functions/life")),
                "deleted function's artifacts removed after its timeout + grace");
        assertTrue(Files.exists(platform.dataDir.resolve("functions/hello/1/hello.php")), "others untouched");
    }

    @Test
    void redeployWithANewRoute_movesTheFunction() throws Exception {
        assertEquals(201, deploy(php("mover", PHP_V1)).statusCode());
        HttpResponse<String> moved = send(HttpRequest.newBuilder(platform.uri("/system/functions/mover")), "PUT",
                new Multipart().file("code", "m.php", PHP_V2).field("descriptor",
                        "{\"runtime\":\"php\",\"name\":\"mover\",\"route\":\"/moved/here\",\"method\":\"PUT\"}"), true);
        assertEquals(200, moved.statusCode(), moved.body());
        assertEquals("/moved/here", json(moved).path("route").asString());
        assertEquals(404, platform.post("/api/mover", "{}").statusCode());
        HttpResponse<String> call = platform.http.send(HttpRequest.newBuilder(platform.uri("/moved/here"))
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(2, json(call).path("answer").asInt(), call.body());
    }

    @Test
    void sameNameDeployedTwiceAtOnce_oneWinsOneConflicts() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<HttpResponse<String>> a = pool.submit(() -> deploy(php("twin", PHP_V1)));
            Future<HttpResponse<String>> b = pool.submit(() -> deploy(php("twin", PHP_V1)));
            List<Integer> statuses = new ArrayList<>(List.of(a.get().statusCode(), b.get().statusCode()));
            statuses.sort(null);
            assertEquals(List.of(201, 409), statuses);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void compileError_is422WithTheCompilersMessage() throws Exception {
        HttpResponse<String> answer = deploy(new Multipart().file("code", "broken.c", "int main(void) { return undeclared_thing; }\n")
                .field("descriptor", "{\"runtime\":\"c\",\"name\":\"broken\"}"));
        JsonNode problem = assertProblem(answer, 422, "code");
        assertTrue(problem.path("compilerOutput").asString().contains("undeclared_thing"), problem.toString());
        assertEquals(404, platform.get("/system/functions/broken").statusCode());
        assertFalse(Files.exists(platform.dataDir.resolve("functions/broken")));
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"runtime\":\"cobol\",\"name\":\"v1\"}                     | 400 | runtime",
            "{\"runtime\":\"php\",\"name\":\"v2\",\"method\":\"TRACE\"}  | 400 | method",
            "{\"runtime\":\"php\",\"name\":\"v3\",\"memory\":9999}       | 400 | memory",
            "{\"runtime\":\"php\",\"name\":\"v4\",\"timeout\":\"x\"}     | 400 | timeout",
            "{\"runtime\":\"php\",\"name\":\"v5\",\"route\":\"/system/x\"} | 400 | route",
            "{\"runtime\":\"php\",\"name\":\"v6\",\"route\":\"/a/../b\"} | 400 | route",
            "{\"runtime\":\"php\",\"name\":\"v7\",\"env\":{\"9\":\"x\"}}  | 400 | env",
            "{\"runtime\":\"php\",\"name\":\"v8\",\"colour\":\"red\"}    | 400 | colour",
            "{\"runtime\":\"php\",\"name\":\"Bad Name\"}                 | 400 | name",
            "{\"runtime\":\"php\",\"name\":\"v9\",\"target\":\"wasm\"}   | 400 | target",
            "{not json                                                    | 400 | descriptor",
            "{\"runtime\":\"php\",\"name\":\"hello\"}                    | 409 | name",
            "{\"runtime\":\"php\",\"name\":\"v10\",\"route\":\"/ping\",\"method\":\"GET\"} | 409 | route",
    })
    void invalidDescriptor_isRefusedNamingTheField(String descriptor, int status, String field) throws Exception {
        HttpResponse<String> answer = deploy(new Multipart().file("code", "f.php", PHP_V1).field("descriptor", descriptor));
        assertProblem(answer, status, field);
    }

    @Test
    void missingParts_are400NamingThePart() throws Exception {
        assertProblem(deploy(new Multipart().field("descriptor", "{\"runtime\":\"php\"}")), 400, "code");
        assertProblem(deploy(new Multipart().file("code", "f.php", PHP_V1)), 400, "descriptor");
    }

    @Test
    void missingOrWrongToken_is401AndWritesNothing() throws Exception {
        Multipart upload = php("sneaky", PHP_V1);
        assertProblem(send(HttpRequest.newBuilder(platform.uri("/system/functions")), "POST", upload, false), 401, null);
        HttpResponse<String> wrong = platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions"))
                .header("Authorization", "Bearer " + "0".repeat(64)).header("Content-Type", upload.contentType())
                .POST(upload.publisher()).build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(wrong, 401, null);
        assertProblem(send(HttpRequest.newBuilder(platform.uri("/upload")), "POST", upload, false), 401, null);
        assertProblem(send(HttpRequest.newBuilder(platform.uri("/system/functions/hello")), "DELETE", null, false), 401, null);
        assertEquals(404, platform.get("/system/functions/sneaky").statusCode());
        assertFalse(platform.get("/system/functions").body().contains("sneaky"));
        assertEquals(200, platform.get("/system/functions/hello").statusCode());
    }

    @Test
    void springErrors_areProblemJson() throws Exception {
        assertProblem(platform.get("/system/no-such-thing"), 404, null);
        // with the token: without one the gateway answers 401 from the head alone
        assertProblem(platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()), 415, null);
        byte[] big = new byte[11 * 1024 * 1024];
        HttpResponse<String> tooLarge = deploy(new Multipart().file("code", "big.c", big).field("descriptor", "{\"runtime\":\"c\"}"));
        assertProblem(tooLarge, 413, null);
    }

    @Test
    void twentyParallelDeploys_allSucceedAndAreCallable() throws Exception {
        int n = 20;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            long started = System.nanoTime();
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String descriptor = "{\"runtime\":\"c\",\"name\":\"par-" + i + "\"}";
                answers.add(pool.submit(() -> deploy(new Multipart().file("code", "hello.c", HELLO_C).field("descriptor", descriptor))));
            }
            List<String> routes = new ArrayList<>();
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> r = answer.get();
                assertEquals(201, r.statusCode(), r.body());
                routes.add(json(r).path("route").asString());
            }
            long wallMillis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("[figures] 20 parallel hello.c deploys: all 201, wall time " + wallMillis + " ms");
            assertEquals(n, routes.stream().distinct().count());
            for (String route : routes) {
                HttpResponse<String> call = platform.post(route, "{\"name\":\"P\"}");
                assertEquals(200, call.statusCode(), route + ": " + call.body());
                assertEquals("Hello, P", json(call).path("message").asString());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void uploadToCallable_timings() throws Exception {
        long[] c = new long[5];
        long[] php = new long[5];
        for (int i = 0; i < c.length; i++) {
            c[i] = timeToCallable(new Multipart().file("code", "hello.c", HELLO_C)
                    .field("descriptor", "{\"runtime\":\"c\",\"name\":\"time-c-" + i + "\"}"), "/api/time-c-" + i);
            php[i] = timeToCallable(php("time-php-" + i, PHP_V1), "/api/time-php-" + i);
        }
        System.out.println("[figures] upload to callable, hello.c (gcc -O2 included): median " + median(c) + " ms of " + Arrays.toString(c));
        System.out.println("[figures] upload to callable, PHP: median " + median(php) + " ms of " + Arrays.toString(php));
    }

    @Test
    void deploySurvivesKill9OfTheControlPlane() throws Exception {
        Path dataDir = tmp.resolve("crash-data");
        RunningPlatform first = RunningPlatform.start(dataDir);
        String crashToken = readToken(dataDir);
        try {
            Multipart upload = new Multipart().file("code", "hello.c", HELLO_C).field("descriptor", "{\"runtime\":\"c\",\"name\":\"durable\"}");
            HttpResponse<String> deployed = first.http.send(HttpRequest.newBuilder(first.uri("/system/functions"))
                    .header("Authorization", "Bearer " + crashToken).header("Content-Type", upload.contentType())
                    .POST(upload.publisher()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, deployed.statusCode(), deployed.body());
            first.process.destroyForcibly(); // SIGKILL: no shutdown hooks, no checkpoint
            first.process.waitFor();
        } finally {
            first.close();
        }
        try (RunningPlatform second = RunningPlatform.start(dataDir)) {
            assertEquals(200, second.get("/system/functions/durable").statusCode());
            HttpResponse<String> call = second.post("/api/durable", "{\"name\":\"Again\"}");
            assertEquals(200, call.statusCode(), call.body());
            assertEquals("Hello, Again", json(call).path("message").asString());
        }
    }

    // ---- helpers

    private static long timeToCallable(Multipart upload, String route) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> deployed = deploy(upload);
        assertEquals(201, deployed.statusCode(), deployed.body());
        HttpResponse<String> call = platform.post(route, "{\"name\":\"T\"}");
        assertEquals(200, call.statusCode(), call.body());
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static Multipart php(String name, String code) {
        return new Multipart().file("code", name + ".php", code).field("descriptor", "{\"runtime\":\"php\",\"name\":\"" + name + "\"}");
    }

    private static HttpResponse<String> deploy(Multipart upload) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(platform.uri("/system/functions")), "POST", upload, true);
    }

    private static HttpResponse<String> send(HttpRequest.Builder builder, String method, Multipart upload, boolean withToken)
            throws IOException, InterruptedException {
        builder.timeout(Duration.ofSeconds(120));
        if (withToken) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (upload == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", upload.contentType()).method(method, upload.publisher());
        }
        return platform.http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode assertProblem(HttpResponse<String> answer, int status, String field) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElse(""), answer.body());
        JsonNode problem = json(answer);
        assertEquals("about:blank", problem.path("type").asString());
        assertEquals(status, problem.path("status").asInt());
        assertFalse(problem.path("title").asString().isEmpty());
        assertFalse(problem.path("detail").asString().isEmpty(), problem.toString());
        if (field != null) {
            assertEquals(field, problem.path("field").asString(), problem.toString());
        }
        return problem;
    }

    private static JsonNode json(HttpResponse<String> response) {
        return RunningPlatform.JSON.readTree(response.body());
    }

    private static String readToken(Path dataDir) throws IOException {
        return Files.readString(dataDir.resolve("admin-token")).strip();
    }

    private static String example(String name) {
        try (InputStream in = DeployIT.class.getResourceAsStream("/examples/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
