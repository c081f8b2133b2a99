package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

import org.faasj.model.FunctionRuntime;
import org.faasj.worker.WorkerHarness.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/** PHP processes started ahead of their request must behave exactly like fresh ones. */
class WarmPoolTest {

    private static final String REPORT = """
            <?php
            $in = file_get_contents('php://stdin');
            echo json_encode(['pid' => getmypid(), 'method' => getenv('REQUEST_METHOD'),
                'query' => getenv('QUERY_STRING'), 'serverQuery' => $_SERVER['QUERY_STRING'] ?? null,
                'trace' => getenv('HTTP_X_TRACE_ID') ?: null, 'serverTrace' => $_SERVER['HTTP_X_TRACE_ID'] ?? null,
                'age' => microtime(true) - $_SERVER['REQUEST_TIME_FLOAT'], 'body' => $in, 'version' => 'v1']);
            """;

    @TempDir
    Path dir;
    WorkerHarness worker;

    @AfterEach
    void stop() throws IOException {
        worker.close();
    }

    @Test
    void aWarmCallSeesOnlyItsOwnRequestInAFreshProcess() throws Exception {
        worker = WorkerHarness.withWarmPool(dir, 2, 16, 30_000);
        Path fn = worker.script("report.php", REPORT);

        Exchange first = worker.call(Frames.of(FunctionRuntime.PHP, fn).get("/api/r", "a=1").header("X-Trace-Id", "t-1").build());
        awaitWarm(n -> n == 2);
        // a warm process started well before its request: wait until every php process is 1.5 s old
        Conditions.await(Duration.ofSeconds(20), () -> phpProcesses().stream().allMatch(
                pid -> startedBefore(pid, Instant.now().minusMillis(1_500))), "warm php processes 1.5 s old");
        Exchange second = worker.call(Frames.of(FunctionRuntime.PHP, fn).body("payload".getBytes(StandardCharsets.UTF_8)).build());

        String a = first.response().text();
        String b = second.response().text();
        assertEquals("GET", field(a, "method"));
        assertEquals("a=1", field(a, "query"));
        assertEquals("a=1", field(a, "serverQuery"));
        assertEquals("t-1", field(a, "trace"));
        assertEquals("t-1", field(a, "serverTrace"));
        assertEquals("POST", field(b, "method"), b);
        assertEquals("", field(b, "query"), b);
        assertEquals("", field(b, "serverQuery"), b);
        assertEquals(null, field(b, "trace"), b);
        assertEquals(null, field(b, "serverTrace"), b);
        assertEquals("payload", field(b, "body"), b);
        assertNotEquals(field(a, "pid"), field(b, "pid"));
        // the process is at least 1.5 s old: an age well below that is the request's time, not the start's
        assertTrue(Double.parseDouble(field(b, "age")) < 1.0, "REQUEST_TIME_FLOAT is the request's: " + b);
    }

    @Test
    void sequentialCallsAlwaysGetDifferentProcesses() throws Exception {
        worker = WorkerHarness.withWarmPool(dir, 2, 16, 30_000);
        Path fn = worker.script("report.php", REPORT);
        List<String> pids = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            pids.add(field(worker.call(Frames.of(FunctionRuntime.PHP, fn).get("/r", "i=" + i).build()).response().text(), "pid"));
            awaitWarm(n -> n >= 1);
        }
        assertEquals(6, pids.stream().distinct().count(), pids.toString());
    }

    @Test
    void idleWarmProcessesAreKilled() throws Exception {
        reportWithTwoWarm(400);
        List<Long> warm = phpProcesses();
        assertEquals(2, warm.size(), warm.toString());

        awaitWarm(n -> n == 0);
        for (long pid : warm) {
            TestProcesses.assertDiesWithin(pid, 2_000, "warm process " + pid + " still runs");
        }
    }

    @Test
    void aChangedModuleIsNeverAnsweredByAnOldProcess() throws Exception {
        Path fn = reportWithTwoWarm(30_000);
        List<Long> old = phpProcesses();

        Files.writeString(fn, REPORT.replace("'v1'", "'v2-longer'"));
        Exchange ex = worker.call(Frames.of(FunctionRuntime.PHP, fn).build());

        assertEquals("v2-longer", field(ex.response().text(), "version"), ex.response().text());
        for (long pid : old) {
            TestProcesses.assertDiesWithin(pid, 2_000, "warm process " + pid + " still runs");
        }
    }

    @Test
    void aWarmProcessThatDiedIsReplacedByAColdStart() throws Exception {
        Path fn = reportWithTwoWarm(30_000);
        List<Long> warm = phpProcesses();
        for (long pid : warm) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            TestProcesses.assertDiesWithin(pid, 2_000, "warm process " + pid + " still runs");
        }

        Exchange ex = worker.call(Frames.of(FunctionRuntime.PHP, fn).get("/r", "after=kill").build());

        assertEquals(200, ex.response().status(), ex.response().text());
        assertEquals("after=kill", field(ex.response().text(), "query"));
        assertTrue(!warm.contains(Long.parseLong(field(ex.response().text(), "pid"))));
    }

    @Test
    void theTotalBoundHolds() throws Exception {
        worker = WorkerHarness.withWarmPool(dir, 2, 3, 30_000);
        List<Path> functions = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path fn = worker.script("f" + i + ".php", REPORT);
            functions.add(fn);
            worker.call(Frames.of(FunctionRuntime.PHP, fn).build());
        }
        awaitWarmWithin(3);
        // every take makes the pool refill: six wanted (two per function), never more than three ready
        for (Path fn : functions) {
            worker.call(Frames.of(FunctionRuntime.PHP, fn).build());
        }
        awaitWarmWithin(3);
    }

    /** Waits until exactly {@code bound} processes are ready, failing as soon as more are seen. */
    private void awaitWarmWithin(int bound) throws InterruptedException {
        Conditions.await(Duration.ofSeconds(20), () -> {
            int ready = worker.warmReady();
            assertTrue(ready <= bound, ready + " warm processes, above the total bound of " + bound);
            return ready == bound;
        }, bound + " warm processes");
    }

    private static boolean startedBefore(long pid, Instant instant) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().startInstant()).map(t -> t.isBefore(instant)).orElse(true);
    }

    /** A worker keeping two warm processes per function, whose REPORT function was called once and has both. */
    private Path reportWithTwoWarm(long idleMs) throws Exception {
        worker = WorkerHarness.withWarmPool(dir, 2, 16, idleMs);
        Path fn = worker.script("report.php", REPORT);
        worker.call(Frames.of(FunctionRuntime.PHP, fn).build());
        awaitWarm(n -> n == 2);
        return fn;
    }

    private void awaitWarm(IntPredicate condition) throws InterruptedException {
        for (int i = 0; i < 250 && !condition.test(worker.warmReady()); i++) {
            Thread.sleep(20);
        }
        assertTrue(condition.test(worker.warmReady()), "warm processes: " + worker.warmReady());
    }

    /** php processes of this test's worker (children of its fork server). */
    private static List<Long> phpProcesses() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").contains("/php")) // /usr/bin/php8.2 behind the alternatives link
                .map(ProcessHandle::pid).collect(Collectors.toList());
    }

    /** A top-level value of a flat JSON object, as text (null for JSON null or absent). */
    private static String field(String json, String name) {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                if (key.equals(name)) {
                    return value == JsonToken.VALUE_NULL ? null : p.getText();
                }
            }
            return null;
        }
    }
}
