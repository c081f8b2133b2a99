package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.faasj.model.FunctionRuntime;
import org.faasj.worker.WorkerHarness.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker tells the gateway just before it writes a response, so a worker that dies earlier can still get the client a 502. */
class ResponseStartNoticeTest {

    @TempDir
    Path dir;
    WorkerHarness worker;

    @BeforeEach
    void start() throws IOException {
        worker = WorkerHarness.start(dir);
    }

    @AfterEach
    void stop() throws IOException {
        worker.close();
    }

    @Test
    void theNoticeForARequestArrivesBeforeItsCompletionAck() throws IOException {
        Path fn = worker.script("echo.py", "import sys\nprint(sys.stdin.read(), end='')\n");
        Exchange ex = worker.call(Frames.of(FunctionRuntime.PYTHON, fn).body("hi".getBytes(StandardCharsets.UTF_8)).build());
        assertEquals(200, ex.response().status());
        assertEquals(200, ex.ack().status());
        assertTrue(worker.responseStarts.contains(ex.ack().requestId()), "no notice for " + ex.ack().requestId());
    }
}
