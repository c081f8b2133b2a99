package org.faasj.worker.exec.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.faasj.model.HandoffFrame;
import org.faasj.model.RuntimeSpec;
import org.faasj.worker.exec.BodyPumps;
import org.faasj.worker.exec.BodySource;
import org.faasj.worker.exec.CallTrace;
import org.faasj.worker.exec.ExecSettings;
import org.faasj.worker.exec.FunctionRunner;
import org.faasj.worker.exec.Invocation;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.exec.OutputBudget;
import org.faasj.worker.exec.OutputCapture;
import org.faasj.worker.exec.ProgramLocator;
import org.faasj.worker.spawn.ProcessUsage;
import org.faasj.worker.spawn.SpawnedProcess;
import org.faasj.worker.spawn.SpawnerUnavailableException;

/**
 * Runs a function as a child process per request (PHP, Python, native binaries), started by the
 * faas-spawn fork server so that memory is capped and the whole tree can be killed. PHP processes
 * may come ready from the {@link WarmPool}; every process serves one request either way.
 */
public final class ProcessRunner implements FunctionRunner {

    /** Linux pipe capacity: a body this small is written before reading stdout without risk of deadlock. */
    private static final AtomicInteger STDERR_FILES = new AtomicInteger();

    private final ProcessStarter starter;
    private final CpuGate gate;
    private final WarmPool warm;
    private final ProgramLocator locator;
    private final ExecSettings settings;
    private final ScheduledExecutorService deadlines;
    private final BodyPumps pumps;
    private final ProcessTrees trees;
    /** One stderr file per pool thread, truncated by each cold start: no extra thread drains stderr. */
    private final ThreadLocal<Path> stderrFile;

    /** {@code warm} may be null: every process is then started on demand. */
    public ProcessRunner(ProcessStarter starter, CpuGate gate, WarmPool warm, ProgramLocator locator,
                         ExecSettings settings, ScheduledExecutorService deadlines, BodyPumps pumps,
                         ProcessTrees trees) {
        this.starter = starter;
        this.gate = gate;
        this.warm = warm;
        this.locator = locator;
        this.settings = settings;
        this.deadlines = deadlines;
        this.pumps = pumps;
        this.trees = trees;
        this.stderrFile = ThreadLocal.withInitial(
                () -> settings.scratch().resolve("stderr-" + STDERR_FILES.incrementAndGet()));
    }

    @Override
    public Outcome run(Invocation invocation) {
        HandoffFrame frame = invocation.frame();
        ModuleStamp module = ModuleStamp.of(frame.modulePath());
        if (module == null) {
            return new Outcome.ModuleMissing(frame.modulePath());
        }
        Optional<Path> interpreter = Optional.empty();
        RuntimeSpec spec = frame.runtime().spec();
        Optional<String> wanted = RuntimeCommand.interpreter(spec);
        if (wanted.isPresent()) {
            String program = wanted.get();
            interpreter = locator.find(program);
            if (interpreter.isEmpty()) {
                return new Outcome.RuntimeMissing(program, spec.debianPackage());
            }
        }
        LaunchPlan plan = LaunchPlan.of(frame, interpreter.orElse(null), settings);
        BodyPumps.Reservation pump = null;
        if (invocation.body().inMemory(BodyPumps.INLINE_BODY_MAX) == null) {
            pump = pumps.tryReserve();
            if (pump == null) {
                return new Outcome.Unavailable("worker is reading too many request bodies at once, retry shortly");
            }
        }
        FunctionProcess process;
        try {
            process = obtain(plan, module, frame.timeoutMillis(), spec.cpuGated(), invocation.trace());
        } catch (SpawnerUnavailableException e) {
            cancel(pump);
            return new Outcome.Unavailable("could not start the function: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            cancel(pump);
            return new Outcome.LaunchFailed("could not start the function: " + e.getMessage());
        } catch (InterruptedException e) {
            cancel(pump);
            Thread.currentThread().interrupt();
            return Outcome.Unavailable.workerStopping();
        }
        return supervise(process, plan, invocation, pump);
    }

    private static void cancel(BodyPumps.Reservation pump) {
        if (pump != null) {
            pump.cancel();
        }
    }

    /**
     * A warm process if one is ready, else a fresh one, taken once the gate admits it.
     * Interpreters (PHP, Python) wait at most the function's timeout for a place; their start is
     * ~10 ms of CPU and many at once slow each other down. Native binaries are not gated: a native
     * hello is ~0.5 ms, and queueing it cost more than it saved (2,330 vs 2,169 req/s at 16
     * connections, 2 cores).
     */
    private FunctionProcess obtain(LaunchPlan plan, ModuleStamp module, int timeoutMillis, boolean gated,
                                   CallTrace trace) throws IOException, InterruptedException {
        CpuGate.Pass pass = gated ? gate.forRequest(timeoutMillis) : gate.unlimited();
        try {
            FunctionProcess ready = warm != null && plan.poolable() ? warm.take(plan.request(), module) : null;
            FunctionProcess process = ready != null ? ready : starter.start(plan.request(), stderrFile.get(), false);
            trace.coldStart(ready == null);
            process.admit(pass);
            return process;
        } catch (IOException | RuntimeException e) {
            pass.release();
            throw e;
        }
    }

    private Outcome supervise(FunctionProcess function, LaunchPlan plan, Invocation invocation,
                              BodyPumps.Reservation pump) {
        SpawnedProcess process = function.process();
        trees.started(process);
        int timeoutMillis = invocation.frame().timeoutMillis();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> timer = deadlines.schedule(() -> {
            timedOut.set(true);
            trees.kill(process);
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        BodySource body = invocation.body();
        boolean pumping = false;
        try {
            sendRequestEnv(process, plan);
            pumping = feedStdin(process, body, pump);
            OutputCapture out = OutputCapture.read(process.stdout(), settings.outputCap(), invocation.output(),
                    OutputBudget.waitNanos(timeoutMillis));
            if (out.overflowed() || out.outOfBudget()) {
                trees.kill(process);
            }
            int exitCode = process.waitFor();
            timer.cancel(false);
            if (timedOut.get()) {
                return new Outcome.TimedOut(timeoutMillis);
            }
            if (trees.stopping()) {
                return Outcome.Unavailable.workerStopping();
            }
            if (body.cut() != null) {
                return new Outcome.BodyIncomplete(body.cut());
            }
            if (out.overflowed()) {
                return new Outcome.OutputTooLarge(settings.outputCap());
            }
            if (out.outOfBudget()) {
                return new Outcome.Unavailable(OutputBudget.SPENT);
            }
            return new Outcome.Exited(exitCode, out.bytes(), out.length(), exitCode == 0 ? "" : function.stderrTail());
        } catch (IOException | RejectedExecutionException e) {
            trees.kill(process);
            return trees.stopping() ? Outcome.Unavailable.workerStopping()
                    : new Outcome.LaunchFailed("lost contact with the function: " + e.getMessage());
        } catch (InterruptedException e) {
            trees.kill(process);
            Thread.currentThread().interrupt();
            return Outcome.Unavailable.workerStopping();
        } catch (RuntimeException | Error e) {
            trees.kill(process); // its timer is cancelled below: nothing else would stop it
            throw e;
        } finally {
            timer.cancel(false);
            trees.ended(process);
            ProcessUsage usage = process.usage(); // known once reaped: the normal end, a timeout's kill too
            invocation.trace().usage(usage.cpuMicros(), usage.peakRssKb());
            // before release, which deletes a warm process's own stderr file
            invocation.trace().stderrHead(function.stderrHead(invocation.trace().stderrHeadBytes()));
            if (!pumping) {
                cancel(pump);
            }
            // the function is done: the answer goes out now, and closes the connection if the body
            // is not all read, rather than waiting for a client that may never send it
            body.abandon();
            function.release(pumping);
        }
    }

    /** The PHP prelude blocks until this block and its end of file arrive on descriptor 3. */
    private static void sendRequestEnv(SpawnedProcess process, LaunchPlan plan) {
        if (plan.requestEnv() == null) {
            return;
        }
        try (OutputStream fd3 = process.fd3()) {
            fd3.write(plan.requestEnv());
        } catch (IOException functionDidNotRead) {
            // it died before reading: its exit status and stderr tell why
        }
    }

    /**
     * Small bodies already in memory go in directly; anything else is pumped from another thread,
     * which kills the function if the client stops sending mid-body. Returns whether a pump runs.
     */
    private boolean feedStdin(SpawnedProcess process, BodySource body, BodyPumps.Reservation pump) {
        byte[] small = body.inMemory(BodyPumps.INLINE_BODY_MAX);
        if (small == null) {
            pump.start(body.copyTask(process.stdin(), () -> trees.kill(process)));
            return true;
        }
        try (OutputStream stdin = process.stdin()) {
            stdin.write(small);
        } catch (IOException functionDidNotRead) {
            // it exited or closed stdin without reading: its output still decides the answer
        }
        return false;
    }
}
