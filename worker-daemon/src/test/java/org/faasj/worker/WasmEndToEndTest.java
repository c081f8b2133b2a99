package org.faasj.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.faasj.model.FunctionRuntime;
import org.faasj.worker.WorkerHarness.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WASM functions in a real worker over real TCP with descriptor hand-off. The worker has a single
 * pool thread, so every "then it still answers" check runs on the very thread the runaway guest had.
 */
class WasmEndToEndTest {

    private static final byte[] ALICE = "{\"name\":\"Alice\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    WorkerHarness worker;

    @BeforeEach
    void start() throws IOException {
        // the guests' stderr is what some tests look at: let it into the 500s
        worker = WorkerHarness.exposingStderr(dir, 1, 4, 64 * 1024);
    }

    @AfterEach
    void stop() throws IOException {
        worker.close();
    }

    private Path wat(String name) throws Exception {
        return WasmModulesForTests.fromWat(name, dir);
    }

    private Path hello() throws Exception {
        return WasmModulesForTests.fromC(Path.of("../examples/wasm/hello.c").toAbsolutePath(), dir, "hello");
    }

    /** The worker still answers, on its only thread, with a fresh guest's output. */
    private void assertStillServes() throws Exception {
        Exchange ex = worker.call(Frames.of(FunctionRuntime.WASM, wat("counter")).build());
        assertEquals(200, ex.response().status(), ex.response().text());
        assertEquals("11", WorkerEndToEndTest.resultString(ex.response().text()));
    }

    @Test
    void cHelloReadsJsonOnStdinAndSeesTheCgiEnvironment() throws Exception {
        Path hello = hello();

        Exchange post = worker.call(Frames.of(FunctionRuntime.WASM, hello).body(ALICE).build());
        assertEquals(200, post.response().status(), post.response().text());
        assertEquals("application/json", post.response().header("Content-Type"));
        assertEquals("{\"message\":\"Hello, Alice\",\"runtime\":\"wasm\",\"method\":\"POST\",\"path\":\"/api/test\","
                + "\"function\":\"test-fn\"}\n", post.response().text());
        assertTrue(post.ack().keepAlive());

        Exchange get = worker.call(Frames.of(FunctionRuntime.WASM, hello).get("/python", "name=Bob").build());
        assertEquals(200, get.response().status(), get.response().text());
        assertTrue(get.response().text().startsWith("{\"message\":\"Hello, Bob\",\"runtime\":\"wasm\",\"method\":\"GET\","
                + "\"path\":\"/python\""), get.response().text());
    }

    @Test
    void everyCallGetsAFreshInstance() throws Exception {
        Path counter = wat("counter");
        for (int i = 0; i < 3; i++) {
            Exchange ex = worker.call(Frames.of(FunctionRuntime.WASM, counter).build());
            assertEquals("11", WorkerEndToEndTest.resultString(ex.response().text()));
        }
    }

    @Test
    void procExitNonZeroIsA500WithExitCodeAndStderr() throws Exception {
        Exchange ex = worker.call(Frames.of(FunctionRuntime.WASM, wat("fail")).build());

        assertEquals(500, ex.response().status());
        String body = ex.response().text();
        assertTrue(body.contains("\"exitCode\":3"), body);
        assertTrue(body.contains("\"stderr\":\"something broke\\n\""), body);
    }

    @Test
    void endlessLoopIsStoppedAt504AndTheSameThreadServesOn() throws Exception {
        long started = System.nanoTime();
        Exchange ex = worker.call(Frames.of(FunctionRuntime.WASM, wat("spin")).timeoutMillis(300).build());
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertEquals(504, ex.response().status(), ex.response().text());
        assertTrue(tookMillis < 3000, "took " + tookMillis + " ms");
        assertStillServes();
    }

    @Test
    void guestBlockedOnAnUnsentBodyIsStoppedAt504() throws Exception {
        byte[] body = new byte[200_000];
        Arrays.fill(body, (byte) 'x');
        try (WorkerHarness.Client client = worker.connect()) {
            // the client promises 200 kB but never sends past the prefix: the guest waits in fd_read
            client.handOff(Frames.of(FunctionRuntime.WASM, wat("cat")).timeoutMillis(300).body(body, 10).build());
            WorkerHarness.Response response = client.readResponse();
            assertEquals(504, response.status(), response.text());
            assertFalse(worker.readAck().keepAlive());
        }
        assertStillServes();
    }

    @Test
    void unboundedRecursionTrapsWith500AndTheWorkerServesOn() throws Exception {
        Exchange ex = worker.call(Frames.of(FunctionRuntime.WASM, wat("recurse")).build());

        assertEquals(500, ex.response().status(), ex.response().text());
        assertTrue(ex.response().text().contains("\"title\":\"Function trapped\""), ex.response().text());
        assertTrue(ex.response().text().contains("call stack exhausted"), ex.response().text());
        assertStillServes();
    }

    @Test
    void memoryGrowthStopsAtTheDescriptorLimit() throws Exception {
        Exchange ex = worker.call(Frames.of(FunctionRuntime.WASM, wat("grow")).memoryMb(4).build());

        // 1 initial page + 16-page steps until the next would pass 4 MB = 64 pages: 49 pages
        assertEquals(500, ex.response().status(), ex.response().text());
        assertTrue(ex.response().text().contains("\"exitCode\":7"), ex.response().text());
        assertTrue(ex.response().text().contains("\"stderr\":\"49\""), ex.response().text());
        assertStillServes();
    }

    @Test
    void outOfBoundsAccessTrapsWith500() throws Exception {
        Exchange ex = worker.call(Frames.of(FunctionRuntime.WASM, wat("trap")).build());

        assertEquals(500, ex.response().status());
        assertTrue(ex.response().text().contains("out of bounds memory access"), ex.response().text());
    }

    @Test
    void moduleWithoutStartOrNotWasmIsA500Naming() throws Exception {
        Exchange library = worker.call(Frames.of(FunctionRuntime.WASM, wat("nostart")).build());
        assertEquals(500, library.response().status());
        assertTrue(library.response().text().contains("not a WASI command"), library.response().text());

        Path garbage = worker.script("garbage.wasm", "#!/bin/sh\necho not wasm\n");
        Exchange bad = worker.call(Frames.of(FunctionRuntime.WASM, garbage).build());
        assertEquals(500, bad.response().status());
        assertTrue(bad.response().text().contains("not a valid wasm module"), bad.response().text());
    }

    @Test
    void largeBodyIsStreamedThroughAPipeAndEchoed() throws Exception {
        byte[] body = new byte[40_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        Exchange ex = worker.call(Frames.of(FunctionRuntime.WASM, wat("cat")).body(body, 1000).build(),
                Arrays.copyOfRange(body, 1000, body.length));

        assertEquals(200, ex.response().status(), ex.response().text());
        assertEquals(new String(body, StandardCharsets.US_ASCII), WorkerEndToEndTest.resultString(ex.response().text()));
        assertTrue(ex.ack().keepAlive());
    }

    @Test
    void outputOverTheCapIsA502() throws Exception {
        byte[] body = new byte[100_000];
        Arrays.fill(body, (byte) 'y');
        Exchange ex = worker.call(Frames.of(FunctionRuntime.WASM, wat("cat")).body(body, 0).build(), body);

        assertEquals(502, ex.response().status(), ex.response().text());
        assertStillServes();
    }
}
