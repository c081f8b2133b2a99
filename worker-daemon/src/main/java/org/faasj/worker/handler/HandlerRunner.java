package org.faasj.worker.handler;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.faasj.model.FunctionRuntime;
import org.faasj.model.HandoffFrame;
import org.faasj.model.Network;
import org.faasj.model.RuntimeSpec;
import org.faasj.worker.exec.BodySource;
import org.faasj.worker.exec.CallTrace;
import org.faasj.worker.exec.CgiEnvironment;
import org.faasj.worker.exec.ExecSettings;
import org.faasj.worker.exec.FunctionRunner;
import org.faasj.worker.exec.Invocation;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.exec.OutputBudget;
import org.faasj.worker.exec.ProgramLocator;
import org.faasj.worker.spawn.ProcessUsage;
import org.faasj.worker.spawn.SandboxLimits;
import org.faasj.worker.spawn.SpawnRequest;
import org.faasj.worker.spawn.Spawner;
import org.faasj.worker.spawn.SpawnerUnavailableException;

/**
 * Runs handler-mode calls (PHP and Python) on the function version's pooled processes: the body
 * is read whole, sent as one request frame, and the answer frame becomes the response. A process
 * that failed, timed out, ended or grew past the function's memory is replaced, not reused.
 * Processes start through the same fork server and sandbox as process mode, with the same
 * RLIMIT_DATA; no RLIMIT_CPU, which would count the whole life of the process, not one call
 * (the wall-clock deadline per call stays).
 */
public final class HandlerRunner implements FunctionRunner {

    /** How long the exit status of a process that closed its answer pipe may take to arrive. */
    private static final long EXIT_WAIT_MILLIS = 2_000;

    /** Set when the worker stops: a process that ends mid-call now was stopped with it, not crashed. */
    private volatile boolean stopping;
    private final Spawner spawner;
    private final ExecSettings exec;
    private final HandlerSettings settings;
    private final ProgramLocator locator;
    private final ScheduledExecutorService deadlines;
    private final HandlerPools<HandlerProcess> pools;
    private final AtomicLong sequence = new AtomicLong();

    public HandlerRunner(Spawner spawner, ExecSettings exec, HandlerSettings settings, ProgramLocator locator,
                         ScheduledExecutorService deadlines) throws IOException {
        this.spawner = spawner;
        this.exec = exec;
        this.settings = settings;
        this.locator = locator;
        this.deadlines = deadlines;
        this.pools = new HandlerPools<>(settings.poolSize(), settings.maxCalls(),
                HandlerPool.nanos(settings.idleMillis()), System::nanoTime);
        Files.createDirectories(settings.stderrDir());
    }

    @Override
    public Outcome run(Invocation invocation) {
        HandoffFrame frame = invocation.frame();
        if (!Files.isRegularFile(Path.of(frame.modulePath()))) {
            return new Outcome.ModuleMissing(frame.modulePath());
        }
        RuntimeSpec spec = frame.runtime().spec();
        Optional<Path> interpreter = locator.find(spec.interpreter());
        if (interpreter.isEmpty()) {
            return new Outcome.RuntimeMissing(spec.interpreter(), spec.debianPackage());
        }
        long started = System.nanoTime();
        byte[] body;
        try {
            body = readBody(invocation.body());
        } catch (IOException e) {
            return new Outcome.LaunchFailed("could not read the request body: " + e.getMessage());
        }
        if (body == null) {
            return new Outcome.BodyIncomplete(invocation.body().cut());
        }
        HandlerPool<HandlerProcess> pool = pools.poolFor(frame.functionName(), frame.functionVersion(),
                frame.concurrency());
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(frame.timeoutMillis());
        HandlerPool.Lease<HandlerProcess> lease;
        try {
            lease = pool.acquire(() -> start(frame, interpreter.get()), timeoutNanos - (System.nanoTime() - started));
        } catch (SpawnerUnavailableException e) {
            return new Outcome.Unavailable("could not start the function: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            return new Outcome.LaunchFailed("could not start the function: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.Unavailable.workerStopping();
        }
        if (lease == null) {
            return new Outcome.TimedOut(frame.timeoutMillis()); // every process stayed busy for the whole timeout
        }
        invocation.trace().coldStart(lease.cold);
        long left = Math.max(1, timeoutNanos - (System.nanoTime() - started));
        return call(pool, lease, HandlerProtocol.request(frame, body), invocation, left);
    }

    /** The whole body, or null when the client stopped sending before its end. */
    private static byte[] readBody(BodySource body) throws IOException {
        byte[] inMemory = body.inMemory(Integer.MAX_VALUE - 16);
        if (inMemory != null) {
            return inMemory;
        }
        ByteArrayOutputStream sink = new ByteArrayOutputStream(64 * 1024);
        body.copyTask(sink, () -> { }).run();
        return body.cut() != null ? null : sink.toByteArray();
    }

    private Outcome call(HandlerPool<HandlerProcess> pool, HandlerPool.Lease<HandlerProcess> lease, byte[] request,
                         Invocation invocation, long timeoutNanos) {
        HandoffFrame frame = invocation.frame();
        CallTrace trace = invocation.trace();
        OutputBudget.Account output = invocation.output();
        long budgetWait = OutputBudget.waitNanos(frame.timeoutMillis());
        HandlerProcess process = lease.member;
        long stderrFrom = process.stderrSize();
        AtomicBoolean timedOut = new AtomicBoolean();
        boolean reusable = false;
        ScheduledFuture<?> timer = null;
        try {
            timer = deadlines.schedule(() -> {
                timedOut.set(true);
                process.kill();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
            // answers share the worker's output budget with process mode's outputs
            byte[] json = process.exchange(request, maxAnswerBytes(), length -> output.charge(length, budgetWait));
            timer.cancel(false);
            if (timedOut.get()) {
                return new Outcome.TimedOut(frame.timeoutMillis());
            }
            if (json == null) {
                return stopping ? Outcome.Unavailable.workerStopping() : ended(process, stderrFrom, trace);
            }
            HandlerProtocol.Answer answer = HandlerProtocol.answer(json);
            if (answer.failure() != null) {
                return new Outcome.Raised(answer.failure(), process.stderrTailSince(stderrFrom));
            }
            if (answer.body().length > exec.outputCap()) {
                return new Outcome.OutputTooLarge(exec.outputCap());
            }
            long rssKb = process.rssKb();
            trace.usage(-1, rssKb);
            reusable = rssKb >= 0 && rssKb <= (long) frame.memoryMb() * 1024;
            return new Outcome.Answered(answer.status(), answer.headers(), answer.body(), answer.raw());
        } catch (HandlerProcess.AnswerTooLarge e) {
            return new Outcome.OutputTooLarge(exec.outputCap());
        } catch (HandlerProcess.NoRoom e) {
            return new Outcome.Unavailable(OutputBudget.SPENT);
        } catch (RejectedExecutionException e) {
            return Outcome.Unavailable.workerStopping();
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            trace.stderrHead(process.stderrHeadSince(stderrFrom, trace.stderrHeadBytes()));
            if (reusable) {
                process.trimStderr();
            }
            pool.release(lease, reusable);
        }
    }

    /** The process closed its answer pipe mid-call: a crash, a fatal error (PHP's memory limit), exit(). */
    private static Outcome ended(HandlerProcess process, long stderrFrom, CallTrace trace) {
        int exitCode;
        try {
            exitCode = process.process().exit().get(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exitCode = -1;
        } catch (ExecutionException | TimeoutException e) {
            exitCode = -1;
        }
        ProcessUsage usage = process.process().usage();
        trace.usage(usage.cpuMicros(), usage.peakRssKb());
        String tail = process.stderrTailSince(stderrFrom);
        if (exitCode > 0) {
            return new Outcome.Exited(exitCode, new byte[0], 0, tail);
        }
        return new Outcome.Raised("the handler process ended without answering", tail);
    }

    /** Base64 and the JSON around it cost a third more than the body the output cap allows. */
    private int maxAnswerBytes() {
        return (int) Math.min(Integer.MAX_VALUE - 16, exec.outputCap() * 4L / 3 + 64 * 1024);
    }

    private HandlerProcess start(HandoffFrame frame, Path interpreter) throws IOException {
        Path stderr = settings.stderrDir().resolve(frame.functionName() + "-" + sequence.incrementAndGet() + ".stderr");
        SandboxLimits sandbox = new SandboxLimits(Path.of(frame.modulePath()).toAbsolutePath().getParent(),
                frame.tmpMb(), frame.processes(), frame.network() == Network.NONE);
        long dataBytes = (long) Math.max(1, frame.memoryMb()) << 20;
        SpawnRequest request = new SpawnRequest(command(frame, interpreter), environment(frame), exec.workDir(),
                dataBytes, 0, false, sandbox, true);
        // O_APPEND: the process's descriptors 1 and 2 append, so the worker may truncate between calls
        try (FileOutputStream err = new FileOutputStream(stderr.toFile(), true)) {
            return new HandlerProcess(spawner.spawn(request, err.getFD()), stderr, spawner);
        }
    }

    /** The last argument, unused by the bootstraps, shows in ps which function version a process serves. */
    List<String> command(HandoffFrame frame, Path interpreter) {
        String module = exec.modulePathSeenByProcess(frame.modulePath());
        String serves = frame.functionName() + "@" + frame.functionVersion();
        List<String> argv = new ArrayList<>();
        argv.add(interpreter.toString());
        // the same memory options as process mode: a readable error before RLIMIT_DATA hits
        argv.addAll(frame.runtime().spec().memoryArgs(frame.memoryMb()));
        Path bootstrap = frame.runtime() == FunctionRuntime.PHP ? settings.phpBootstrap() : settings.pythonBootstrap();
        argv.addAll(List.of(bootstrap.toString(), module, frame.handler(), serves));
        return List.copyOf(argv);
    }

    /** What a process started before its requests can know: no per-request CGI variables. */
    private List<String> environment(HandoffFrame frame) {
        Map<String, String> env = CgiEnvironment.stable(frame, exec.functionPath(), exec.workDir());
        env.put("FAAS_MODE", "handler");
        List<String> entries = new ArrayList<>(env.size());
        env.forEach((name, value) -> entries.add(name + "=" + value));
        return entries;
    }

    /** Stops the idle processes past the idle time; the worker calls it now and then. */
    public void reapIdle() {
        pools.reapIdle();
    }

    /** Handler processes alive on this worker now (tests and diagnostics). */
    public int live() {
        return pools.live();
    }

    /** The worker stops: idle processes now; busy ones die with the fork server. */
    public void close() {
        stopping = true;
        pools.close();
    }
}
