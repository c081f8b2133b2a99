package org.faasj.controlplane.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/** Issue 14 item 8 against the packaged jar: chunked request bodies on function routes. */
class ChunkedBodyIT {

    static final int MAX_BODY = 512 * 1024;

    @TempDir
    static Path tmp;
    static RunningPlatform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = RunningPlatform.start(tmp.resolve("data"), "--faas.gateway.max-body-size=" + MAX_BODY + "B");
        AbuseSupport.deploy(platform, "body-length.c", "c", "chunked-length");
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    /** The hash body-length.c computes, for comparing what the function saw. */
    static long hash(byte[] body) {
        long sum = 0;
        for (byte b : body) {
            sum = sum * 31 + (b & 0xFF);
        }
        return sum;
    }

    @Test
    void aStreamedBodyOfUnknownLengthReachesTheFunctionDecodedWithItsLength() throws Exception {
        byte[] body = new byte[300_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 7);
        }
        // an InputStream publisher has no length: the JDK client sends it chunked, as curl -T - does
        HttpResponse<String> r = platform.http.send(HttpRequest.newBuilder(platform.uri("/api/chunked-length"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = RunningPlatform.JSON.readTree(r.body());
        assertEquals(300_000, answer.path("n").asLong(), r.body());
        assertEquals("300000", answer.path("contentLength").asString());
        assertEquals(Long.toUnsignedString(hash(body)), answer.path("hash").toString());
    }

    @Test
    void curlUploadingFromStdinIsAnsweredWithTheDecodedLength() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/bin/curl").canExecute(), "curl is not installed");
        byte[] body = new byte[200_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        // -T - reads stdin to its end: curl sends it chunked, with Expect: 100-continue
        Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "30", "-X", "POST", "-T", "-",
                "http://127.0.0.1:" + platform.port + "/api/chunked-length").redirectErrorStream(true).start();
        try (var stdin = curl.getOutputStream()) {
            stdin.write(body);
        }
        String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, curl.waitFor(), out);
        JsonNode answer = RunningPlatform.JSON.readTree(out);
        assertEquals(200_000, answer.path("n").asLong(), out);
        assertEquals("200000", answer.path("contentLength").asString(), out);
        assertEquals(Long.toUnsignedString(hash(body)), answer.path("hash").toString());
    }

    @Test
    void keepAliveAfterAChunkedBodyServesTheNextRequest() throws Exception {
        try (Socket s = AbuseSupport.open(platform, Duration.ofSeconds(30))) {
            AbuseSupport.send(s, "POST /api/chunked-length HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n");
            String first = readOneResponse(s);
            assertEquals(200, AbuseSupport.status(first), first);
            assertTrue(first.contains("{\"n\":11,\"contentLength\":\"11\""), first);
            assertTrue(first.contains("Connection: keep-alive"), first);

            AbuseSupport.send(s, "POST /api/chunked-length HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                    + "Connection: close\r\n\r\nabc");
            String second = AbuseSupport.readToEnd(s);
            assertEquals(200, AbuseSupport.status(second), second);
            assertTrue(second.contains("{\"n\":3,\"contentLength\":\"3\""), second);
        }
    }

    @Test
    void malformedChunksAre400() throws Exception {
        try (Socket s = AbuseSupport.open(platform, Duration.ofSeconds(30))) {
            AbuseSupport.send(s, "POST /api/chunked-length HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\nnot-hex\r\n\r\n");
            String answer = AbuseSupport.readToEnd(s);
            assertEquals(400, AbuseSupport.status(answer), answer);
            assertTrue(answer.contains("application/problem+json"), answer);
        }
    }

    @Test
    void aChunkedBodyOverTheCapIs413() throws Exception {
        try (Socket s = AbuseSupport.open(platform, Duration.ofSeconds(30))) {
            AbuseSupport.send(s, "POST /api/chunked-length HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(MAX_BODY + 1) + "\r\n");
            String answer = AbuseSupport.readToEnd(s);
            assertEquals(413, AbuseSupport.status(answer), answer);
            assertTrue(answer.contains("\"status\":413"), answer);
        }
    }

    @Test
    void aChunkedBodyCutShortNeverRunsTheFunction() throws Exception {
        try (Socket s = AbuseSupport.open(platform, Duration.ofSeconds(30))) {
            AbuseSupport.send(s, "POST /api/chunked-length HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "100\r\nonly a few bytes");
            s.shutdownOutput();
            String answer = AbuseSupport.readToEnd(s);
            assertEquals(400, AbuseSupport.status(answer), answer);
            assertTrue(!answer.contains("\"n\":"), answer);
        }
    }

    /** One response with a Content-Length, read byte by byte so nothing after it is taken. */
    private static String readOneResponse(Socket s) throws Exception {
        StringBuilder head = new StringBuilder();
        var in = s.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed mid-head: " + head);
            }
            head.append((char) b);
        }
        int at = head.indexOf("Content-Length: ") + 16;
        int length = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
        return head + new String(in.readNBytes(length), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
