package org.faasj.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;

/**
 * CPU per WASM hello call of a real worker, by thread name, with this JVM playing the gateway (a
 * new connection per call, one call at a time). Not a test: run by hand with the worker's JVM flags
 * (see exec.WasmCallBreakdown) plus {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} and
 * examples/wasm/hello.c's path; docs/ARCHITECTURE.md has the numbers.
 * The JVM's GC threads are not Java threads and not counted.
 */
public final class WasmWorkerCpu {

    private WasmWorkerCpu() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Path dir = Files.createTempDirectory("wasm-worker-cpu");
        Path hello = WasmModulesForTests.fromC(Path.of(args[0]).toAbsolutePath(), dir, "hello");
        byte[] body = "{\"name\":\"Alice\"}".getBytes(StandardCharsets.UTF_8);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (WorkerHarness worker = WorkerHarness.start(dir)) {
            for (int round = 0; round < 2; round++) {
                Map<String, Long> before = cpuByName(threads, false);
                Map<String, Long> userBefore = cpuByName(threads, true);
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    HandoffFrame frame = Frames.of(FunctionRuntime.WASM, hello).body(body).build();
                    int status = worker.call(frame).response().status();
                    if (status != 200) {
                        throw new IllegalStateException("call " + i + " answered " + status);
                    }
                }
                long wall = System.nanoTime() - start;
                Map<String, Long> after = cpuByName(threads, false);
                Map<String, Long> userAfter = cpuByName(threads, true);
                if (round == 1) {
                    System.out.printf(Locale.ROOT, "%d calls, %.1f µs wall per call; CPU µs per call by thread "
                            + "(all / user / kernel):%n", calls, wall / 1e3 / calls);
                    after.forEach((name, cpu) -> {
                        double per = (cpu - before.getOrDefault(name, 0L)) / 1e3 / calls;
                        double user = (userAfter.getOrDefault(name, 0L) - userBefore.getOrDefault(name, 0L)) / 1e3 / calls;
                        if (per >= 0.1) {
                            System.out.printf(Locale.ROOT, "  %-24s %7.1f %7.1f %7.1f%n", name, per, user, per - user);
                        }
                    });
                }
            }
        }
    }

    /** CPU (or user-mode CPU) nanoseconds by thread name, digits folded ("invoke-3" counts as "invoke-N"). */
    private static Map<String, Long> cpuByName(ThreadMXBean threads, boolean userOnly) {
        Map<String, Long> out = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = userOnly ? threads.getThreadUserTime(info.getThreadId()) : threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                out.merge(info.getThreadName().replaceAll("[0-9]+", "N"), cpu, Long::sum);
            }
        }
        return out;
    }
}
