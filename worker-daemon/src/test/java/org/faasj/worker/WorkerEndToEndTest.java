package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.faasj.model.FunctionRuntime;
import org.faasj.model.WorkerOption;
import org.faasj.worker.WorkerHarness.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/** A real worker on a temp socket, real TCP clients handed over by descriptor, real function processes. */
class WorkerEndToEndTest {

    @TempDir
    Path dir;
    WorkerHarness worker;

    @BeforeEach
    void start() throws IOException {
        worker = WorkerHarness.start(dir);
    }

    @AfterEach
    void stop() throws IOException {
        worker.close();
    }

    @Test
    void phpJsonOutputPassesThroughWithCgiEnvironment() throws IOException {
        Path fn = worker.script("env.php", """
                <?php
                $in = file_get_contents('php://stdin');
                echo json_encode(['method' => getenv('REQUEST_METHOD'), 'query' => getenv('QUERY_STRING'),
                    'trace' => getenv('HTTP_X_TRACE_ID'), 'name' => getenv('FAAS_FUNCTION_NAME'),
                    'custom' => getenv('GREETING'), 'home' => getenv('HOME'), 'body' => $in]);
                """);
        Exchange ex = worker.call(Frames.of(FunctionRuntime.PHP, fn).get("/api/env", "a=1&b=2")
                .header("X-Trace-Id", "t-42").env(Map.of("GREETING", "hi"))
                .body("{\"x\":1}".getBytes(StandardCharsets.UTF_8)).build());

        assertEquals(200, ex.response().status());
        assertEquals("application/json", ex.response().header("Content-Type"));
        assertEquals("7", ex.response().header("X-Faas-Worker"));
        assertEquals("keep-alive", ex.response().header("Connection"));
        assertEquals("{\"method\":\"GET\",\"query\":\"a=1&b=2\",\"trace\":\"t-42\",\"name\":\"test-fn\","
                + "\"custom\":\"hi\",\"home\":false,\"body\":\"{\\\"x\\\":1}\"}", ex.response().text());
        assertEquals(200, ex.ack().status());
        assertTrue(ex.ack().keepAlive());
    }

    @Test
    void pythonScriptsRunWithTheBodyOnStdin() throws IOException {
        Path fn = worker.script("upper.py", "import sys\nprint(sys.stdin.read().upper(), end='')\n");

        Exchange ex = worker.call(Frames.of(FunctionRuntime.PYTHON, fn).body("shout".getBytes(StandardCharsets.UTF_8)).build());

        assertEquals(200, ex.response().status(), ex.response().text());
        assertEquals("SHOUT", resultString(ex.response().text()));
    }

    @Test
    void plainTextIsWrappedAsAnEscapedJsonString() throws IOException {
        String tricky = "he said \"hi\"\\ \n\ttab \u0001 bell\u0007 ü € 😀";
        Path out = dir.resolve("tricky.txt");
        Files.writeString(out, tricky);
        Path fn = worker.script("text.sh", "#!/bin/sh\ncat " + out + "\n");

        Exchange ex = worker.call(Frames.native_(fn).build());

        assertEquals(200, ex.response().status());
        assertEquals(tricky, resultString(ex.response().text()));
    }

    @Test
    void nonZeroExitIsA500ProblemWithExitCodeAndCallIdButNotStderr() throws IOException {
        Path fn = worker.script("fail.sh", "#!/bin/sh\necho 'partial output'\necho 'something broke' >&2\nexit 3\n");

        Exchange ex = worker.call(Frames.native_(fn).callId("fail-1").build());

        assertEquals(500, ex.response().status());
        assertEquals("application/problem+json", ex.response().header("Content-Type"));
        assertEquals("fail-1", ex.response().header("X-Call-Id"));
        String body = ex.response().text();
        assertTrue(body.contains("\"title\":\"Function failed\""), body);
        assertTrue(body.contains("\"exitCode\":3,\"callId\":\"fail-1\""), body);
        assertFalse(body.contains("something broke"), body);
        assertEquals(500, ex.ack().status());
    }

    @Test
    void withStderrExposedTheTailIsInThe500() throws IOException {
        worker.close();
        worker = WorkerHarness.exposingStderr(dir, 4, 16, 6 << 20);
        Path fn = worker.script("fail.sh", "#!/bin/sh\necho 'something broke' >&2\nexit 3\n");

        String body = worker.call(Frames.native_(fn).build()).response().text();

        assertTrue(body.contains("\"exitCode\":3"), body);
        assertTrue(body.contains("\"stderr\":\"something broke\\n\""), body);
    }

    @Test
    void theFunctionSeesTheCallIdAndEveryAnswerCarriesIt() throws IOException {
        Path fn = worker.script("id.sh", "#!/bin/sh\nprintf '{\"id\":\"%s\",\"tp\":\"%s\"}' \"$FAAS_CALL_ID\" \"$HTTP_TRACEPARENT\"\n");
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        Exchange ex = worker.call(Frames.native_(fn).callId("abc.DEF_9-z").header("traceparent", traceparent).build());

        assertEquals(200, ex.response().status());
        assertEquals("abc.DEF_9-z", ex.response().header("X-Call-Id"));
        assertEquals("{\"id\":\"abc.DEF_9-z\",\"tp\":\"" + traceparent + "\"}", ex.response().text());
        Exchange missing = worker.call(Frames.native_(dir.resolve("nope")).callId("gone-2").build());
        assertEquals(500, missing.response().status());
        assertEquals("gone-2", missing.response().header("X-Call-Id"));
    }

    @Test
    void timeoutKillsTheTreeAnswers504AndTheWorkerGoesOn() throws Exception {
        Path pidFile = dir.resolve("background.pid");
        Path fn = worker.script("slow.sh", "#!/bin/sh\nsleep 30 &\necho $! > " + pidFile + "\nsleep 30\n");

        long started = System.nanoTime();
        Exchange ex = worker.call(Frames.native_(fn).timeoutMillis(300).build());

        assertEquals(504, ex.response().status());
        assertTrue(ex.response().text().contains("300 ms"), ex.response().text());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 3000);
        assertDies(Long.parseLong(Files.readString(pidFile).trim()));

        Path ok = worker.script("ok.sh", "#!/bin/sh\necho '{\"ok\":true}'\n");
        assertEquals(200, worker.call(Frames.native_(ok).build()).response().status());
    }

    /**
     * A call cut off because its worker stops (its control plane died) is not the function's
     * failure: if anything reaches the client it is a 503 with Retry-After, which a balancer may
     * retry on another node, never a 500 (seen through nginx when a node was killed under load).
     */
    @Test
    void aCallCutOffByTheWorkerStopping_isAnswered503RetryAfter_notA500() throws Exception {
        Path started = dir.resolve("started");
        Path fn = worker.script("long.sh", "#!/bin/sh\ntouch " + started + "\nsleep 30\n");
        try (WorkerHarness.Client client = worker.connect()) {
            client.handOff(Frames.native_(fn).timeoutMillis(20_000).build());
            Conditions.await(Duration.ofSeconds(10), () -> Files.exists(started), "the function started");

            worker.stopWorker();

            WorkerHarness.Response response = client.readResponse();
            assertEquals(503, response.status(), response.text());
            assertEquals("1", response.header("Retry-After"));
            assertTrue(response.text().contains("stopping"), response.text());
        }
    }

    @Test
    void outputOverTheCapIsA502() throws IOException {
        worker.close();
        worker = new WorkerHarness(dir, 2, 4, 64 * 1024, WorkerOption.FUNCTION_PATH.defaultText());
        Path fn = worker.script("flood.sh", "#!/bin/sh\nhead -c 10000000 /dev/zero | tr '\\0' 'a'\n");

        Exchange ex = worker.call(Frames.native_(fn).build());

        assertEquals(502, ex.response().status());
        assertTrue(ex.response().text().contains("output larger than 65536 bytes"), ex.response().text());
    }

    @Test
    void bodyLargerThanThePrefixIsStreamedFromTheClientAndEchoed() throws IOException {
        byte[] body = letters(1 << 20, 1);
        Path fn = worker.script("echo.sh", "#!/bin/sh\ncat\n");

        Exchange ex = worker.call(Frames.native_(fn).body(body, 1000).build(), Arrays.copyOfRange(body, 1000, body.length));

        assertEquals(200, ex.response().status());
        assertEquals(new String(body, StandardCharsets.US_ASCII), resultString(ex.response().text()));
        assertTrue(ex.ack().keepAlive());
    }

    @Test
    void keepAliveServesTwoRequestsOnOneConnectionWithoutOverReading() throws IOException {
        Path fn = worker.script("count.sh", "#!/bin/sh\nprintf '{\"bytes\":%s,\"head\":\"%s\"}' $(wc -c) \"$(cat /dev/null)\"\n");
        Path echo = worker.script("echo2.sh", "#!/bin/sh\ncat\n");
        byte[] first = letters(200_000, 2);
        byte[] second = letters(5000, 3);

        try (WorkerHarness.Client client = worker.connect()) {
            // the client pipelines both bodies at once; only the first may be taken by request one
            client.handOff(Frames.native_(fn).body(first, 100).build());
            byte[] both = new byte[first.length - 100 + second.length];
            System.arraycopy(first, 100, both, 0, first.length - 100);
            System.arraycopy(second, 0, both, first.length - 100, second.length);
            client.send(both);
            WorkerHarness.Response r1 = client.readResponse();
            var ack1 = worker.readAck();
            assertEquals("{\"bytes\":200000,\"head\":\"\"}", r1.text());
            assertTrue(ack1.keepAlive());

            client.handOff(Frames.native_(echo).body(second, 0).build());
            WorkerHarness.Response r2 = client.readResponse();
            var ack2 = worker.readAck();
            assertEquals(new String(second, StandardCharsets.US_ASCII), resultString(r2.text()));
            assertTrue(ack2.keepAlive());
        }
    }

    @Test
    void memoryLimitIsEnforcedOnNativeAndPhp() throws Exception {
        worker.close();
        worker = WorkerHarness.exposingStderr(dir, 4, 16, 6 << 20); // the hog's stderr says why it failed
        Path hog = worker.compile("hog.c", """
                #include <stdio.h>
                #include <stdlib.h>
                #include <string.h>
                int main(int argc, char **argv) {
                    size_t mb = (size_t) atoi(getenv("HOG_MB"));
                    char *p = malloc(mb << 20);
                    if (!p) { fprintf(stderr, "malloc of %zu MB failed\\n", mb); return 1; }
                    memset(p, 1, mb << 20);
                    printf("{\\"allocated\\":%zu}", mb);
                    return 0;
                }
                """);
        Exchange small = worker.call(Frames.native_(hog).memoryMb(64).env(Map.of("HOG_MB", "8")).build());
        Exchange big = worker.call(Frames.native_(hog).memoryMb(32).env(Map.of("HOG_MB", "200")).build());

        assertEquals(200, small.response().status(), small.response().text());
        assertEquals(500, big.response().status(), big.response().text());
        assertTrue(big.response().text().contains("malloc of 200 MB failed"), big.response().text());

        // php's own memory_limit switched off: only the rlimit stands between it and 200 MB
        Path php = worker.script("hog.php", "<?php ini_set('memory_limit', '-1'); $s = str_repeat('x', 200 << 20); echo strlen($s);\n");
        Exchange phpBig = worker.call(Frames.of(FunctionRuntime.PHP, php).memoryMb(32).build());
        assertEquals(500, phpBig.response().status(), phpBig.response().text());
    }

    @Test
    void missingRuntimeIs503NamingThePackage() throws IOException {
        worker.close();
        Path emptyBin = Files.createDirectories(dir.resolve("empty-bin"));
        worker = new WorkerHarness(dir, 2, 4, 1 << 20, emptyBin.toString());
        Path fn = worker.script("never.php", "<?php echo 1;\n");

        Exchange ex = worker.call(Frames.of(FunctionRuntime.PHP, fn).build());

        assertEquals(503, ex.response().status());
        assertTrue(ex.response().text().contains("'php'") && ex.response().text().contains("php-cli"), ex.response().text());
    }

    @Test
    void missingModuleIs500() throws IOException {
        Exchange missing = worker.call(Frames.native_(dir.resolve("nope")).build());
        assertEquals(500, missing.response().status());
        assertTrue(missing.response().text().contains(dir.resolve("nope").toString()));

        Exchange wasm = worker.call(Frames.of(FunctionRuntime.WASM, dir.resolve("nope.wasm")).build());
        assertEquals(500, wasm.response().status());
        assertTrue(wasm.response().text().contains("function module not found"), wasm.response().text());
    }

    @Test
    void fullPoolAnswers503AtOnceAndClosesWhenTheBodyWasNotRead() throws Exception {
        worker.close();
        worker = new WorkerHarness(dir, 1, 0, 1 << 20, WorkerOption.FUNCTION_PATH.defaultText());
        Path slow = worker.script("slow.sh", "#!/bin/sh\nsleep 1\necho '{}'\n");
        try (WorkerHarness.Client busy = worker.connect(); WorkerHarness.Client rejected = worker.connect()) {
            busy.handOff(Frames.native_(slow).build());
            Conditions.await(Duration.ofSeconds(10), () -> worker.inFlight() == 1, "the first call running");
            byte[] body = letters(100, 4);
            rejected.handOff(Frames.native_(slow).body(body, 10).build());
            WorkerHarness.Response r = rejected.readResponse();
            assertEquals(503, r.status());
            assertEquals("close", r.header("Connection"));
            assertFalse(worker.readAck().keepAlive());
            assertEquals(200, busy.readResponse().status());
            worker.readAck();
        }
    }

    @Test
    void functionsWaitingOffTheCpuDoNotHoldTheGatesOnlyPlace() throws Exception {
        worker.close();
        worker = new WorkerHarness(dir, new WorkerConfig(WorkerHarness.options(dir).set(WorkerOption.MAX_CONCURRENCY, 8)
                .set(WorkerOption.WARM_PER_FUNCTION, 0).set(WorkerOption.WARM_TOTAL, 0).set(WorkerOption.CPU_SLOTS, 1).build()));
        Path nap = worker.script("nap.php", "<?php sleep(1); echo '{\"slept\":1}';");
        int clients = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long started = System.nanoTime();
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            answers.add(pool.submit(() -> {
                try (WorkerHarness.Client client = worker.connect()) {
                    client.handOff(Frames.of(FunctionRuntime.PHP, nap).build());
                    return client.readResponse().status();
                }
            }));
        }
        for (Future<Integer> answer : answers) {
            assertEquals(200, answer.get(30, TimeUnit.SECONDS));
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        pool.shutdown();
        for (int i = 0; i < clients; i++) {
            worker.readAck();
        }
        // one after another they would need 8 s: asleep, a process gives its place back
        assertTrue(tookMs < 5_000, "8 one-second naps through a gate of 1 took " + tookMs + " ms");
    }

    @Test
    void concurrentRequestsOnManyConnectionsAllGetTheirOwnAnswerAndAck() throws Exception {
        Path fn = worker.script("id.sh", "#!/bin/sh\nprintf '{\"got\":\"%s\"}' \"$(cat)\"\n");
        int threads = 8;
        int perThread = 25;
        Set<Long> sent = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            clients.add(pool.submit(() -> {
                try (WorkerHarness.Client client = worker.connect()) {
                    for (int i = 0; i < perThread; i++) {
                        String tag = thread + "-" + i;
                        var frame = Frames.native_(fn).body(tag.getBytes(StandardCharsets.US_ASCII)).build();
                        sent.add(frame.requestId());
                        client.handOff(frame);
                        WorkerHarness.Response r = client.readResponse();
                        assertEquals("{\"got\":\"" + tag + "\"}", r.text());
                    }
                }
                return null;
            }));
        }
        for (Future<?> c : clients) {
            c.get(30, TimeUnit.SECONDS); // a failed client shows up here, not as a hang on acks
        }
        pool.shutdown();
        Set<Long> acked = new HashSet<>();
        for (int i = 0; i < threads * perThread; i++) {
            var ack = worker.readAck();
            assertEquals(200, ack.status());
            acked.add(ack.requestId());
        }
        assertEquals(sent, acked);
    }

    @Test
    void noDescriptorLeaksOverManyRequests() throws Exception {
        Path fn = worker.script("hello.sh", "#!/bin/sh\necho hello\n");
        for (int i = 0; i < 20; i++) {
            worker.call(Frames.native_(fn).build());
        }
        // the baseline after the warm-up's descriptors settled: the lowest of a few samples
        long before = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            before = Math.min(before, openDescriptors());
            TimeUnit.MILLISECONDS.sleep(20);
        }
        long baseline = before;
        for (int i = 0; i < 500; i++) {
            Exchange ex = worker.call(Frames.native_(fn).body(("req " + i).getBytes(StandardCharsets.US_ASCII)).build());
            assertEquals(200, ex.response().status());
        }
        // a descriptor of the last call may still be on its way to being closed (a pump, a pipe): wait
        // for the count to settle rather than sampling it once
        long[] after = new long[1];
        try {
            Conditions.await(Duration.ofSeconds(10), () -> (after[0] = openDescriptorsQuietly()) <= baseline + 2,
                    "descriptors back to " + baseline + " + 2");
        } catch (AssertionError e) {
            throw new AssertionError("descriptors before " + baseline + ", after " + after[0], e);
        }
    }

    private static long openDescriptorsQuietly() {
        try {
            return openDescriptors();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** The function's background child is reparented when its parent dies, so look it up by pid. */
    private static void assertDies(long pid) throws InterruptedException {
        TestProcesses.assertDiesWithin(pid, 1_000, "process " + pid + " started by the function outlived its timeout");
    }


    private static byte[] letters(int n, long seed) {
        Random random = new Random(seed);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + random.nextInt(26));
        }
        return b;
    }

    /** The value of {@code result} in {@code {"result":"..."}}, read by a real JSON parser. */
    static String resultString(String json) {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            assertEquals(JsonToken.PROPERTY_NAME, p.nextToken());
            assertEquals("result", p.currentName());
            assertEquals(JsonToken.VALUE_STRING, p.nextToken());
            String value = p.getString();
            assertEquals(JsonToken.END_OBJECT, p.nextToken());
            return value;
        }
    }
}
