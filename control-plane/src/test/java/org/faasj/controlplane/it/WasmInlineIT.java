package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the real jar with one worker (so one hand-off connection): warm WASM calls run on the
 * worker's hand-off reader, and when one of them spins until its timeout, the calls behind it are
 * still answered at once.
 */
class WasmInlineIT {

    /** Answers at once, unless its body starts with 's': then it spins until its timeout stops it. */
    private static final String SPINNER = """
            #include <stdio.h>
            int main(void) {
                int first = getchar();
                if (first == 's') {
                    volatile unsigned long turns = 0;
                    for (;;) {
                        turns++;
                    }
                }
                printf("{\\"first\\":%d}\\n", first);
                return 0;
            }
            """;
    private static final int TIMEOUT_SECONDS = 4;

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.exists(Path.of("/usr/include/wasm32-wasi/stdio.h")),
                "needs clang lld wasi-libc libclang-rt-14-dev-wasm32");
        platform = RunningPlatform.start(tmp.resolve("data"), 1);
        token = AbuseSupport.adminToken(platform);
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aSpinningCallDoesNotHoldUpTheCallsBehindItOnTheSameWorker() throws Exception {
        deploy();
        for (int i = 0; i < 20; i++) { // the first compiles; the later ones run on the hand-off reader
            HttpResponse<String> warm = platform.post("/api/spinner", "quick");
            assertEquals(200, warm.statusCode(), warm.body());
        }

        long spinStarted = System.nanoTime();
        CompletableFuture<HttpResponse<String>> spinning = platform.http.sendAsync(
                HttpRequest.newBuilder(platform.uri("/api/spinner")).timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString("spin")).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(300); // the spinning call is on the worker by now
        for (int i = 0; i < 5; i++) {
            long sent = System.nanoTime();
            HttpResponse<String> quick = platform.post("/api/spinner", "quick");
            long tookMillis = (System.nanoTime() - sent) / 1_000_000;
            assertEquals(200, quick.statusCode(), quick.body());
            assertTrue(tookMillis < 1_000, "a call behind the spinning one took " + tookMillis + " ms");
        }
        assertFalse(spinning.isDone(), "the spinning call ended before the calls behind it were answered");

        HttpResponse<String> spun = spinning.get(TIMEOUT_SECONDS + 30L, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(504, spun.statusCode(), spun.body());
        assertTrue((System.nanoTime() - spinStarted) / 1_000_000 >= TIMEOUT_SECONDS * 1_000L - 100);
        assertEquals(200, platform.post("/api/spinner", "quick").statusCode(), "the worker serves on");
    }

    private static void deploy() throws Exception {
        Multipart upload = new Multipart().file("code", "spinner.c", SPINNER).field("descriptor",
                "{\"runtime\":\"c\",\"target\":\"wasm\",\"method\":\"POST\",\"memory\":16,\"timeout\":" + TIMEOUT_SECONDS
                        + ",\"name\":\"spinner\"}");
        HttpRequest request = HttpRequest.newBuilder(platform.uri("/system/functions"))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", upload.contentType())
                .POST(upload.publisher())
                .build();
        HttpResponse<String> deployed = platform.http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(201, deployed.statusCode(), deployed.body());
    }
}
