package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Descriptor {@code concurrency}: calls past the limit wait in a bounded queue, past the queue (or
 * past the queue wait) they get 429 with Retry-After, and places are given back on every end.
 */
class ConcurrencyLimitIT {

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"),
                "--faas.gateway.concurrency-queue=2", "--faas.gateway.concurrency-queue-wait=5s");
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    /** A PHP function that sleeps and reports when it ran, limited to one call at a time. */
    private static void deploySleeper(String name, double seconds, int timeout) throws Exception {
        Path script = Files.createDirectories(platform.dataDir.resolve(name)).resolve(name + ".php");
        Files.writeString(script, "<?php $s = microtime(true); usleep(" + (long) (seconds * 1_000_000)
                + "); echo json_encode(['start' => $s, 'end' => microtime(true)]);\n");
        platform.insertRoute("GET:/it/" + name, Map.of("name", name, "runtime", "php", "module", script.toString(),
                "timeout", timeout, "memory", 64, "concurrency", 1));
        RunningPlatform.await(Duration.ofSeconds(5), () -> routeIsLive("/it/" + name), "route /it/" + name + " live");
    }

    @Test
    void oneRunsTwoWaitAndRunAfterItTheRestGet429AndTheLimitFreesAfterwards() throws Exception {
        deploySleeper("one-at-a-time", 1, 10);
        // every call on a connection of its own, all at once: 1 runs, 2 wait (the queue), 1 is refused
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<Timed>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(client.sendAsync(request("/it/one-at-a-time"), HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> new Timed(r, System.nanoTime())));
        }
        List<Timed> answers = calls.stream().map(CompletableFuture::join).toList();

        List<Timed> ok = answers.stream().filter(t -> t.response.statusCode() == 200).toList();
        List<Timed> refused = answers.stream().filter(t -> t.response.statusCode() == 429).toList();
        assertEquals(3, ok.size(), answers.toString());
        assertEquals(1, refused.size(), answers.toString());

        HttpResponse<String> tooMany = refused.get(0).response;
        assertTrue(tooMany.headers().firstValue("Retry-After").orElse("").matches("\\d+"), tooMany.headers().toString());
        assertEquals("application/problem+json", tooMany.headers().firstValue("Content-Type").orElseThrow());
        JsonNode problem = RunningPlatform.JSON.readTree(tooMany.body());
        assertEquals(429, problem.path("status").asInt());
        assertEquals("one-at-a-time", problem.path("function").asString());
        assertEquals(1, problem.path("concurrency").asInt());
        // a refused call is still a call: it has an id, in the header and in the problem
        String refusedId = tooMany.headers().firstValue("X-Call-Id").orElse("");
        assertFalse(refusedId.isEmpty(), tooMany.headers().toString());
        assertEquals(refusedId, problem.path("callId").asString());
        // refused at once, not after waiting: before even the first call finished
        long firstOk = ok.stream().mapToLong(t -> t.doneNanos).min().orElseThrow();
        assertTrue(refused.get(0).doneNanos < firstOk, "the 429 came after a call had finished");

        // the three that ran did so one after another, never two at once
        List<double[]> runs = new ArrayList<>();
        for (Timed t : ok) {
            JsonNode body = RunningPlatform.JSON.readTree(t.response.body());
            runs.add(new double[] {body.path("start").asDouble(), body.path("end").asDouble()});
        }
        runs.sort(Comparator.comparingDouble(r -> r[0]));
        for (int i = 1; i < runs.size(); i++) {
            assertTrue(runs.get(i)[0] >= runs.get(i - 1)[1], "call " + i + " started before call " + (i - 1) + " ended");
        }

        // nothing is still counted: two calls one after the other both run
        assertEquals(200, platform.get("/it/one-at-a-time").statusCode());
        assertEquals(200, platform.get("/it/one-at-a-time").statusCode());
    }

    @Test
    void aCallWaitingPastTheQueueWaitGets429AndAClientThatLeftTheQueueHoldsNoPlace() throws Exception {
        deploySleeper("slow-one", 8, 20);
        CompletableFuture<HttpResponse<String>> running = platform.http.sendAsync(request("/it/slow-one"),
                HttpResponse.BodyHandlers.ofString());
        RunningPlatform.await(Duration.ofSeconds(10), ConcurrencyLimitIT::aCallIsInFlight, "the first call running");

        // a client that queues and goes away: were it left in the queue it would run next and hold the place
        try (Socket leaver = new Socket("127.0.0.1", platform.port)) {
            leaver.getOutputStream().write("GET /it/slow-one HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            leaver.getOutputStream().flush();
        }

        HttpResponse<String> waitedTooLong = platform.http.send(HttpRequest.newBuilder(platform.uri("/it/slow-one"))
                .timeout(Duration.ofSeconds(60)).header("X-Call-Id", "queued-too-long").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(429, waitedTooLong.statusCode(), waitedTooLong.body());
        assertEquals("queued-too-long", waitedTooLong.headers().firstValue("X-Call-Id").orElse(""),
                "the client's call id, drawn when the call parked");
        assertTrue(waitedTooLong.headers().firstValue("Retry-After").isPresent());
        assertTrue(waitedTooLong.body().contains("waited"), waitedTooLong.body());
        assertFalse(running.isDone(), "the queue wait (5 s) should end before the running call (8 s)");

        assertEquals(200, running.join().statusCode());
        // the next call gets the place at once; behind a leaked waiter it would wait 8 s and get 429
        assertEquals(200, platform.get("/it/slow-one").statusCode());
        assertEquals(200, platform.get("/ping").statusCode());
    }

    @Test
    void theDeployApiTakesConcurrencyShowsItAndRefusesBadValues() throws Exception {
        String token = AbuseSupport.adminToken(platform);
        HttpResponse<String> bad = deploy(token, "{\"runtime\":\"php\",\"name\":\"api-bad\",\"concurrency\":-2}");
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("concurrency", RunningPlatform.JSON.readTree(bad.body()).path("field").asString(), bad.body());

        HttpResponse<String> deployed = deploy(token,
                "{\"runtime\":\"php\",\"name\":\"api-one\",\"method\":\"GET\",\"concurrency\":1}");
        assertEquals(201, deployed.statusCode(), deployed.body());
        JsonNode listed = RunningPlatform.JSON.readTree(platform.get("/system/functions/api-one").body());
        assertEquals(1, listed.path("concurrency").asInt(), listed.toString());

        // enforced as deployed: four at once, one runs, two wait, one is refused
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(client.sendAsync(request("/api/api-one"), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = calls.stream().map(f -> f.join().statusCode()).sorted().toList();
        assertEquals(List.of(200, 200, 200, 429), statuses);
    }

    private static HttpResponse<String> deploy(String token, String descriptor) throws Exception {
        Multipart upload = new Multipart().file("code", "f.php", "<?php usleep(1000000); echo '{\"ok\":true}';\n")
                .field("descriptor", descriptor);
        return platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", upload.contentType())
                .POST(upload.publisher()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Timed(HttpResponse<String> response, long doneNanos) {
        @Override
        public String toString() {
            return response.statusCode() + " " + response.body();
        }
    }

    private static HttpRequest request(String path) {
        return HttpRequest.newBuilder(platform.uri(path)).timeout(Duration.ofSeconds(60)).GET().build();
    }

    private static boolean aCallIsInFlight() {
        try {
            for (JsonNode w : platform.health().path("components").path("workers").path("details").path("workers")) {
                if (w.path("inFlight").asInt() > 0) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
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
