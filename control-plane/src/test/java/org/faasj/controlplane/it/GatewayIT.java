package org.faasj.controlplane.it;

import static org.faasj.controlplane.testing.RawResponses.readResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The whole request path through the real jar: gateway → FD hand-off → worker → runtime → client. */
class GatewayIT {

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"),
                "--faas.gateway.head-read-timeout=2s", "--faas.gateway.max-body-size=1MB");
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void seedRoutesAnswerFromPhp() throws Exception {
        HttpResponse<String> hello = platform.post("/api/hello", "{\"name\":\"Alice\"}");
        assertEquals(200, hello.statusCode(), hello.body());
        assertEquals("Hello, Alice", RunningPlatform.JSON.readTree(hello.body()).path("message").asString());
        assertEquals("application/json", hello.headers().firstValue("Content-Type").orElseThrow());

        HttpResponse<String> ping = platform.get("/ping");
        assertEquals(200, ping.statusCode(), ping.body());
        assertTrue(RunningPlatform.JSON.readTree(ping.body()).isObject());

        HttpResponse<String> info = platform.get("/api/info?x=1");
        assertEquals(200, info.statusCode(), info.body());
        assertTrue(info.body().contains("x=1"), info.body());

        HttpResponse<String> resize = platform.post("/resize", "{\"width\":800,\"height\":600,\"scale\":0.5}");
        assertEquals(200, resize.statusCode(), resize.body());
        assertTrue(resize.body().contains("400"), resize.body());
    }

    @Test
    void pipelinedRequestsOnOneConnectionAreAllAnsweredInOrder() throws Exception {
        String body = "{\"name\":\"Bob\"}";
        String hello = "POST /api/hello HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
        String ping = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", platform.port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write((hello + ping + hello).getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            assertTrue(readResponse(in).contains("Hello, Bob"));
            assertTrue(readResponse(in).startsWith("HTTP/1.1 200"));
            assertTrue(readResponse(in).contains("Hello, Bob"));
        }
    }

    @Test
    void garbageAndBareLineFeedsAreRefusedAtOnceNotAtTheHeadTimeout() throws Exception {
        String tlsHello = new String(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03},
                StandardCharsets.ISO_8859_1);
        for (String request : List.of(tlsHello, "GET /ping HTTP/1.1\nHost: x\n")) {
            long started = System.nanoTime();
            // the connection stays open on the client's side: only the server's answer and close end the read
            String answer = platform.raw(request, Duration.ofSeconds(20));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(seconds < 5, "answered after " + seconds + " s; the head timeout is 10 s");
        }
        assertEquals(200, platform.get("/ping").statusCode());
    }

    @Test
    void aChunkedBodySentToAnUnknownRouteIsNeverReadAsTheNextRequest() throws Exception {
        // the chunk's data is itself a request: were the connection kept alive it would be served
        String smuggled = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";
        String request = "POST /no/such/route HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(smuggled.length()) + "\r\n" + smuggled + "\r\n0\r\n\r\n";
        String answer = platform.raw(request, Duration.ofSeconds(10));
        assertTrue(answer.startsWith("HTTP/1.1 404"), answer);
        assertTrue(answer.contains("Connection: close"), answer);
        assertEquals(1, answer.split("HTTP/1.1 ", -1).length - 1, "exactly one answer: " + answer);

        String gzip = platform.raw("POST /no/such/route HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"
                + smuggled, Duration.ofSeconds(10));
        assertTrue(gzip.startsWith("HTTP/1.1 501"), gzip);
        assertEquals(1, gzip.split("HTTP/1.1 ", -1).length - 1, "exactly one answer: " + gzip);
        assertEquals(200, platform.get("/ping").statusCode());
    }

    @Test
    void fiftyConcurrentClientsTimesTwentyRequestsAreAllAnswered() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                int client = c;
                results.add(clients.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 20; i++) {
                        HttpResponse<String> r = platform.post("/api/hello", "{\"name\":\"c" + client + "-" + i + "\"}");
                        if (r.statusCode() == 200 && r.body().contains("Hello, c" + client + "-" + i)) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : results) {
                ok += f.get(5, TimeUnit.MINUTES);
            }
            assertEquals(1000, ok);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void badRequestsGetTheRightErrorAndTheGatewayKeepsServing() throws Exception {
        Duration t = Duration.ofSeconds(10);
        assertStatus(400, platform.raw("THIS IS NOT HTTP\r\n\r\n", t));
        assertStatus(431, platform.raw("GET /ping HTTP/1.1\r\nX-Big: " + "a".repeat(17 * 1024) + "\r\n\r\n", t));
        assertStatus(413, platform.raw("POST /api/hello HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n{", t));
        // chunked bodies are accepted on function routes since issue 14 (ChunkedBodyIT has the rest)
        String chunked = platform.raw("POST /api/hello HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n", t);
        assertTrue(chunked.startsWith("HTTP/1.1 200 ") && chunked.contains("Hello"), chunked);

        HttpResponse<String> unknown = platform.get("/no/such/function");
        assertEquals(404, unknown.statusCode());
        assertEquals("application/problem+json", unknown.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("/no/such/function", RunningPlatform.JSON.readTree(unknown.body()).path("path").asString());

        HttpResponse<String> wrongMethod = platform.get("/api/hello");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElseThrow());

        assertEquals(200, platform.get("/ping").statusCode());
    }

    @Test
    void aClientThatStallsHalfwayThroughItsHeadIsCutOff() throws Exception {
        long started = System.nanoTime();
        String answer = platform.raw("GET /ping HTTP/1.1\r\nHost: slow", Duration.ofSeconds(10));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertStatus(408, answer);
        assertTrue(elapsedMs < 5_000, "closed after " + elapsedMs + " ms");
        assertEquals(200, platform.get("/ping").statusCode());
    }

    @Test
    void openDescriptorsAreTheSameAfterTwoThousandRequests() throws Exception {
        Duration t = Duration.ofSeconds(10);
        String[] requests = {
            "GET /ping HTTP/1.1\r\nConnection: close\r\n\r\n",
            "GET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n",
            "BROKEN\r\n\r\n",
            "POST /api/hello HTTP/1.1\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{\"name\":\"fd\"}",
        };
        for (int i = 0; i < 100; i++) {
            platform.raw(requests[i % requests.length], t);
        }
        TimeUnit.MILLISECONDS.sleep(2_500); // let half-closed error connections finish draining
        long before = platform.openDescriptors();
        for (int i = 0; i < 2000; i++) {
            String answer = platform.raw(requests[i % requests.length], t);
            assertTrue(answer.startsWith("HTTP/1.1 "), answer);
        }
        // other tests' idle keep-alive connections may close meanwhile, so fewer is fine; a leak
        // of even one descriptor per thousand requests would keep the count above where it was
        RunningPlatform.await(Duration.ofSeconds(10), () -> {
            try {
                return platform.openDescriptors() <= before;
            } catch (IOException e) {
                return false;
            }
        }, "descriptor count back to " + before + " (now " + platform.openDescriptors() + ")");
    }

    @Test
    void aFunctionPastItsTimeoutGets504InTimeAndTheWorkerKeepsServing() throws Exception {
        // a directory of its own: the sandbox shows a module's directory to the function, at /fn
        Path script = Files.createDirectories(platform.dataDir.resolve("it-sleep")).resolve("it-sleep.php");
        Files.writeString(script, "<?php sleep(30); echo '{\"late\":true}';\n");
        platform.insertRoute("GET:/it/sleep", Map.of("name", "it-sleep", "runtime", "php",
                "module", script.toString(), "timeout", 1, "memory", 64));
        RunningPlatform.await(Duration.ofSeconds(3), () -> {
            try {
                return routeIsLive("/it/sleep");
            } catch (Exception e) {
                return false;
            }
        }, "route /it/sleep live");
        long started = System.nanoTime();
        HttpResponse<String> r = platform.get("/it/sleep");
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(504, r.statusCode(), r.body());
        assertTrue(elapsedMs < 3_000, "answered after " + elapsedMs + " ms");
        assertEquals(200, platform.get("/ping").statusCode());
    }

    /** Whether a GET route exists, without running it: a method it lacks answers 405 instead of 404. */
    private static boolean routeIsLive(String path) throws Exception {
        return platform.http.send(java.net.http.HttpRequest.newBuilder(platform.uri(path))
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 405;
    }

    @Test
    void aWorkerKilledUnderLoadIsReplacedAndLaterRequestsSucceed() throws Exception {
        List<Long> pidsBefore = platform.workerPids();
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 4; i++) {
                load.submit(() -> {
                    while (loading.get()) {
                        try {
                            if (platform.get("/ping").statusCode() == 200) {
                                served.incrementAndGet();
                            }
                        } catch (IOException e) {
                            // a request on the killed worker may fail; the ones after must not
                        }
                    }
                    return null;
                });
            }
            RunningPlatform.await(Duration.ofSeconds(10), () -> served.get() > 20, "load running");
            long victim = pidsBefore.get(0);
            ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
            RunningPlatform.await(Duration.ofSeconds(10), () -> {
                try {
                    List<Long> now = platform.workerPids();
                    return !now.contains(victim) && RunningPlatform.readyWorkers(platform.health()) == 2;
                } catch (Exception e) {
                    return false;
                }
            }, "worker replaced");
        } finally {
            loading.set(false);
            load.shutdown();
            load.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertNotEquals(pidsBefore, platform.workerPids());
        for (int i = 0; i < 40; i++) {
            assertEquals(200, platform.get("/ping").statusCode());
        }
    }

    @Test
    void healthListsEveryWorker() throws Exception {
        JsonNode health = platform.health();
        assertEquals("UP", health.path("status").asString());
        JsonNode workers = health.path("components").path("workers").path("details").path("workers");
        assertEquals(2, workers.size());
        for (JsonNode w : workers) {
            assertTrue(w.path("pid").asLong() > 0);
            assertTrue(w.has("score"));
            assertTrue(w.has("inFlight"));
        }
        assertEquals("UP", health.path("components").path("db").path("status").asString());
    }

    private static void assertStatus(int status, String rawResponse) {
        assertTrue(rawResponse.startsWith("HTTP/1.1 " + status + " "), "expected " + status + " but got: " + rawResponse);
        assertTrue(rawResponse.contains("application/problem+json"), rawResponse);
    }
}
