package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 12, durable async calls against the packaged jar: 202 with a Location whose result can be
 * fetched, retries the function sees as FAAS_ATTEMPT, a final failure, a callback to a local
 * server, cancelling, and the gateway's 404 for an unknown route. Recovery after kill -9 is
 * {@link AsyncRecoveryIT}.
 */
class AsyncCallsIT {

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), "--faas.async.retry-base=200ms",
                "--faas.async.retry-cap=1s", "--faas.async.callback-allow-private=true");
        token = AbuseSupport.adminToken(platform);
        deploy(platform, "async-echo", "echo.php", 10, Map.of());
        deploy(platform, "async-flaky", "flaky.php", 10, Map.of());
        deploy(platform, "async-broken", "broken.php", 10, Map.of("retries", 1));
        deploy(platform, "async-slow", "slow.php", 20, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    /** Writes the test script into the data dir and adds its route {@code POST /it/<name>}. */
    static void deploy(RunningPlatform platform, String name, String script, int timeout, Map<String, Object> extra)
            throws Exception {
        Path file = Files.createDirectories(platform.dataDir.resolve(name)).resolve(script);
        try (InputStream in = AsyncCallsIT.class.getResourceAsStream("/asynccalls/" + script)) {
            Files.write(file, in.readAllBytes());
        }
        Map<String, Object> descriptor = new java.util.HashMap<>(Map.of("name", name, "runtime", "php",
                "module", file.toString(), "timeout", timeout, "memory", 64));
        descriptor.putAll(extra);
        platform.insertRoute("POST:/it/" + name, descriptor);
        RunningPlatform.await(Duration.ofSeconds(5), () -> {
            try {
                return platform.get("/it/" + name).statusCode() == 405;
            } catch (Exception e) {
                return false;
            }
        }, "route /it/" + name + " live");
    }

    static HttpResponse<String> enqueue(RunningPlatform platform, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(platform.uri("/async-function" + path))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return platform.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode call(RunningPlatform platform, String token, String location) throws Exception {
        HttpResponse<String> r = platform.http.send(HttpRequest.newBuilder(platform.uri(location))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return RunningPlatform.JSON.readTree(r.body());
    }

    static JsonNode awaitState(RunningPlatform platform, String token, String location, String state) throws Exception {
        JsonNode[] last = new JsonNode[1];
        RunningPlatform.await(Duration.ofSeconds(60), () -> {
            try {
                last[0] = call(platform, token, location);
                return last[0].path("async").path("state").asString().equals(state);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, location + " " + state);
        return last[0];
    }

    @Test
    void aCallIsAccepted202AndItsResultFetchedFromItsLocation() throws Exception {
        HttpResponse<String> accepted = enqueue(platform, "/it/async-echo?x=1", "{\"hello\":\"async\"}",
                "X-Call-Id", "it-echo-1", "X-Tag", "tagged", "Authorization", "Bearer not-for-the-disk");

        assertEquals(202, accepted.statusCode(), accepted.body());
        assertEquals("it-echo-1", accepted.headers().firstValue("X-Call-Id").orElseThrow());
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertEquals("/system/calls/it-echo-1", location);
        assertEquals("queued", RunningPlatform.JSON.readTree(accepted.body()).path("state").asString());

        JsonNode done = awaitState(platform, token, location, "succeeded");
        JsonNode async = done.path("async");
        assertEquals(1, async.path("attempts").asInt());
        JsonNode result = async.path("result");
        assertEquals(200, result.path("status").asInt());
        JsonNode seen = RunningPlatform.JSON.readTree(result.path("body").asString());
        assertEquals("1", seen.path("attempt").asString());
        assertEquals("it-echo-1", seen.path("callId").asString());
        assertEquals("x=1", seen.path("query").asString());
        assertEquals("tagged", seen.path("tag").asString());
        assertEquals("{\"hello\":\"async\"}", seen.path("body").asString());
        assertFalse(seen.path("authorization").isString(), "credentials are not stored: " + seen);
        assertEquals("async-echo", done.path("function").asString());

        HttpResponse<String> again = enqueue(platform, "/it/async-echo", "{}", "X-Call-Id", "it-echo-1");
        assertEquals(409, again.statusCode(), again.body());
    }

    @Test
    void aFunctionFailingTwiceIsRetriedAndSucceedsOnItsThirdAttempt() throws Exception {
        HttpResponse<String> accepted = enqueue(platform, "/it/async-flaky", "{}");
        assertEquals(202, accepted.statusCode(), accepted.body());

        JsonNode done = awaitState(platform, token, accepted.headers().firstValue("Location").orElseThrow(), "succeeded");

        assertEquals(3, done.path("async").path("attempts").asInt());
        JsonNode seen = RunningPlatform.JSON.readTree(done.path("async").path("result").path("body").asString());
        assertEquals(3, seen.path("attempt").asInt());
        assertTrue(done.path("logs").toString().contains("failing attempt 1"), done.toString());
    }

    @Test
    void aFunctionThatAlwaysFailsEndsFailedAfterItsRetries() throws Exception {
        HttpResponse<String> accepted = enqueue(platform, "/it/async-broken", "{}");
        assertEquals(202, accepted.statusCode(), accepted.body());

        JsonNode done = awaitState(platform, token, accepted.headers().firstValue("Location").orElseThrow(), "failed");

        assertEquals(2, done.path("async").path("attempts").asInt(), "retries 1: two attempts");
        assertEquals(500, done.path("async").path("result").path("status").asInt());
        assertEquals(1, RunningPlatform.JSON.readTree(platform.get("/system/functions/async-broken").body())
                .path("retries").asInt(), "the descriptor's retries shown by the API");
    }

    @Test
    void theResultIsPostedToTheCallbackUrl() throws Exception {
        List<Headers> headers = new CopyOnWriteArrayList<>();
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/done", exchange -> {
            headers.add(exchange.getRequestHeaders());
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        try {
            String url = "http://127.0.0.1:" + hook.getAddress().getPort() + "/done";
            HttpResponse<String> accepted = enqueue(platform, "/it/async-echo", "{\"n\":7}", "X-Callback-Url", url,
                    "X-Call-Id", "it-callback-1");
            assertEquals(202, accepted.statusCode(), accepted.body());

            RunningPlatform.await(Duration.ofSeconds(60), () -> !bodies.isEmpty(), "the callback");
            Headers h = headers.get(0);
            assertEquals("it-callback-1", h.getFirst("X-Call-Id"));
            assertEquals("200", h.getFirst("X-Function-Status"));
            assertTrue(h.getFirst("X-Duration-Seconds").matches("\\d+\\.\\d{3}"), h.getFirst("X-Duration-Seconds"));
            assertTrue(h.getFirst("Content-Type").startsWith("application/json"), h.getFirst("Content-Type"));
            assertEquals("{\"n\":7}", RunningPlatform.JSON.readTree(bodies.get(0)).path("body").asString());
            RunningPlatform.await(Duration.ofSeconds(10), () -> {
                try {
                    return call(platform, token, "/system/calls/it-callback-1").path("async").path("callback")
                            .path("state").asString().equals("delivered");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "callback recorded as delivered");
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void aQueuedCallCanBeCancelledOnce() throws Exception {
        // the slow function runs two at a time: the third call waits in the queue
        for (int i = 0; i < 2; i++) {
            assertEquals(202, enqueue(platform, "/it/async-slow", "{}").statusCode());
        }
        HttpResponse<String> queued = enqueue(platform, "/it/async-slow", "{}", "X-Call-Id", "it-cancel-1");
        assertEquals(202, queued.statusCode(), queued.body());
        JsonNode before = call(platform, token, "/system/calls/it-cancel-1");
        assertEquals("queued", before.path("async").path("state").asString(), before.toString());

        assertEquals(204, delete("/system/calls/it-cancel-1").statusCode());
        assertEquals("cancelled", call(platform, token, "/system/calls/it-cancel-1").path("async").path("state").asString());
        assertEquals(409, delete("/system/calls/it-cancel-1").statusCode());
        assertEquals(404, delete("/system/calls/it-no-such-call").statusCode());
        assertEquals(401, platform.http.send(HttpRequest.newBuilder(platform.uri("/system/calls/it-cancel-1"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return platform.http.send(HttpRequest.newBuilder(platform.uri(path)).header("Authorization", "Bearer " + token)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUnknownRouteIs404AndNothingIsStored() throws Exception {
        HttpResponse<String> r = enqueue(platform, "/it/no-such-function", "{}", "X-Call-Id", "it-unknown-1");

        assertEquals(404, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(404, platform.http.send(HttpRequest.newBuilder(platform.uri("/system/calls/it-unknown-1"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aBadCallbackUrlIs400() throws Exception {
        HttpResponse<String> r = enqueue(platform, "/it/async-echo", "{}", "X-Callback-Url", "ftp://example.com/x");

        assertEquals(400, r.statusCode(), r.body());
        assertEquals("X-Callback-Url", RunningPlatform.JSON.readTree(r.body()).path("header").asString());
    }

    @Test
    void theQueueIsVisibleInPrometheus() throws Exception {
        HttpResponse<String> accepted = enqueue(platform, "/it/async-echo", "{}");
        awaitState(platform, token, accepted.headers().firstValue("Location").orElseThrow(), "succeeded");

        String scrape = platform.get("/actuator/prometheus").body();
        assertTrue(scrape.contains("faasj_async_queue_depth"), scrape);
        assertTrue(scrape.contains("faasj_async_queue_oldest_age_seconds"), scrape);
        assertTrue(scrape.contains("faasj_async_calls_total{function=\"async-echo\",outcome=\"succeeded\"}"), scrape);
    }
}
