package org.faasj.worker.exec.wasm;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.Network;
import org.faasj.worker.exec.BodyPumps;
import org.faasj.worker.exec.BodySource;
import org.faasj.worker.exec.CgiEnvironment;
import org.faasj.worker.exec.ExecSettings;
import org.faasj.worker.exec.Invocation;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.exec.OutputBudget;

/**
 * Where one WASM call's time goes inside the worker, phase by phase, for a fresh instance per call
 * (the old path, rebuilt here step by step) and for a reset pooled instance (the path
 * {@link WasmRunner} takes now), plus the whole {@link WasmRunner#run} of the new path. Not a test:
 * run it by hand with the worker's JVM flags (docs/ARCHITECTURE.md, WASM, has the numbers):
 *
 * <pre>
 * java -Xms16m -Xmx128m -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.05 \
 *   -cp worker-daemon/target/test-classes:worker-daemon/target/classes:$(cat cp.txt) \
 *   org.faasj.worker.exec.wasm.WasmCallBreakdown hello.wasm [calls]
 * </pre>
 */
public final class WasmCallBreakdown {

    private static final byte[] BODY = "{\"name\":\"Alice\"}".getBytes(StandardCharsets.UTF_8);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private WasmCallBreakdown() {
    }

    public static void main(String[] args) throws Exception {
        Path module = Path.of(args[0]);
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        WasmModules.Compiled compiled = WasmModules.compile(module, new WasmInstancePool.Allowance(64L << 20));
        System.out.printf(Locale.ROOT, "%s: compiled in %.1f ms, pooled: %s%n", module.getFileName(),
                compiled.compileNanos() / 1e6, compiled.instances().enabled() ? "yes" : compiled.instances().whyNot());
        HandoffFrame frame = frame(module);
        Path scratch = Files.createTempDirectory("wasm-breakdown");
        ExecSettings settings = new ExecSettings(scratch, scratch, "/usr/bin:/bin", 6 << 20, scratch.resolve("p"), false);
        MemoryLimits limits = WasmRunner.memoryLimits(compiled.module(), frame.memoryMb());
        WasmMemoryBudget budget = new WasmMemoryBudget(48L << 20);

        for (int round = 0; round < 2; round++) { // the first round warms up C1
            boolean report = round == 1;
            fresh(compiled, frame, settings, limits, budget, calls, report);
            pooled(compiled, frame, settings, limits, budget, calls, report);
            whole(compiled, frame, settings, budget, module, calls, report);
        }
    }

    /** The old path: WASI, imports, a new instance (memory, data, machine), _start. */
    private static void fresh(WasmModules.Compiled compiled, HandoffFrame frame, ExecSettings settings,
                              MemoryLimits limits, WasmMemoryBudget budget, int calls, boolean report) {
        Phases phases = new Phases("fresh instance per call", calls,
                "wasi context", "imports", "instance", "_start", "total");
        for (int i = 0; i < calls; i++) {
            long alloc = THREADS.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            WasiPreview1 wasi = wasi(frame, settings, new ByteArrayInputStream(BODY));
            long t1 = System.nanoTime();
            ImportValues imports = ImportValues.builder().addFunction(wasi.toHostFunctions()).build();
            long t2 = System.nanoTime();
            try (WasmMemoryBudget.Lease lease = budget.lease()) {
                Instance instance = Instance.builder(compiled.module()).withImportValues(imports)
                        .withMachineFactory(compiled.machines()).withStart(false)
                        .withMemoryLimits(limits).withMemoryFactory(l ->
                                new ByteArrayMemory(l, lease.strategy(Memory.bytes(l.maximumPages())))).build();
                long t3 = System.nanoTime();
                exit(() -> instance.export(Instance.START_FUNCTION_NAME).apply());
                long t4 = System.nanoTime();
                wasi.close();
                phases.add(i, THREADS.getCurrentThreadAllocatedBytes() - alloc, t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0);
            }
        }
        phases.print(report);
    }

    /** The new path, step by step: WASI, reset of an idle instance (its WASI trampolines stay bound), _start. */
    private static void pooled(WasmModules.Compiled compiled, HandoffFrame frame, ExecSettings settings,
                               MemoryLimits limits, WasmMemoryBudget budget, int calls, boolean report) {
        Phases phases = new Phases("reset pooled instance", calls,
                "wasi context", "reset", "_start", "total");
        WasmGuest guest = null;
        for (int i = 0; i < calls; i++) {
            long alloc = THREADS.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            ByteArrayInputStream stdin = new ByteArrayInputStream(BODY);
            WasiPreview1 wasi = wasi(frame, settings, stdin);
            long t1 = System.nanoTime();
            if (guest == null) {
                guest = compiled.instances().create(compiled, limits, budget, wasi);
            } else {
                compiled.instances().giveBack(guest);
                guest = compiled.instances().take(limits);
            }
            long t2 = System.nanoTime();
            WasmGuest running = guest;
            exit(() -> running.start(wasi, stdin));
            long t3 = System.nanoTime();
            wasi.close();
            phases.add(i, THREADS.getCurrentThreadAllocatedBytes() - alloc, t1 - t0, t2 - t1, t3 - t2, t3 - t0);
        }
        compiled.instances().giveBack(guest);
        phases.print(report);
    }

    /** {@link WasmRunner#run} as the worker calls it (deadline, output buffers, pool). */
    private static void whole(WasmModules.Compiled compiled, HandoffFrame frame, ExecSettings settings,
                              WasmMemoryBudget budget, Path module, int calls, boolean report) throws Exception {
        ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor();
        WasmModules modules = new WasmModules(64L << 20);
        WasmRunner runner = new WasmRunner(settings, modules, budget, deadlines, new BodyPumps(2, Thread::new));
        Phases phases = new Phases("WasmRunner.run, pooled", calls, "total");
        for (int i = 0; i < calls; i++) {
            long alloc = THREADS.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            Outcome outcome = runner.run(new Invocation(frame, new Body()));
            long t1 = System.nanoTime();
            if (!(outcome instanceof Outcome.Exited exited) || exited.exitCode() != 0) {
                throw new IllegalStateException("call " + i + ": " + outcome);
            }
            phases.add(i, THREADS.getCurrentThreadAllocatedBytes() - alloc, t1 - t0);
        }
        deadlines.shutdownNow();
        phases.print(report);
    }

    private static WasiPreview1 wasi(HandoffFrame frame, ExecSettings settings, ByteArrayInputStream stdin) {
        WasiOptions.Builder options = WasiOptions.builder()
                .withStdin(stdin)
                .withStdout(GuestOutput.capped(settings.outputCap(), OutputBudget.UNLIMITED.open()))
                .withStderr(GuestOutput.tail(2048, 0))
                .withArguments(List.of(frame.functionName()));
        CgiEnvironment.build(frame, settings.functionPath(), settings.workDir()).forEach(options::withEnvironment);
        return WasiPreview1.builder().withOptions(options.build()).build();
    }

    private static void exit(Runnable start) {
        try {
            start.run();
        } catch (WasiExitException exit) {
            if (exit.exitCode() != 0) {
                throw exit;
            }
        }
    }

    private static HandoffFrame frame(Path module) {
        return new HandoffFrame(1, true, "hello", 1, FunctionRuntime.WASM, module.toString(), "main", 64, 10_000, 64, 64,
                Network.OUTBOUND, Map.of(), "POST", "/hello", "", List.of(), BODY.length, BODY);
    }

    /** The body, all of it in the frame's prefix. */
    private static final class Body implements BodySource {
        @Override
        public byte[] inMemory(int maxBytes) {
            return BODY;
        }

        @Override
        public Runnable copyTask(OutputStream sink, Runnable onCut) {
            throw new UnsupportedOperationException();
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

    /** Per-call nanoseconds of each phase, and bytes allocated per call. */
    private static final class Phases {
        private final String title;
        private final String[] names;
        private final long[][] nanos;
        private final long[] allocated;

        Phases(String title, int calls, String... names) {
            this.title = title;
            this.names = names;
            this.nanos = new long[names.length][calls];
            this.allocated = new long[calls];
        }

        void add(int call, long bytes, long... phaseNanos) {
            allocated[call] = bytes;
            for (int p = 0; p < phaseNanos.length; p++) {
                nanos[p][call] = phaseNanos[p];
            }
        }

        void print(boolean report) {
            if (!report) {
                return;
            }
            System.out.println(title + " (µs: p50 / p90 / p99 / mean)");
            for (int p = 0; p < names.length; p++) {
                long[] sorted = nanos[p].clone();
                Arrays.sort(sorted);
                System.out.printf(Locale.ROOT, "  %-16s %8.1f %8.1f %8.1f %8.1f%n", names[p], at(sorted, 0.5),
                        at(sorted, 0.9), at(sorted, 0.99), Arrays.stream(sorted).average().orElse(0) / 1e3);
            }
            long[] bytes = allocated.clone();
            Arrays.sort(bytes);
            System.out.printf(Locale.ROOT, "  allocated per call: %d bytes (p50)%n", bytes[bytes.length / 2]);
        }

        private static double at(long[] sorted, double q) {
            return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))] / 1e3;
        }
    }
}
