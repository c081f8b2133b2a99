package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 12, the gateway's side of async calls, against the packaged jar: the internal entry on
 * {@code <run>/gateway.sock} runs a call with the attempt the control plane names (and only there),
 * functions cannot reach that socket, and {@code /async-function/...} is judged like a sync call
 * (404, 405, 413 from the gateway at once) and, when it names a deployed route, relayed to Spring.
 */
class AsyncGatewayIT {

    private static final String ROUTE = "/api/async-attempt";

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static Path gatewaySocket;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"));
        gatewaySocket = platform.dataDir.resolve("run").resolve("gateway.sock");
        assertTrue(Files.exists(gatewaySocket), "the internal entry listens in the run dir: " + gatewaySocket);
        deploy("async-attempt", "attempt.php");
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void aCallOnTheInternalEntryRunsWithTheAttemptItNames() throws Exception {
        String answer = internal("POST " + ROUTE + " HTTP/1.1\r\nHost: localhost\r\nX-Call-Id: it-retry-3\r\n"
                + "X-Faas-Attempt: 3\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");

        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        JsonNode seen = body(answer);
        assertEquals("3", seen.path("attempt").asString());
        assertEquals("it-retry-3", seen.path("callId").asString(), "the stored call id is kept");
    }

    @Test
    void anOrdinaryCallIsTheFirstAttempt() throws Exception {
        HttpResponse<String> r = platform.post(ROUTE, "{}");

        assertEquals(200, r.statusCode(), r.body());
        assertEquals("1", json(r.body()).path("attempt").asString());
    }

    @Test
    void aClientsOwnAttemptHeaderDoesNotChangeTheAttempt() throws Exception {
        HttpResponse<String> r = platform.http.send(HttpRequest.newBuilder(platform.uri(ROUTE)).timeout(Duration.ofSeconds(30))
                .header("X-Faas-Attempt", "7").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, r.statusCode(), r.body());
        JsonNode seen = json(r.body());
        assertEquals("1", seen.path("attempt").asString());
        assertEquals("7", seen.path("clientAttempt").asString(), "it arrives as an ordinary header, nothing more");
    }

    @Test
    void aFunctionCanNeitherSeeNorReachTheInternalEntry() throws Exception {
        HttpResponse<String> r = platform.post(ROUTE, "probe:" + gatewaySocket);

        assertEquals(200, r.statusCode(), r.body());
        JsonNode probe = json(r.body()).path("probe");
        assertFalse(probe.path("exists").asBoolean(true), r.body());
        assertFalse(probe.path("connected").asBoolean(true), r.body());
    }

    @Test
    void anAsyncCallOfNoFunctionIs404FromTheGatewayAtOnce() throws Exception {
        HttpResponse<String> r = platform.post("/async-function/nope", "{}");

        assertEquals(404, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElseThrow());
        JsonNode problem = json(r.body());
        assertEquals("no function is deployed at /nope", problem.path("detail").asString());
        assertEquals("/nope", problem.path("path").asString());
        assertTrue(r.headers().firstValue("X-Frame-Options").isEmpty(), "answered by the gateway, not Spring");
    }

    @Test
    void anAsyncCallWithTheWrongMethodOrTooLargeABodyIsRefusedByTheGateway() throws Exception {
        HttpResponse<String> get = platform.get("/async-function" + ROUTE);
        assertEquals(405, get.statusCode(), get.body());
        assertEquals("POST", get.headers().firstValue("Allow").orElseThrow());

        String tooLarge = platform.raw("POST /async-function" + ROUTE + " HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 999999999\r\n\r\n", Duration.ofSeconds(10));
        assertTrue(tooLarge.startsWith("HTTP/1.1 413 "), tooLarge);
    }

    /**
     * The answer comes from Spring (its security headers), the async controller stored the call
     * (202 with its id and where to read it), and no admin token was asked for.
     */
    @Test
    void anAsyncCallOfADeployedFunctionIsRelayedToSpringWithoutTheAdminToken() throws Exception {
        HttpResponse<String> r = platform.post("/async-function" + ROUTE, "{}");

        assertEquals(202, r.statusCode(), r.body());
        assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), "answered by Spring: " + r.headers());
        String callId = r.headers().firstValue("X-Call-Id").orElseThrow();
        assertEquals("/system/calls/" + callId, r.headers().firstValue("Location").orElseThrow());
        assertEquals(callId, json(r.body()).path("callId").asString(), r.body());
    }

    @Test
    void manyEnqueuesAtOnceFromOneAddressAreNotCappedPerClient() throws Exception {
        // the relay lets one token-less address hold 8 console requests; enqueues have their own bucket (64)
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(platform.http.sendAsync(HttpRequest.newBuilder(platform.uri("/async-function" + ROUTE))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> r = call.get();
            assertEquals(202, r.statusCode(), r.body()); // neither 429 nor 503: each one stored
        }
    }

    @Test
    void theInternalEntryServesFunctionCallsOnly() throws Exception {
        String answer = internal("GET /system/functions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertTrue(answer.startsWith("HTTP/1.1 404 "), answer);
        assertTrue(answer.contains("function calls only"), answer);
    }

    /** One exchange on the internal entry, read until the gateway closes. */
    private static String internal(String request) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(gatewaySocket));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            CompletableFuture<byte[]> all = CompletableFuture.supplyAsync(() -> {
                try {
                    return Channels.newInputStream(ch).readAllBytes();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return new String(all.get(30, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1);
        }
    }

    private static JsonNode body(String rawAnswer) {
        return json(rawAnswer.substring(rawAnswer.indexOf("\r\n\r\n") + 4));
    }

    private static JsonNode json(String text) {
        return RunningPlatform.JSON.readTree(text);
    }

    private static void deploy(String name, String file) throws Exception {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("runtime", "php");
        descriptor.put("name", name);
        descriptor.put("method", "POST");
        AbuseSupport.deployResource(platform, "async", file, descriptor);
    }
}
