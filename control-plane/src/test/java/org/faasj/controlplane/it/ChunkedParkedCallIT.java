package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Where two issue 14 items meet (the merge of chunked bodies, item 8, with per-function
 * concurrency, item 11): a chunked call that waits for a place keeps every body byte the gateway
 * read before and while it waited, and one that announced Expect: 100-continue gets its 100 only
 * when its turn comes.
 */
class ChunkedParkedCallIT {

    private static final String PATH = "/it/parked-chunked";

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"),
                "--faas.gateway.concurrency-queue=2", "--faas.gateway.concurrency-queue-wait=30s");
        // one call at a time; "?hold" keeps the place for five seconds
        Path script = Files.createDirectories(platform.dataDir.resolve("parked")).resolve("parked.php");
        Files.writeString(script, "<?php if (getenv('QUERY_STRING') === 'hold') { usleep(5000000); echo json_encode(['end' => microtime(true)]); exit; }\n"
                + "$b = stream_get_contents(STDIN);\n"
                + "echo json_encode(['n' => strlen($b), 'cl' => getenv('CONTENT_LENGTH'), 'body' => $b]);\n");
        platform.insertRoute("POST:" + PATH, Map.of("name", "parked-chunked", "runtime", "php",
                "module", script.toString(), "timeout", 20, "memory", 64, "concurrency", 1));
        RunningPlatform.await(Duration.ofSeconds(10), ChunkedParkedCallIT::routeIsLive, "route " + PATH + " live");
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void aParkedChunkedCallGetsTheBytesSentBeforeAndWhileItWaited() throws Exception {
        CompletableFuture<HttpResponse<String>> holder = hold();
        try (Socket s = AbuseSupport.open(platform, Duration.ofSeconds(30))) {
            AbuseSupport.send(s, "POST " + PATH + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n5\r\nhello\r\n");
            AbuseSupport.send(s, "6\r\n world\r\n0\r\n\r\n");
            String answer = AbuseSupport.readToEnd(s);
            assertAfterTheHolderEnded(holder, Instant.now(), "the answer");
            assertEquals(200, AbuseSupport.status(answer), answer);
            JsonNode body = RunningPlatform.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertEquals(11, body.path("n").asInt(), answer);
            assertEquals("11", body.path("cl").asString(), answer);
            assertEquals("hello world", body.path("body").asString(), answer);
        }
    }

    @Test
    void aParkedChunkedCallExpectingContinueGetsItWhenItsTurnComes() throws Exception {
        CompletableFuture<HttpResponse<String>> holder = hold();
        try (Socket s = AbuseSupport.open(platform, Duration.ofSeconds(30))) {
            AbuseSupport.send(s, "POST " + PATH + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    + "Expect: 100-continue\r\nConnection: close\r\n\r\n");
            String interim = readHead(s.getInputStream());
            Instant continued = Instant.now();
            assertTrue(interim.startsWith("HTTP/1.1 100 "), interim);
            assertAfterTheHolderEnded(holder, continued, "100 Continue");
            AbuseSupport.send(s, "3\r\nabc\r\n0\r\n\r\n");
            String answer = AbuseSupport.readToEnd(s);
            assertEquals(200, AbuseSupport.status(answer), answer);
            assertTrue(answer.contains("\"n\":3") && answer.contains("\"body\":\"abc\""), answer);
        }
    }

    /** Takes the function's only place for five seconds; returns once that call is running. */
    private static CompletableFuture<HttpResponse<String>> hold() throws Exception {
        CompletableFuture<HttpResponse<String>> holder = platform.http.sendAsync(
                HttpRequest.newBuilder(platform.uri(PATH + "?hold")).timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        RunningPlatform.await(Duration.ofSeconds(10), ChunkedParkedCallIT::aCallIsInFlight, "the holding call running");
        assertFalse(holder.isDone(), "the holding call finished before the test began");
        return holder;
    }

    /** The parked call went on only after the holder's function had ended (same host, same clock). */
    private static void assertAfterTheHolderEnded(CompletableFuture<HttpResponse<String>> holder, Instant seen,
                                                  String what) throws Exception {
        HttpResponse<String> held = holder.get(30, TimeUnit.SECONDS);
        assertEquals(200, held.statusCode(), held.body());
        double end = RunningPlatform.JSON.readTree(held.body()).path("end").asDouble();
        double seenSeconds = seen.getEpochSecond() + seen.getNano() / 1e9;
        assertTrue(seenSeconds > end, what + " at " + seenSeconds + ", before the holding call ended at " + end
                + ": the call was not parked");
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed mid-head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
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

    private static boolean routeIsLive() {
        try {
            return platform.http.send(HttpRequest.newBuilder(platform.uri(PATH))
                    .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 405;
        } catch (Exception e) {
            return false;
        }
    }
}
