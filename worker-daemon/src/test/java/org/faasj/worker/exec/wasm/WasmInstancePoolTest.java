package org.faasj.worker.exec.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.Network;
import org.faasj.worker.WasmModulesForTests;
import org.faasj.worker.exec.BodyPumps;
import org.faasj.worker.exec.BodySource;
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
 * Reused WASM instances through the real {@link WasmRunner}: every call sees a just-instantiated
 * guest (globals, memory, tables, WASI), and only guests whose call ended normally are kept.
 */
class WasmInstancePoolTest {

    @TempDir
    Path dir;
    ScheduledExecutorService deadlines;
    WasmModules modules;
    WasmMemoryBudget budget;
    WasmRunner runner;

    @BeforeEach
    void start() {
        deadlines = Executors.newSingleThreadScheduledExecutor();
        modules = new WasmModules(64L << 20);
        budget = new WasmMemoryBudget(64L << 20);
        runner = new WasmRunner(new ExecSettings(dir, dir, "/usr/bin:/bin", 1 << 20, dir.resolve("prelude"), false),
                modules, budget, deadlines, new BodyPumps(2, Thread::new));
    }

    @AfterEach
    void stop() {
        deadlines.shutdownNow();
    }

    private record Call(Outcome outcome, CallTrace trace) {
        String stdout() {
            Outcome.Exited exited = assertInstanceOf(Outcome.Exited.class, outcome);
            return new String(exited.stdout(), 0, exited.stdoutLength(), StandardCharsets.UTF_8);
        }

        int exitCode() {
            return assertInstanceOf(Outcome.Exited.class, outcome).exitCode();
        }
    }

    private Call call(Path module, String body, int memoryMb, int timeoutMillis) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HandoffFrame frame = new HandoffFrame(1, true, "fn", 1, FunctionRuntime.WASM, module.toString(), "main", memoryMb,
                timeoutMillis, 64, 64, Network.OUTBOUND, Map.of(), "POST", "/p", "", List.of(), bytes.length, bytes);
        CallTrace trace = new CallTrace(0);
        return new Call(runner.run(new Invocation(frame, new InMemoryBody(bytes), OutputBudget.UNLIMITED.open(), trace)),
                trace);
    }

    private Call call(Path module) {
        return call(module, "", 64, 10_000);
    }

    private WasmInstancePool pool(Path module) throws Exception {
        return modules.get(module, "fn", 1).instances();
    }

    @Test
    void aReusedInstanceStartsFromTheInitialGlobalsAndMemory() throws Exception {
        Path counter = WasmModulesForTests.fromWat("counter", dir);
        Call first = call(counter);
        assertEquals("11", first.stdout());
        assertTrue(first.trace().coldStart(), "the first call instantiates");
        for (int i = 0; i < 5; i++) {
            Call again = call(counter);
            assertEquals("11", again.stdout(), "a counter in a global and in memory starts at 0 on every call");
            assertFalse(again.trace().coldStart(), "later calls reuse the instance");
        }
        assertEquals(1, pool(counter).idleCount());
    }

    @Test
    void aGuestThatExitedIsResetLikeOneThatReturned() throws Exception {
        Path counter = WasmModulesForTests.fromWat("exitcounter", dir);
        for (int i = 0; i < 3; i++) {
            Call call = call(counter);
            assertEquals("11", call.stdout());
            assertEquals(5, call.exitCode());
        }
        assertEquals(1, pool(counter).idleCount());
    }

    @Test
    void tableEntriesAreResetToo() throws Exception {
        Path tables = WasmModulesForTests.fromWat("tables", dir);
        for (int i = 0; i < 3; i++) {
            assertEquals("1", call(tables).stdout());
        }
        assertEquals(1, pool(tables).idleCount());
    }

    @Test
    void everyCallGetsItsOwnStdin() throws Exception {
        Path cat = WasmModulesForTests.fromWat("cat", dir);
        assertEquals("first body", call(cat, "first body", 64, 10_000).stdout());
        assertEquals("2nd", call(cat, "2nd", 64, 10_000).stdout());
        assertEquals("", call(cat, "", 64, 10_000).stdout());
    }

    @Test
    void stdinLargerThanOneReadChunkArrivesWhole() throws Exception {
        Path cat = WasmModulesForTests.fromWat("cat", dir);
        String body = "0123456789abcdef".repeat(WasmGuest.STDIN_CHUNK_BYTES / 16 * 5 + 3);
        assertEquals(body, call(cat, body, 64, 10_000).stdout());
        assertEquals(body, call(cat, body, 64, 10_000).stdout());
    }

    @Test
    void aGuestThatClosedItsStdinCannotReadItAnyMore() throws Exception {
        Path closed = WasmModulesForTests.fromWat("closedstdin", dir);
        assertEquals("8", call(closed, "body", 64, 10_000).stdout(), "EBADF");
        assertEquals("8", call(closed, "body", 64, 10_000).stdout(), "and again on a reused instance");
    }

    @Test
    void aModuleWithAStartSectionGetsANewInstancePerCall() throws Exception {
        Path started = WasmModulesForTests.fromWat("started", dir);
        for (int i = 0; i < 3; i++) {
            Call call = call(started);
            assertEquals("1", call.stdout());
            assertTrue(call.trace().coldStart());
        }
        assertNotNull(pool(started).whyNot());
        assertEquals(0, pool(started).idleCount());
        assertEquals(0, budget.usedBytes(), "nothing idle, nothing charged");
    }

    @Test
    void trappedTimedOutAndGrownGuestsAreDiscarded() throws Exception {
        Path trap = WasmModulesForTests.fromWat("trap", dir);
        assertInstanceOf(Outcome.Trapped.class, call(trap).outcome());
        assertInstanceOf(Outcome.Trapped.class, call(trap).outcome());
        assertEquals(0, pool(trap).idleCount());

        Path spin = WasmModulesForTests.fromWat("spin", dir);
        assertInstanceOf(Outcome.TimedOut.class, call(spin, "", 64, 200).outcome());
        assertEquals(0, pool(spin).idleCount());

        Path grow = WasmModulesForTests.fromWat("grow", dir);
        assertEquals(7, call(grow, "", 2, 10_000).exitCode());
        assertEquals(0, pool(grow).idleCount(), "its memory grew: a reset cannot shrink it");
        assertEquals(0, budget.usedBytes(), "every discarded guest gave its memory back");
    }

    @Test
    void idleGuestsKeepTheirMemoryChargedUntilTheirVersionIsReplaced() throws Exception {
        Path counter = WasmModulesForTests.fromWat("counter", dir);
        call(counter);
        WasmInstancePool old = pool(counter);
        assertEquals(1, old.idleCount());
        assertEquals(64 * 1024, budget.usedBytes(), "the idle guest's one page");

        Files.setLastModifiedTime(counter, FileTime.fromMillis(Files.getLastModifiedTime(counter).toMillis() + 5000));
        Call afterRedeploy = call(counter);
        assertEquals("11", afterRedeploy.stdout());
        assertTrue(afterRedeploy.trace().coldStart(), "the new version gets a new instance");
        assertEquals(0, old.idleCount(), "the old version's guests went with it");
        assertEquals(1, pool(counter).idleCount());
        assertEquals(64 * 1024, budget.usedBytes());
    }

    @Test
    void aGuestBuiltForOtherMemoryLimitsIsNotReused() throws Exception {
        Path counter = WasmModulesForTests.fromWat("counter", dir);
        call(counter, "", 64, 10_000);
        Call smaller = call(counter, "", 2, 10_000);
        assertTrue(smaller.trace().coldStart());
        assertEquals("11", smaller.stdout());
        assertEquals(1, pool(counter).idleCount());
    }

    @Test
    void aPoolKeepsAtMostMaxIdleGuestsAndNoneOnceClosed() throws Exception {
        Path counter = WasmModulesForTests.fromWat("counter", dir);
        WasmModules.Compiled compiled = modules.get(counter, "fn", 1);
        WasmInstancePool pool = compiled.instances();
        MemoryLimits limits = WasmRunner.memoryLimits(compiled.module(), 64);
        WasiPreview1 wasi = WasiPreview1.builder().withOptions(WasiOptions.builder().build()).build();
        WasmGuest[] guests = new WasmGuest[WasmInstancePool.MAX_IDLE + 2];
        for (int i = 0; i < guests.length; i++) {
            guests[i] = pool.create(compiled, limits, budget, wasi);
        }
        for (WasmGuest guest : guests) {
            pool.giveBack(guest);
        }
        assertEquals(WasmInstancePool.MAX_IDLE, pool.idleCount());
        assertEquals(WasmInstancePool.MAX_IDLE * 64 * 1024L, budget.usedBytes());
        WasmGuest taken = pool.take(limits);
        assertSame(guests[WasmInstancePool.MAX_IDLE - 1], taken, "the newest idle guest first (the last two were not kept)");

        pool.close();
        assertEquals(0, pool.idleCount());
        pool.giveBack(taken);
        assertEquals(0, pool.idleCount(), "a closed pool keeps nothing");
        assertEquals(0, budget.usedBytes());
        assertNull(pool.take(limits));
    }

    /** The whole body in memory. */
    record InMemoryBody(byte[] bytes) implements BodySource {
        @Override
        public byte[] inMemory(int maxBytes) {
            return bytes;
        }

        @Override
        public Runnable copyTask(OutputStream sink, Runnable onCut) {
            throw new UnsupportedOperationException("the body is in memory");
        }

        @Override
        public boolean fullyConsumed() {
            return true;
        }

        @Override
        public Cut cut() {
            return null;
        }

        @Override
        public void abandon() {
        }
    }
}
