package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.faasj.model.CompletionAck;
import org.faasj.worker.WorkerHarness.Client;
import org.faasj.worker.WorkerHarness.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunked request bodies (issue 14, item 8): decoded by the worker before the function starts. */
class ChunkedBodyTest {

    private static final long MAX_BODY = 1 << 20;

    @TempDir
    Path dir;
    WorkerHarness worker;
    Path count;
    Path marker;

    @BeforeEach
    void start() throws IOException {
        worker = WorkerHarness.withBodyLimits(dir, 4, 2_000, MAX_BODY);
        marker = dir.resolve("ran");
        count = worker.script("count.sh", "#!/bin/sh\ntouch " + marker + "\nn=$(wc -c)\n"
                + "echo \"{\\\"n\\\":$n,\\\"cl\\\":$CONTENT_LENGTH,\\\"te\\\":\\\"$HTTP_TRANSFER_ENCODING\\\"}\"\n");
    }

    @AfterEach
    void stop() throws IOException {
        worker.close();
    }

    /** {@code body} in chunks of {@code size} bytes, with an extension on the first and a trailer. */
    static byte[] chunked(byte[] body, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += size) {
            int n = Math.min(size, body.length - at);
            out.writeBytes((Integer.toHexString(n) + (at == 0 ? ";ext=1" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\nX-Trailer: ignored\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] letters(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    @Test
    void aLargeChunkedBodyReachesTheFunctionDecodedWithItsLengthAndTheConnectionServesTheNextRequest() throws Exception {
        byte[] body = letters(300_000);
        byte[] encoded = chunked(body, 16_000);
        byte[] next = "second".getBytes(StandardCharsets.US_ASCII);
        try (Client client = worker.connect()) {
            client.handOff(Frames.native_(count).chunked(Arrays.copyOf(encoded, 5_000)).build());
            // the rest of the chunks and, right behind them, the next request's body
            byte[] rest = new byte[encoded.length - 5_000 + next.length];
            System.arraycopy(encoded, 5_000, rest, 0, encoded.length - 5_000);
            System.arraycopy(next, 0, rest, encoded.length - 5_000, next.length);
            client.send(rest);
            Response first = client.readResponse();
            CompletionAck ack = worker.readAck();

            assertEquals(200, first.status(), first.text());
            assertEquals("{\"n\":300000,\"cl\":300000,\"te\":\"\"}", first.text().trim());
            assertTrue(ack.keepAlive(), "the whole body was read and nothing more");

            client.handOff(Frames.native_(count).body(next, 0).build());
            Response second = client.readResponse();
            worker.readAck();
            assertEquals("{\"n\":6,\"cl\":6,\"te\":\"\"}", second.text().trim());
        }
        assertSpoolEmpty();
    }

    @Test
    void aSmallChunkedBodyWhollyInTheFrame() throws Exception {
        WorkerHarness.Exchange ex = worker.call(Frames.native_(count).chunked(chunked(letters(10), 3)).build());

        assertEquals(200, ex.response().status());
        assertEquals("{\"n\":10,\"cl\":10,\"te\":\"\"}", ex.response().text().trim());
        assertTrue(ex.ack().keepAlive());
    }

    @Test
    void bytesPastTheLastChunkInTheFrameCloseTheConnectionAfterTheAnswer() throws Exception {
        byte[] withNext = (new String(chunked(letters(10), 5), StandardCharsets.US_ASCII) + "GET / HTTP/1.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        WorkerHarness.Exchange ex = worker.call(Frames.native_(count).chunked(withNext).build());

        assertEquals(200, ex.response().status());
        assertEquals("close", ex.response().header("Connection"));
        assertFalse(ex.ack().keepAlive(), "the gateway no longer has the next request's bytes");
    }

    @Test
    void malformedChunksAre400AndTheFunctionNeverRuns() throws Exception {
        WorkerHarness.Exchange ex = worker.call(Frames.native_(count)
                .chunked("5\r\nhello\r\nzz\r\n".getBytes(StandardCharsets.US_ASCII)).build());

        assertEquals(400, ex.response().status(), ex.response().text());
        assertEquals("close", ex.response().header("Connection"));
        assertFalse(ex.ack().keepAlive());
        assertFalse(Files.exists(marker), "the function ran on a malformed body");
    }

    @Test
    void aBodyOverTheCapIs413AndTheFunctionNeverRuns() throws Exception {
        byte[] encoded = chunked(letters((int) MAX_BODY + 1), 64_000);
        try (Client client = worker.connect()) {
            client.handOff(Frames.native_(count).chunked(new byte[0]).build());
            try {
                client.send(encoded);
            } catch (IOException closedEarly) {
                // the worker may stop reading at the cap and close while we are still writing
            }
            Response response = client.readResponse();
            CompletionAck ack = worker.readAck();
            assertEquals(413, response.status(), response.text());
            assertFalse(ack.keepAlive());
        }
        assertFalse(Files.exists(marker), "the function ran on an oversized body");
        assertSpoolEmpty();
    }

    @Test
    void aClientThatStopsMidChunkGets400AndTheFunctionNeverRuns() throws Exception {
        byte[] encoded = chunked(letters(200_000), 50_000);
        try (Client client = worker.connect()) {
            client.handOff(Frames.native_(count).chunked(new byte[0]).build());
            client.send(Arrays.copyOf(encoded, 120_000));
            client.socket.shutdownOutput();
            Response response = client.readResponse();
            CompletionAck ack = worker.readAck();
            assertEquals(400, response.status(), response.text());
            assertFalse(ack.keepAlive());
        }
        assertFalse(Files.exists(marker), "the function ran on a truncated body");
        assertSpoolEmpty();
    }

    @Test
    void aClientSilentMidChunkGets408() throws Exception {
        try (Client client = worker.connect()) {
            client.handOff(Frames.native_(count).chunked("a\r\nabc".getBytes(StandardCharsets.US_ASCII)).build());
            Response response = client.readResponse();
            worker.readAck();
            assertEquals(408, response.status(), response.text());
        }
        assertFalse(Files.exists(marker));
    }

    private void assertSpoolEmpty() throws IOException {
        Path spool = worker.config.scratch().resolve("bodies");
        if (Files.isDirectory(spool)) {
            try (Stream<Path> files = Files.list(spool)) {
                assertEquals(0, files.count(), "spool files left behind");
            }
        }
    }
}
