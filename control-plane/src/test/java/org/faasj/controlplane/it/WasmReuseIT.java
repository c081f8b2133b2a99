package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WASM instances reused across calls, through the real jar: concurrent calls each see only their own
 * request, and a redeploy is answered by the new module at once, never by an idle instance of the
 * old one.
 */
class WasmReuseIT {

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.exists(Path.of("/usr/include/wasm32-wasi/stdio.h")),
                "needs clang lld wasi-libc libclang-rt-14-dev-wasm32");
        platform = RunningPlatform.start(tmp.resolve("data"));
        token = AbuseSupport.adminToken(platform);
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void concurrentCallsSeeOnlyTheirOwnRequestAndARedeployIsSeenAtOnce() throws Exception {
        String source = example("wasm/hello.c");
        deploy("POST", "/system/functions", source, 201);
        assertEveryCallGreets("Hello, ", 8, 40);

        deploy("PUT", "/system/functions/reuse-wasm", source.replace("\"Hello, %s\"", "\"Hi, %s\""), 200);
        assertEveryCallGreets("Hi, ", 4, 10);
    }

    private static void assertEveryCallGreets(String greeting, int threads, int callsEach) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                all.add(pool.submit(() -> {
                    for (int i = 0; i < callsEach; i++) {
                        // names of different lengths: a longer earlier name must not show through
                        String name = "n" + thread + "x".repeat(i % 7) + i;
                        HttpResponse<String> call = platform.post("/api/reuse-wasm", "{\"name\":\"" + name + "\"}");
                        assertEquals(200, call.statusCode(), call.body());
                        assertEquals(greeting + name,
                                RunningPlatform.JSON.readTree(call.body()).path("message").asString(), call.body());
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void deploy(String method, String path, String source, int expected)
            throws IOException, InterruptedException {
        Multipart upload = new Multipart().file("code", "hello.c", source).field("descriptor",
                "{\"runtime\":\"c\",\"target\":\"wasm\",\"method\":\"POST\",\"memory\":16,\"timeout\":5,\"name\":\"reuse-wasm\"}");
        HttpRequest request = HttpRequest.newBuilder(platform.uri(path))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", upload.contentType())
                .method(method, upload.publisher())
                .build();
        HttpResponse<String> deployed = platform.http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(expected, deployed.statusCode(), deployed.body());
    }

    private static String example(String name) {
        try (InputStream in = WasmReuseIT.class.getResourceAsStream("/examples/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
