package org.faasj.worker.exec.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.Network;
import org.faasj.worker.WasmModulesForTests;
import org.faasj.worker.exec.BodyPumps;
import org.faasj.worker.exec.CallTrace;
import org.faasj.worker.exec.ExecSettings;
import org.faasj.worker.exec.Invocation;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.exec.OutputBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pooled guest keeps its WASI trampolines from call to call, yet each call has a fresh WASI
 * context: the previous call's stdin, environment, closed descriptors and exit code do not show.
 */
class WasiPerCallTest {

    @TempDir
    Path dir;
    ScheduledExecutorService deadlines;
    WasmModules modules;
    WasmRunner runner;

    @BeforeEach
    void start() {
        deadlines = Executors.newSingleThreadScheduledExecutor();
        modules = new WasmModules(64L << 20);
        runner = new WasmRunner(new ExecSettings(dir, dir, "/usr/bin:/bin", 1 << 20, dir.resolve("prelude"), false),
                modules, new WasmMemoryBudget(64L << 20), deadlines, new BodyPumps(2, Thread::new));
    }

    @AfterEach
    void stop() {
        deadlines.shutdownNow();
    }

    @Test
    void aCallSeesNothingOfThePreviousCallsWasiState() throws Exception {
        Path module = percall();
        assertEquals("in=first q=a=1 clock=ok\n", stdout(call(module, "first", "a=1", 0, true)));
        assertEquals("in=spoil q=b=2 clock=ok\n", stdout(call(module, "spoil", "b=2", 7, false)));
        Outcome after = call(module, "after", "", 0, false);
        assertEquals("in=after q= clock=ok\n", stdout(after),
                "its own stdin and environment, descriptors 0-2 open again and exit code 0");
        assertEquals(1, modules.get(module, "fn", 1).instances().idleCount(), "one guest served every call");
    }

    private Path percall() throws Exception {
        Path source = dir.resolve("percall.c");
        try (InputStream in = WasiPerCallTest.class.getResourceAsStream("/wasm/percall.c")) {
            Files.copy(in, source);
        }
        return WasmModulesForTests.fromC(source, dir, "percall");
    }

    private Outcome call(Path module, String body, String query, int exitCode, boolean cold) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HandoffFrame frame = new HandoffFrame(1, true, "fn", 1, FunctionRuntime.WASM, module.toString(), "main", 64,
                10_000, 64, 64, Network.OUTBOUND, Map.of(), "POST", "/p", query, List.of(), bytes.length, bytes);
        CallTrace trace = new CallTrace(0);
        Outcome outcome = runner.run(new Invocation(frame, new WasmInstancePoolTest.InMemoryBody(bytes),
                OutputBudget.UNLIMITED.open(), trace));
        assertEquals(exitCode, assertInstanceOf(Outcome.Exited.class, outcome).exitCode(), outcome::toString);
        assertEquals(cold, trace.coldStart(), "cold start");
        return outcome;
    }

    private static String stdout(Outcome outcome) {
        Outcome.Exited exited = assertInstanceOf(Outcome.Exited.class, outcome);
        return new String(exited.stdout(), 0, exited.stdoutLength(), StandardCharsets.UTF_8);
    }
}
