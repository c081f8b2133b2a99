package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Issue 10, the observability API against the packaged jar: the admin token on every read, 404 and
 * 400 problems, a follow stream outliving the relay's deadlines (set short here), and a call's
 * record, log line, follow line and statistics end to end.
 */
class ObservabilityApiIT {

    static final String FUNCTION = "obs-echo";
    /** Short relay deadlines, so the follow test shows a stream outliving both. */
    static final Duration RELAY_TOTAL = Duration.ofSeconds(10);
    static final int MAX_FOLLOWERS = 2;

    @TempDir
    static Path tmp;
    static RunningPlatform platform;
    static String bearer;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), "--faas.gateway.relay.idle-timeout=1s",
                "--faas.gateway.relay.total-timeout=" + RELAY_TOTAL.toSeconds() + "s", "--faas.logs.max-followers=" + MAX_FOLLOWERS);
        bearer = "Bearer " + AbuseSupport.adminToken(platform);
        deploy();
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void everyEndpointWantsTheAdminTokenEvenToRead() throws Exception {
        for (String path : List.of("/system/functions/" + FUNCTION + "/invocations", "/system/calls/some-call",
                "/system/functions/" + FUNCTION + "/logs", "/system/functions/" + FUNCTION + "/logs?follow=true",
                "/system/functions/" + FUNCTION + "/stats", "/system/functions/" + FUNCTION + "/%6Cogs")) {
            for (String authorization : new String[] {null, "Bearer wrong"}) {
                HttpResponse<String> r = get(path, authorization);
                assertEquals(401, r.statusCode(), path + ": " + r.body());
                assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""), path);
                assertEquals(401, json(r).path("status").asInt(), r.body());
            }
        }
    }

    @Test
    void unknownFunctionsAndCallsAre404Problems() throws Exception {
        for (String path : List.of("/system/functions/no-such-fn/invocations", "/system/functions/no-such-fn/logs",
                "/system/functions/no-such-fn/stats", "/system/calls/no-such-call", "/system/functions/.hidden/logs",
                "/system/functions/a%20b/stats", "/system/functions/..%2e/invocations")) {
            HttpResponse<String> r = get(path, bearer);
            assertEquals(404, r.statusCode(), path + ": " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), path);
        }
    }

    @Test
    void aKnownFunctionWithoutCallsHasAnEmptyListAndAnEmptyWindow() throws Exception {
        JsonNode stats = json(get("/system/functions/" + FUNCTION + "/stats?window=60", bearer));
        assertEquals(60, stats.path("windowSeconds").asInt());
        assertEquals(6, stats.path("buckets").size());
        assertTrue(stats.path("buckets").get(0).has("p50Ms"));
        HttpResponse<String> none = get("/system/functions/" + FUNCTION + "/invocations?status=504", bearer);
        assertEquals(200, none.statusCode(), none.body());
        assertEquals(FUNCTION, json(none).path("function").asString());
        assertEquals(0, json(none).path("invocations").size());
    }

    /**
     * Records and log lines put where the platform keeps them (as a worker's records would leave
     * them) are served, filtered, for a function that is not deployed (any more).
     */
    @Test
    void storedRecordsAndLogLinesAreServedAndFiltered() throws Exception {
        String fn = "gone-fn";
        long base = System.currentTimeMillis() / 1000 * 1000 - 60_000; // recent: the store prunes by age
        sqlite("INSERT INTO invocations(call_id, function, version, worker, started, duration_us, queue_wait_us, status,"
                + " outcome, exit_code, cold, cpu_us, peak_rss_kb) VALUES"
                + " ('seed-1', '" + fn + "', 2, 0, " + base + ", 12345, 0, 200, 'ok', 0, 1, 1200, 2048),"
                + " ('seed-2', '" + fn + "', 2, 1, " + (base + 1000) + ", 5000, 250, 504, 'timeout', -1, 0, -1, -1)");
        Files.createDirectories(platform.dataDir.resolve("logs"));
        Files.writeString(platform.dataDir.resolve("logs").resolve(fn + ".log"),
                "{\"time\":\"" + iso(base + 12) + "\",\"function\":\"" + fn + "\",\"callId\":\"seed-1\",\"text\":\"one\"}\n"
                + "{\"time\":\"" + iso(base + 1005) + "\",\"function\":\"" + fn + "\",\"callId\":\"seed-2\",\"text\":\"two\"}\n");

        JsonNode list = json(get("/system/functions/" + fn + "/invocations", bearer));
        assertEquals(2, list.path("invocations").size(), list.toString());
        JsonNode newest = list.path("invocations").get(0);
        assertEquals("seed-2", newest.path("callId").asString());
        assertEquals(iso(base + 1000), newest.path("startedAt").asString());
        assertEquals(5.0, newest.path("durationMs").asDouble());
        assertEquals(0.25, newest.path("queueWaitMs").asDouble());
        assertTrue(newest.path("exitCode").isNull() && newest.path("cpuMs").isNull() && newest.path("peakRssKb").isNull(),
                newest.toString());
        assertEquals("timeout", newest.path("outcome").asString());
        JsonNode errors = json(get("/system/functions/" + fn + "/invocations?status=error", bearer));
        assertEquals(1, errors.path("invocations").size());
        assertEquals(1, json(get("/system/functions/" + fn + "/invocations?outcome=ok&status=200", bearer)).path("invocations").size());

        JsonNode call = json(get("/system/calls/seed-1", bearer));
        assertEquals(12.345, call.path("durationMs").asDouble());
        assertEquals(1.2, call.path("cpuMs").asDouble());
        assertEquals(2048, call.path("peakRssKb").asInt());
        assertTrue(call.path("coldStart").asBoolean());
        assertEquals(1, call.path("logs").size(), call.toString());
        assertEquals("one", call.path("logs").get(0).path("text").asString());

        HttpResponse<String> logs = get("/system/functions/" + fn + "/logs?since=" + iso(base + 1000), bearer);
        assertEquals(200, logs.statusCode(), logs.body());
        assertTrue(logs.headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"));
        assertEquals(List.of("two"), logs.body().lines().map(l -> json(l).path("text").asString()).toList());
        assertEquals(2, get("/system/functions/" + fn + "/logs", bearer).body().lines().count());
        assertEquals(1, get("/system/functions/" + fn + "/logs?tail=1", bearer).body().lines().count());
        assertEquals(200, get("/system/functions/" + fn + "/stats", bearer).statusCode());
    }

    private static String iso(long millis) {
        return DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(millis));
    }

    private static void sqlite(String sql) throws Exception {
        Process p = new ProcessBuilder("sqlite3", "-cmd", ".timeout 5000", platform.dataDir.resolve("calls.db").toString(), sql)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "sqlite3: " + out);
    }

    @Test
    void badParametersAre400ProblemsNamingThem() throws Exception {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("/invocations?limit=abc", "limit");
        cases.put("/invocations?limit=1001", "limit");
        cases.put("/invocations?status=6xx", "status");
        cases.put("/invocations?outcome=fine", "outcome");
        cases.put("/logs?tail=10001", "tail");
        cases.put("/logs?since=yesterday", "since");
        cases.put("/logs?call=a%2Fb", "call");
        cases.put("/stats?window=5", "window");
        cases.put("/stats?window=3601", "window");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = get("/system/functions/" + FUNCTION + c.getKey(), bearer);
            assertEquals(400, r.statusCode(), c.getKey() + ": " + r.body());
            assertEquals(c.getValue(), json(r).path("parameter").asString(), r.body());
            assertTrue(json(r).path("detail").asString().contains(c.getValue()), r.body());
        }
    }

    @Test
    void aQuietFollowOutlivesTheRelaysIdleAndTotalDeadlines() throws Exception {
        try (Socket s = openFollow()) {
            long deadline = System.nanoTime() + RELAY_TOTAL.plusSeconds(2).toNanos();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (System.nanoTime() < deadline) {
                try {
                    if (in.read(buf) < 0) {
                        fail("the follow stream was closed before the relay's total deadline had long passed");
                    }
                } catch (SocketTimeoutException e) {
                    // quiet, and still open: as it should be
                }
            }
        }
    }

    @Test
    void aCallIsListedHasItsRecordAndLogLineIsFollowedAndCounted() throws Exception {
        String callId = "obs-it-" + System.nanoTime();
        HttpResponse<String> called = call(callId);
        assertEquals(200, called.statusCode(), called.body());

        RunningPlatform.await(Duration.ofSeconds(15), () -> listed(callId), "the call in the function's invocations");
        JsonNode record = json(get("/system/calls/" + callId, bearer));
        assertEquals(FUNCTION, record.path("function").asString());
        assertEquals(200, record.path("status").asInt());
        assertEquals("ok", record.path("outcome").asString());
        assertEquals(0, record.path("exitCode").asInt());
        assertTrue(record.path("durationMs").asDouble() > 0, record.toString());
        assertTrue(record.path("startedAt").asString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), record.toString());
        assertEquals("obs line of " + callId, record.path("logs").get(0).path("text").asString(), record.toString());
        assertEquals(callId, record.path("logs").get(0).path("callId").asString());

        HttpResponse<String> tail = get("/system/functions/" + FUNCTION + "/logs?tail=100", bearer);
        assertEquals(200, tail.statusCode());
        assertTrue(tail.headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"));
        assertTrue(tail.body().lines().anyMatch(l -> json(l).path("text").asString().equals("obs line of " + callId)),
                tail.body());
        String onlyThisCall = get("/system/functions/" + FUNCTION + "/logs?call=" + callId + "&since=300", bearer).body();
        assertEquals(1, onlyThisCall.lines().count(), onlyThisCall);

        JsonNode stats = json(get("/system/functions/" + FUNCTION + "/stats", bearer));
        assertTrue(stats.path("calls").asInt() >= 1, stats.toString());
        assertEquals(30, stats.path("buckets").size());
        assertTrue(stats.path("p50Ms").isNumber(), stats.toString());

        assertEquals(1, json(get("/system/functions/" + FUNCTION + "/invocations?status=2xx&outcome=ok&limit=1", bearer))
                .path("invocations").size());
    }

    @Test
    void followersAreCappedAndAClientThatLeftFreesItsPlace() throws Exception {
        try (Socket first = openFollow(); Socket second = openFollow()) {
            HttpResponse<String> third = get("/system/functions/" + FUNCTION + "/logs?follow=true", bearer);
            assertEquals(429, third.statusCode(), third.body());
            assertTrue(json(third).path("detail").asString().contains("faas.logs.max-followers"), third.body());
        }
        // the heartbeat lines are what reveal the closed clients (to the relay, then to the stream)
        try (Socket again = openFollow()) {
            assertNotNull(again);
        }
    }

    @Test
    void aFollowReceivesTheLineOfACallMadeAfterItStarted() throws Exception {
        try (Socket s = openFollow()) {
            String callId = "obs-follow-" + System.nanoTime();
            assertEquals(200, call(callId).statusCode());
            String expected = "obs line of " + callId;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            InputStream in = s.getInputStream();
            while (!seen.toString(StandardCharsets.UTF_8).contains(expected)) {
                if (System.nanoTime() > deadline) {
                    fail("no follow line for " + callId + "; got: " + seen.toString(StandardCharsets.UTF_8));
                }
                try {
                    int n = in.read(buf);
                    if (n < 0) {
                        fail("the follow stream ended; got: " + seen.toString(StandardCharsets.UTF_8));
                    }
                    seen.write(buf, 0, n);
                } catch (SocketTimeoutException e) {
                    // keep waiting
                }
            }
        }
    }

    /**
     * Opens {@code logs?follow=true&tail=0} on a raw socket and reads its head (200, NDJSON). Waits
     * while all follower places are taken: those of clients that closed are freed only after a
     * heartbeat or two.
     */
    private static Socket openFollow() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Socket s = new Socket("127.0.0.1", platform.port);
            String head = requestFollow(s);
            if (head.startsWith("HTTP/1.1 200")) {
                assertTrue(head.toLowerCase().contains("content-type: application/x-ndjson"), head);
                return s;
            }
            s.close();
            assertTrue(head.startsWith("HTTP/1.1 429") && System.nanoTime() < deadline, head);
            Thread.sleep(500);
        }
    }

    private static String requestFollow(Socket s) throws IOException {
        s.setSoTimeout(500);
        OutputStream out = s.getOutputStream();
        out.write(("GET /system/functions/" + FUNCTION + "/logs?follow=true&tail=0 HTTP/1.1\r\nHost: 127.0.0.1:" + platform.port
                + "\r\nAuthorization: " + bearer + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return readHead(s.getInputStream());
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!head.toString().endsWith("\r\n\r\n")) {
            if (System.nanoTime() > deadline) {
                fail("no response head: " + head);
            }
            try {
                int b = in.read();
                if (b < 0) {
                    fail("closed before the head: " + head);
                }
                head.append((char) b);
            } catch (SocketTimeoutException e) {
                // keep waiting
            }
        }
        return head.toString();
    }

    private static boolean listed(String callId) {
        try {
            HttpResponse<String> r = get("/system/functions/" + FUNCTION + "/invocations?limit=1000", bearer);
            assertEquals(200, r.statusCode(), r.body());
            for (JsonNode record : json(r).path("invocations")) {
                if (record.path("callId").asString().equals(callId)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static HttpResponse<String> call(String callId) throws Exception {
        return platform.http.send(HttpRequest.newBuilder(platform.uri("/api/" + FUNCTION)).timeout(Duration.ofSeconds(30))
                .header("X-Call-Id", callId).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(platform.uri(path)).timeout(Duration.ofSeconds(30)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return platform.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) {
        return json(r.body());
    }

    private static JsonNode json(String body) {
        return RunningPlatform.JSON.readTree(body);
    }

    private static void deploy() throws Exception {
        byte[] code;
        try (InputStream in = ObservabilityApiIT.class.getResourceAsStream("/obs/stderr-line.php")) {
            assertNotNull(in);
            code = in.readAllBytes();
        }
        Multipart upload = new Multipart().file("code", "stderr-line.php", code)
                .field("descriptor", RunningPlatform.JSON.writeValueAsString(Map.of("runtime", "php", "name", FUNCTION)));
        HttpResponse<String> deployed = platform.http.send(HttpRequest.newBuilder(platform.uri("/system/functions"))
                .timeout(Duration.ofSeconds(120)).header("Authorization", bearer).header("Content-Type", upload.contentType())
                .POST(upload.publisher()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, deployed.statusCode(), "deploy: " + deployed.body());
    }
}
