package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 3, the worker's part, against the packaged jar: workers with one slot and no
 * queue answer the calls past it 503 with Retry-After, written off its frame reader, so clients
 * that do not read their 503 hold nothing up: the next call after the slot frees is served.
 */
class WorkerCapacityIT {

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), "--faas.workers.max-concurrency=1",
                "--faas.workers.max-queued=0");
        AbuseSupport.deploy(platform, "slow.php", "php", "capacity-slow");
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void callsPastTheOnlySlotGet503AndNonReadingClientsHoldNothingUp() throws Exception {
        // one slow call per worker (two workers, one slot each)
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            slow.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return platform.post("/api/capacity-slow", "{}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        // the slots are taken once a second call is refused; until then the slow call may not have arrived
        String refused = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (AbuseSupport.status(refused) != 503 && System.nanoTime() < deadline) {
            refused = platform.raw("POST /api/capacity-slow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                    + "Connection: close\r\n\r\n{}", Duration.ofSeconds(30));
        }
        assertEquals(503, AbuseSupport.status(refused), refused);
        assertTrue(refused.contains("Retry-After: 1"), refused);
        assertTrue(refused.contains("application/problem+json"), refused);

        // clients that send a call and never read the answer while the slot is taken
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = AbuseSupport.open(platform, Duration.ofSeconds(30));
                silent.add(s);
                AbuseSupport.send(s, "POST /api/capacity-slow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
            }
            for (CompletableFuture<HttpResponse<String>> call : slow) {
                int status = call.get().statusCode();
                assertTrue(status == 200 || status == 503, "slow call answered " + status);
            }
            HttpResponse<String> after = platform.post("/api/capacity-slow", "{}");
            assertEquals(200, after.statusCode(), after.body());
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }
}
