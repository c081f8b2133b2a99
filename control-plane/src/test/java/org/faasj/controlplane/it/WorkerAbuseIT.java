package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 items 1, 5 and 9 against the packaged jar: clients that announce bodies they never send,
 * clients that leave mid-body, and many concurrent calls at the output cap.
 */
class WorkerAbuseIT {

    /** Threads a worker may legitimately have beyond its baseline (a timer tick, a refill, a GC helper). */
    static final long THREAD_SLACK = 6;
    /** faas.workers.max-concurrency's default: the size of a worker's invoke pool. */
    static final long WORKER_MAX_CONCURRENCY = 32;
    /** The invoke pool's threads as {@link AbuseSupport#threadKinds} names them. */
    static final String INVOKER = "invoke-";

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"));
        AbuseSupport.deploy(platform, "ignores-body.php", "php", "abuse-ignore");
        AbuseSupport.deploy(platform, "body-length.c", "c", "abuse-length");
        AbuseSupport.deploy(platform, "six-megabytes.c", "c", "abuse-six-mb");
        AbuseSupport.deploy(platform, "six-megabytes-text.c", "c", "abuse-six-mb-text");
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void sixtyClientsAnnouncingBodiesTheyNeverSendLeaveNoThreadsBehind() throws Exception {
        List<Long> workers = AbuseSupport.workerPids(platform);
        assertEquals(2, workers.size(), "worker pids " + workers);
        concurrentCalls("/api/abuse-ignore", 80);
        // the invoke pool is fixed (it grows to max-concurrency and keeps its threads), so a burst may
        // or may not have created all of them by now (CI, 2026-11-29: one worker at 22 of 32): the
        // pool is held to its bound, every other thread to its baseline
        Map<Long, Long> baseline = threadsBesideInvokers(workers);

        List<Socket> hostile = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                Socket s = AbuseSupport.open(platform, Duration.ofSeconds(30));
                hostile.add(s);
                AbuseSupport.send(s, "POST /api/abuse-ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 8000000\r\n\r\n");
            }
            for (Socket s : hostile) {
                // the function does not read its body: the answer comes at its exit, and closes
                String answer = AbuseSupport.readToEnd(s);
                assertEquals(200, AbuseSupport.status(answer), answer);
                assertTrue(answer.contains("Connection: close"), answer);
            }
        } finally {
            for (Socket s : hostile) {
                s.close();
            }
        }

        try {
            RunningPlatform.await(Duration.ofSeconds(60), () -> workers.stream().allMatch(
                    pid -> threadsBesideInvokers(pid) <= baseline.get(pid) + THREAD_SLACK
                            && invokers(pid) <= WORKER_MAX_CONCURRENCY),
                    "worker threads beside the invoke pool back to their baseline " + baseline
                            + " and the pool within " + WORKER_MAX_CONCURRENCY);
        } catch (AssertionError e) {
            Map<Long, Object> kinds = new java.util.TreeMap<>();
            workers.forEach(pid -> kinds.put(pid, AbuseSupport.threadKinds(pid)));
            throw new AssertionError(e.getMessage() + "; now " + threadsBesideInvokers(workers) + ", by name " + kinds, e);
        }
        assertEquals(workers, AbuseSupport.workerPids(platform), "a worker was restarted");
        System.out.println("worker threads beside the invoke pool: baseline " + baseline
                + ", after the hostile clients " + threadsBesideInvokers(workers));
        assertEquals(200, platform.post("/api/abuse-length", "abc").statusCode());
    }

    @Test
    void aClientThatLeavesMidBodyNeverGetsA200() throws Exception {
        for (int i = 0; i < 4; i++) { // both workers, warm and cold
            try (Socket s = AbuseSupport.open(platform, Duration.ofSeconds(30))) {
                AbuseSupport.send(s, "POST /api/abuse-length HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
                AbuseSupport.send(s, new byte[50_000]);
                s.shutdownOutput();
                String answer = AbuseSupport.readToEnd(s);
                assertEquals(400, AbuseSupport.status(answer), answer);
                assertFalse(answer.contains("\"n\":"), "the function's output was sent: " + answer);
            }
        }
        HttpResponse<String> whole = platform.post("/api/abuse-length", "x".repeat(100_000));
        assertEquals(200, whole.statusCode());
        assertTrue(whole.body().startsWith("{\"n\":100000,\"contentLength\":\"100000\""), whole.body());
    }

    @Test
    void manyConcurrentCallsAtTheOutputCapAreAnsweredAndTheWorkersSurvive() throws Exception {
        concurrentLargeOutputs("/api/abuse-six-mb", 6_000_001);
    }

    @Test
    void manyConcurrentTextOutputsAtTheCapAreWrappedOrRefusedAndTheWorkersSurvive() throws Exception {
        // {"result":"aaa...a"}: the wrapping needs a second copy of every output
        concurrentLargeOutputs("/api/abuse-six-mb-text", 6_000_013);
    }

    private static void concurrentLargeOutputs(String path, int answerBytes) throws Exception {
        List<Long> workers = AbuseSupport.workerPids(platform);
        Map<Integer, Integer> statuses = new HashMap<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(48);
        try {
            List<Future<int[]>> calls = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                calls.add(pool.submit(() -> {
                    HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(platform.uri(path))
                            .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream body = r.body()) {
                        return new int[] {r.statusCode(), (int) body.transferTo(java.io.OutputStream.nullOutputStream())};
                    }
                }));
            }
            for (Future<int[]> call : calls) {
                int[] result = call.get();
                statuses.merge(result[0], 1, Integer::sum);
                if (result[0] == 200) {
                    assertEquals(answerBytes, result[1], "a 200 with a cut body");
                } else {
                    assertEquals(503, result[0], "neither the output nor a clean 503");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("48 concurrent calls of " + path + " answered: " + statuses);
        assertTrue(statuses.getOrDefault(200, 0) > 0, "no call got its output: " + statuses);
        assertEquals(workers, AbuseSupport.workerPids(platform), "a worker died (out of memory?): " + statuses);
        assertEquals(200, platform.post("/api/abuse-length", "abc").statusCode());
    }

    private static Map<Long, Long> threadsBesideInvokers(List<Long> pids) {
        Map<Long, Long> threads = new HashMap<>();
        pids.forEach(pid -> threads.put(pid, threadsBesideInvokers(pid)));
        return threads;
    }

    private static long threadsBesideInvokers(long pid) {
        return AbuseSupport.threadKinds(pid).entrySet().stream()
                .filter(kind -> !kind.getKey().equals(INVOKER)).mapToLong(Map.Entry::getValue).sum();
    }

    private static long invokers(long pid) {
        return AbuseSupport.threadKinds(pid).getOrDefault(INVOKER, 0L);
    }

    private static void concurrentCalls(String path, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(pool.submit(() -> platform.post(path, "{}").statusCode()));
            }
            for (Future<Integer> call : calls) {
                int status = call.get();
                assertTrue(status == 200 || status == 503, "warm-up call answered " + status);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
