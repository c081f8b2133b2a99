package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.faasj.model.CompletionAck;
import org.faasj.worker.WorkerHarness.Client;
import org.faasj.worker.WorkerHarness.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that announce a body and do not send it (issue 14, items 1 and 9): the worker answers
 * as soon as the function is done, cuts a silent client off after the body read timeout, never
 * answers 200 for a truncated body, and its body pumps all end.
 */
class BodyAbuseTest {

    @TempDir
    Path dir;
    WorkerHarness worker;

    @AfterEach
    void stop() throws IOException {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void aFunctionThatIgnoresItsBodyIsAnsweredAtOnceAndClosesTheConnection() throws Exception {
        // a body read timeout and a function timeout far beyond the client's 20 s read timeout:
        // only answering at the function's exit can pass
        worker = WorkerHarness.withBodyLimits(dir, 4, 60_000, 8 << 20);
        Path fn = worker.script("ignore.sh", "#!/bin/sh\necho '{\"ok\":true}'\n");
        try (Client client = worker.connect()) {
            client.handOff(Frames.native_(fn).timeoutMillis(60_000).announced(8_000_000, new byte[0]).build());
            Response response = client.readResponse();
            CompletionAck ack = worker.readAck();

            assertEquals(200, response.status());
            assertEquals("close", response.header("Connection"));
            assertFalse(ack.keepAlive(), "the body was not read: the connection must not be reused");
        }
        awaitNoPumps();
    }

    @Test
    void aClientSilentMidBodyGets408AndItsPumpEnds() throws Exception {
        worker = WorkerHarness.withBodyLimits(dir, 4, 300, 8 << 20);
        Path fn = worker.script("count.sh", "#!/bin/sh\nn=$(wc -c)\necho \"{\\\"n\\\":$n}\"\n");
        try (Client client = worker.connect()) {
            client.handOff(Frames.native_(fn).timeoutMillis(60_000).announced(100_000, new byte[10]).build());
            Response response = client.readResponse();
            CompletionAck ack = worker.readAck();

            assertEquals(408, response.status(), response.text());
            assertEquals("close", response.header("Connection"));
            assertFalse(ack.keepAlive());
        }
        awaitNoPumps();
    }

    @Test
    void aClientThatClosesMidBodyNeverGetsA200AndTheFunctionIsKilled() throws Exception {
        worker = WorkerHarness.withBodyLimits(dir, 4, 60_000, 8 << 20);
        Path marker = dir.resolve("finished");
        // counts its body, then would take 30 s: the 20 s client timeout only passes if it is killed
        Path fn = worker.script("count-slow.sh", "#!/bin/sh\nn=$(wc -c)\nsleep 30\ntouch " + marker
                + "\necho \"{\\\"n\\\":$n}\"\n");
        try (Client client = worker.connect()) {
            client.handOff(Frames.native_(fn).timeoutMillis(60_000).announced(100_000, new byte[10]).build());
            client.send(new byte[5_000]);
            client.socket.shutdownOutput();
            Response response = client.readResponse();
            CompletionAck ack = worker.readAck();

            assertEquals(400, response.status(), response.text());
            assertNotEquals(200, ack.status());
            assertFalse(ack.keepAlive());
        }
        awaitNoPumps();
        assertFalse(Files.exists(marker), "the function ran on after its body was cut");
    }

    @Test
    void aWholeStreamedBodyStillReachesTheFunctionAndKeepsTheConnection() throws Exception {
        worker = WorkerHarness.withBodyLimits(dir, 4, 5_000, 8 << 20);
        Path fn = worker.script("count.sh", "#!/bin/sh\nn=$(wc -c)\necho \"{\\\"n\\\":$n}\"\n");
        byte[] body = "x".repeat(300_000).getBytes(StandardCharsets.US_ASCII);
        WorkerHarness.Exchange ex = worker.call(Frames.native_(fn).body(body, 1_000).build(),
                java.util.Arrays.copyOfRange(body, 1_000, body.length));

        assertEquals(200, ex.response().status());
        assertEquals("{\"n\":300000}", ex.response().text().trim());
        assertEquals("keep-alive", ex.response().header("Connection"));
        awaitNoPumps();
    }

    private void awaitNoPumps() throws InterruptedException {
        Conditions.await(Duration.ofSeconds(15), () -> worker.pumpsBusy() == 0, "all body pumps ended");
    }
}
