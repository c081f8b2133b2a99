package org.faasj.worker.exec.wasm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import org.faasj.model.HandoffFrame;
import org.faasj.worker.exec.BodyPumps;
import org.faasj.worker.exec.BodySource;
import org.faasj.worker.exec.CallTrace;
import org.faasj.worker.exec.CgiEnvironment;
import org.faasj.worker.exec.ExecSettings;
import org.faasj.worker.exec.FunctionRunner;
import org.faasj.worker.exec.Invocation;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.exec.OutputBudget;

/**
 * Runs a WASI preview1 command module inside the worker with Chicory, compiled once to JVM bytecode
 * ({@link WasmModules}). Each call gets an instance in its just-instantiated state: an idle one reset
 * ({@link WasmGuest}, {@link WasmInstancePool}) or a new one, and always a new WASI context, so
 * nothing survives from one call to the next. The guest gets the body on stdin, the CGI variables as its environment and
 * the function name as argv[0]; no preopened directories, no sockets.
 *
 * <p>The guest runs on the calling pool thread. Its limits: linear memory capped by the descriptor's
 * {@code memory} and charged to the worker-wide {@link WasmMemoryBudget}; stdout capped like a
 * process's; past the timeout the thread is interrupted, which Chicory's compiled code checks on every
 * call and backward jump (its interpreter does too), so even {@code loop br 0} stops. A trap or an
 * exhausted JVM stack ends only this call.
 */
public final class WasmRunner implements FunctionRunner {

    static final int STDERR_TAIL_BYTES = Outcome.STDERR_TAIL_BYTES;
    private static final int PIPE_BYTES = 64 * 1024;
    /** random_get: the guest may make keys with it, so not ThreadLocalRandom (Chicory's default). */
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean THREAD_CPU = THREADS.isCurrentThreadCpuTimeSupported();

    private final ExecSettings settings;
    private final WasmModules modules;
    private final WasmMemoryBudget budget;
    private final ScheduledExecutorService deadlines;
    private final BodyPumps pumps;
    private final RecentRuns recent = new RecentRuns();

    public WasmRunner(ExecSettings settings, WasmModules modules, WasmMemoryBudget budget,
                      ScheduledExecutorService deadlines, BodyPumps pumps) {
        this.settings = settings;
        this.modules = modules;
        this.budget = budget;
        this.deadlines = deadlines;
        this.pumps = pumps;
    }

    /** A pooled module version whose latest call here was short ({@link RecentRuns}). */
    @Override
    public boolean runsQuickly(HandoffFrame frame) {
        return recent.quick(frame);
    }

    @Override
    public Outcome run(Invocation invocation) {
        HandoffFrame frame = invocation.frame();
        WasmModules.Compiled compiled;
        try {
            compiled = modules.get(Path.of(frame.modulePath()), frame.functionName(), frame.functionVersion());
        } catch (NoSuchFileException e) {
            return new Outcome.ModuleMissing(frame.modulePath());
        } catch (IOException e) {
            return new Outcome.LaunchFailed("cannot read the wasm module: " + e.getMessage());
        } catch (ChicoryException e) {
            return new Outcome.LaunchFailed("not a valid wasm module: " + e.getMessage());
        }
        if (!exportsStart(compiled.module())) {
            return new Outcome.LaunchFailed("the wasm module exports no _start: not a WASI command");
        }
        MemoryLimits limits;
        try {
            limits = memoryLimits(compiled.module(), frame.memoryMb());
        } catch (IllegalArgumentException e) {
            invocation.trace().memoryLimitHit(true); // it needs more memory at start than it may have
            return new Outcome.Trapped(e.getMessage(), "");
        }
        BodySource body = invocation.body();
        Stdin stdin;
        try {
            stdin = stdin(body);
        } catch (IOException | RejectedExecutionException e) {
            return new Outcome.LaunchFailed("could not feed the request body: " + e.getMessage());
        }
        if (stdin == null) {
            return new Outcome.Unavailable("worker is reading too many request bodies at once, retry shortly");
        }
        try {
            Outcome outcome = execute(frame, compiled, limits, stdin.stream(), invocation.output(), invocation.trace());
            // a guest that saw the end of a truncated body must not be answered as if it were whole
            return body.cut() != null ? new Outcome.BodyIncomplete(body.cut()) : outcome;
        } finally {
            stdin.close();
            body.abandon();
        }
    }

    private Outcome execute(HandoffFrame frame, WasmModules.Compiled compiled, MemoryLimits limits, InputStream stdin,
                            OutputBudget.Account output, CallTrace trace) {
        GuestOutput stdout = GuestOutput.capped(settings.outputCap(), output);
        GuestOutput stderr = GuestOutput.tail(STDERR_TAIL_BYTES, trace.stderrHeadBytes());
        WasiOptions.Builder options = WasiOptions.builder()
                .withStdin(stdin).withStdout(stdout).withStderr(stderr)
                .withRandom(RANDOM)
                .withArguments(List.of(frame.functionName()));
        CgiEnvironment.build(frame, settings.functionPath(), settings.workDir()).forEach(options::withEnvironment);
        Deadline deadline = Deadline.arm(deadlines, Thread.currentThread(), frame.timeoutMillis());
        WasmInstancePool pool = compiled.instances();
        long started = System.nanoTime();
        WasmGuest guest = null;
        boolean cleanEnd = false;
        long cpuStart = threadCpuNanos();
        try (WasiPreview1 wasi = WasiPreview1.builder().withOptions(options.build()).build()) {
            guest = pool.take(limits);
            trace.coldStart(guest == null);
            if (guest == null) {
                guest = pool.create(compiled, limits, budget, wasi);
            }
            guest.start(wasi, stdin);
            cleanEnd = true;
            return ended(deadline, frame, 0, stdout, stderr);
        } catch (WasiExitException exit) {
            cleanEnd = true;
            return ended(deadline, frame, exit.exitCode(), stdout, stderr);
        } catch (GuestOutput.Overflow tooMuch) {
            return new Outcome.OutputTooLarge(settings.outputCap());
        } catch (GuestOutput.OutOfBudget spent) {
            return new Outcome.Unavailable(OutputBudget.SPENT);
        } catch (WasmMemoryBudget.Exhausted e) {
            trace.memoryLimitHit(true);
            return new Outcome.Trapped(e.getMessage(), stderr.text());
        } catch (ChicoryException e) {
            return deadline.disarm() ? new Outcome.TimedOut(frame.timeoutMillis()) : new Outcome.Trapped(message(e), stderr.text());
        } catch (StackOverflowError e) {
            // Chicory turns a guest's deep recursion into "call stack exhausted"; this is the backstop
            return new Outcome.Trapped("call stack exhausted", stderr.text());
        } finally {
            // a guest that timed out was stopped somewhere inside its code: never reused
            boolean timedOut = deadline.disarm();
            trace.stderrHead(stderr.headText());
            long cpuMicros = noteUsage(trace, cpuStart, guest == null ? null : guest.memory());
            release(pool, guest, cleanEnd && !timedOut);
            recent.ran(frame, pool, (System.nanoTime() - started) / 1_000, cpuMicros);
        }
    }

    /** Only a guest whose call ended normally goes back to the pool; the pool may still drop it. */
    private static void release(WasmInstancePool pool, WasmGuest guest, boolean reusable) {
        if (guest == null) {
            return;
        }
        if (reusable) {
            pool.giveBack(guest);
        } else {
            guest.discard();
        }
    }

    /**
     * The thread's CPU time over the instance's build or reset and its run (-1 where the JVM cannot measure it),
     * and the guest's linear memory at its end as its peak (it only grows): the guest's own memory,
     * not the worker's heap it cost. A guest at 90 % or more of the pages it may have counts as
     * having hit its memory limit (a failed {@code memory.grow} is not a trap: the guest sees -1).
     * Returns the CPU time in µs (-1 if unknown).
     */
    private static long noteUsage(CallTrace trace, long cpuStart, Memory memory) {
        long cpuEnd = threadCpuNanos();
        long cpuMicros = cpuStart < 0 || cpuEnd < 0 ? -1 : Math.max(0, (cpuEnd - cpuStart) / 1_000);
        long memoryKb = memory == null ? -1 : memory.pages() * (Memory.PAGE_SIZE / 1024L);
        trace.usage(cpuMicros, memoryKb);
        if (memory != null && memory.pages() * 10L >= memory.maximumPages() * 9L) {
            trace.memoryLimitHit(true);
        }
        return cpuMicros;
    }

    /** clock_gettime of this thread's CPU clock on Linux; -1 when the JVM does not offer it. */
    private static long threadCpuNanos() {
        return THREAD_CPU ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    private Outcome ended(Deadline deadline, HandoffFrame frame, int exitCode, GuestOutput stdout, GuestOutput stderr) {
        if (deadline.disarm()) {
            return new Outcome.TimedOut(frame.timeoutMillis());
        }
        return new Outcome.Exited(exitCode, stdout.bytes(), stdout.length(), exitCode == 0 ? "" : stderr.text());
    }

    private static String message(ChicoryException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    static boolean exportsStart(WasmModule module) {
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            if (Instance.START_FUNCTION_NAME.equals(exports.getExport(i).name())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The module's declared memory with its maximum lowered to the descriptor's cap; null when the
     * module has no memory of its own.
     */
    static MemoryLimits memoryLimits(WasmModule module, int memoryMb) {
        if (module.memorySection().isEmpty() || module.memorySection().get().memoryCount() == 0) {
            return null;
        }
        MemoryLimits declared = module.memorySection().get().getMemory(0).limits();
        int capPages = (int) Math.min(Memory.RUNTIME_MAX_PAGES, Math.max(1, memoryMb) * 16L);
        int maxPages = Math.min(declared.maximumPages(), capPages);
        if (declared.initialPages() > maxPages) {
            throw new IllegalArgumentException("the module needs " + pagesToMb(declared.initialPages())
                    + " MB of memory at start, more than its limit of " + memoryMb + " MB");
        }
        return new MemoryLimits(declared.initialPages(), maxPages, declared.shared());
    }

    private static String pagesToMb(int pages) {
        return String.format(java.util.Locale.ROOT, "%.1f", pages / 16.0);
    }

    /**
     * The body as the guest's stdin: from memory when it is there, else pumped through a pipe; null
     * when no pump is free.
     */
    private Stdin stdin(BodySource body) throws IOException {
        byte[] small = body.inMemory(BodyPumps.INLINE_BODY_MAX);
        if (small != null) {
            return new Stdin(new ByteArrayInputStream(small));
        }
        BodyPumps.Reservation pump = pumps.tryReserve();
        if (pump == null) {
            return null;
        }
        PipedInputStream in = new PipedInputStream(PIPE_BYTES);
        try {
            PipedOutputStream out = new PipedOutputStream(in);
            pump.start(body.copyTask(out, () -> { }));
        } catch (IOException | RuntimeException e) {
            pump.cancel();
            throw e;
        }
        return new Stdin(in);
    }

    /**
     * Closing the read end makes a pump still writing drop the rest of the body (its writes fail);
     * the runner then abandons the body, so the pump does not wait for the client either.
     */
    private record Stdin(InputStream stream) {
        void close() {
            try {
                stream.close();
            } catch (IOException ignored) {
                // an in-memory or pipe stream: nothing to recover
            }
        }
    }
}
