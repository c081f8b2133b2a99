package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, invocation records phase 2, against the packaged jar: CPU time and peak memory of a
 * process (from the fork server's wait4), the memory outcome, and the time a call waited for its
 * function's concurrency place in the gateway. Records are read from the receiver's DEBUG lines.
 */
class InvocationUsageIT {

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), "--logging.level.org.faasj.controlplane.calls=DEBUG");
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void aNativeFunctionThatBurnsCpuShowsItsCpuTimeAndPeakMemory() throws Exception {
        // spins until clock(), its own CPU time, passes 60 ms: CPU it really used, whatever the machine's load
        Path source = Files.createDirectories(platform.dataDir.resolve("burn")).resolve("burn.c");
        Files.writeString(source, "#include <stdio.h>\n#include <time.h>\n"
                + "int main(void) { volatile unsigned long n = 0;\n"
                + "  while (clock() < CLOCKS_PER_SEC * 6 / 100) n++;\n"
                + "  printf(\"{\\\"spins\\\":%lu}\\n\", n); return 0; }\n");
        Path binary = source.resolveSibling("burn");
        Process gcc = new ProcessBuilder("gcc", "-O1", "-o", binary.toString(), source.toString()).inheritIO().start();
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc burn.c");
        route("GET:/it/usage/burn", Map.of("name", "usage-burn", "runtime", "native", "module", binary.toString(),
                "timeout", 10, "memory", 64));

        assertEquals(200, get("/it/usage/burn", "usage-burn-1").statusCode());

        String record = awaitRecord("usage-burn-1");
        assertEquals("OK", field(record, "outcome"), record);
        assertTrue(number(record, "cpuMicros") >= 20_000, record);
        assertTrue(number(record, "peakRssKb") > 0, record);
    }

    @Test
    void aFunctionAllocatingPastItsMemoryLimitEndsWithOutcomeMemory() throws Exception {
        Path script = Files.createDirectories(platform.dataDir.resolve("hog")).resolve("hog.php");
        Files.writeString(script, "<?php $s = str_repeat('x', 200 * 1024 * 1024); echo strlen($s);\n");
        route("GET:/it/usage/hog", Map.of("name", "usage-hog", "runtime", "php", "module", script.toString(),
                "timeout", 10, "memory", 32));

        assertEquals(500, get("/it/usage/hog", "usage-hog-1").statusCode());

        String record = awaitRecord("usage-hog-1");
        assertEquals("MEMORY", field(record, "outcome"), record);
        assertTrue(number(record, "peakRssKb") > 0, record);
        assertTrue(number(record, "cpuMicros") >= 0, record);
    }

    @Test
    void ofTwoCallsAtOnceToAFunctionOfConcurrencyOneOneWaitedInTheGateway() throws Exception {
        Path script = Files.createDirectories(platform.dataDir.resolve("one")).resolve("one.php");
        Files.writeString(script, "<?php usleep(500000); echo '{}';\n");
        route("GET:/it/usage/one", Map.of("name", "usage-one", "runtime", "php", "module", script.toString(),
                "timeout", 10, "memory", 64, "concurrency", 1));

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> calls = List.of(
                client.sendAsync(request("/it/usage/one", "usage-one-a"), HttpResponse.BodyHandlers.ofString()),
                client.sendAsync(request("/it/usage/one", "usage-one-b"), HttpResponse.BodyHandlers.ofString()));
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertEquals(200, call.join().statusCode());
        }

        long a = number(awaitRecord("usage-one-a"), "queueWaitMicros");
        long b = number(awaitRecord("usage-one-b"), "queueWaitMicros");
        // the second waited for the first's half second of sleep; the first only for a thread
        assertTrue(Math.max(a, b) >= 200_000, "queue waits " + a + " and " + b + " µs");
    }

    private static void route(String key, Map<String, Object> descriptor) throws Exception {
        platform.insertRoute(key, descriptor);
        String path = key.substring(key.indexOf(':') + 1);
        RunningPlatform.await(Duration.ofSeconds(5), () -> routeIsLive(path), "route " + path + " live");
    }

    private static HttpRequest request(String path, String callId) {
        return HttpRequest.newBuilder(platform.uri(path)).timeout(Duration.ofSeconds(30)).header("X-Call-Id", callId)
                .GET().build();
    }

    private static HttpResponse<String> get(String path, String callId) throws Exception {
        return platform.http.send(request(path, callId), HttpResponse.BodyHandlers.ofString());
    }

    /** The receiver's DEBUG line of the call's record, up to its stderr. */
    private static String awaitRecord(String callId) throws Exception {
        Pattern line = Pattern.compile(Pattern.quote("InvocationRecord[callId=" + callId + ", ") + "[^\\n]*?stderr=");
        String[] found = new String[1];
        RunningPlatform.await(Duration.ofSeconds(20), () -> {
            Matcher m = line.matcher(platform.logText());
            return m.find() && (found[0] = m.group()) != null;
        }, "the record of " + callId + " in the control plane's log");
        System.out.println("[records] " + found[0]); // the figures, for whoever reads the IT's output
        return found[0];
    }

    private static String field(String record, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=([^,]*),").matcher(record);
        assertTrue(m.find(), name + " in " + record);
        return m.group(1);
    }

    private static long number(String record, String name) {
        return Long.parseLong(field(record, name));
    }

    /** Whether a GET route exists, without running it: a method it lacks answers 405 instead of 404. */
    private static boolean routeIsLive(String path) {
        try {
            return platform.http.send(HttpRequest.newBuilder(platform.uri(path))
                    .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 405;
        } catch (Exception e) {
            return false;
        }
    }
}
