package org.faasj.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.faasj.model.FunctionRuntime;
import org.faasj.worker.dispatch.CallRecorder;
import org.faasj.worker.dispatch.RequestDispatcher;
import org.faasj.worker.dispatch.Runners;
import org.faasj.worker.exec.BodyPumps;
import org.faasj.worker.exec.ExecSettings;
import org.faasj.worker.exec.FunctionRunner;
import org.faasj.worker.exec.OutputBudget;
import org.faasj.worker.exec.ProgramLocator;
import org.faasj.worker.exec.UnavailableRunner;
import org.faasj.worker.exec.process.CpuGate;
import org.faasj.worker.exec.process.PhpPrelude;
import org.faasj.worker.exec.process.ProcessRunner;
import org.faasj.worker.exec.process.ProcessStarter;
import org.faasj.worker.exec.process.ProcessTrees;
import org.faasj.worker.exec.process.WarmPool;
import org.faasj.worker.exec.process.WarmPoolSettings;
import org.faasj.worker.exec.wasm.WasmMemoryBudget;
import org.faasj.worker.exec.wasm.WasmModules;
import org.faasj.worker.exec.wasm.WasmRunner;
import org.faasj.worker.handler.HandlerBootstraps;
import org.faasj.worker.handler.HandlerRunner;
import org.faasj.worker.handler.HandlerSettings;
import org.faasj.worker.handoff.HandoffServer;
import org.faasj.worker.http.BodySettings;
import org.faasj.worker.http.ResponseWriter;
import org.faasj.worker.metrics.MetricsReporter;
import org.faasj.worker.metrics.ProcReader;
import org.faasj.worker.records.CallRecordSender;
import org.faasj.worker.spawn.SandboxMode;
import org.faasj.worker.spawn.Spawner;

/** One worker daemon: builds its parts from the configuration, starts them, and stops them. */
public final class Worker implements AutoCloseable {

    static final String SANDBOX_REFUSED = "functions are not started: this host cannot isolate them "
            + "(see the sandbox component of /actuator/health); set faas.sandbox.required=false to run them unisolated";
    private final WorkerConfig config;
    /** Deadlines and metrics ticks: a single thread, since neither does more than a kill or a send. */
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemon("worker-timer"));
    /** Body pumps for bodies larger than a pipe: bounded, each ends with its body or the body read timeout. */
    private BodyPumps pumps;
    /** Starts warm PHP processes one at a time: in parallel they would only compete for the same cores. */
    private final ExecutorService warmRefill = Executors.newSingleThreadExecutor(daemon("warm-refill"));
    private Spawner spawner;
    private CpuGate gate;
    private WarmPool warm;
    private ProcessTrees trees;
    private RequestDispatcher dispatcher;
    private HandoffServer server;
    private MetricsReporter metrics;
    private CallRecordSender records;
    private HandlerRunner handlers;

    public Worker(WorkerConfig config) {
        this.config = config;
        // cancelled deadlines (nearly all of them) must not pile up in the queue until they expire
        scheduler.setRemoveOnCancelPolicy(true);
    }

    public void start() throws IOException {
        Path share = Files.createDirectories(config.scratch().resolve("share"));
        Path prelude = PhpPrelude.extractTo(share);
        HandlerBootstraps.extractTo(share);
        clearSpool(config.scratch().resolve("bodies"));
        clearSpool(config.scratch().resolve("handler")); // stderr files of a worker that died
        spawner = Spawner.start(config.scratch(), config.sandbox(), share);
        trees = new ProcessTrees(spawner);
        ExecSettings settings = spawner.sandboxed()
                ? new ExecSettings(config.scratch(), ExecSettings.SANDBOX_TMP, config.functionPath(), config.outputCap(),
                        ExecSettings.SANDBOX_SHARE.resolve(prelude.getFileName()), true)
                : new ExecSettings(config.scratch(), Files.createDirectories(config.scratch().resolve("tmp")),
                        config.functionPath(), config.outputCap(), prelude, false);
        ProcessStarter starter = new ProcessStarter(spawner);
        // one per call that can run, twice over: a pump may outlive its call by up to the body read timeout
        pumps = new BodyPumps(2 * config.maxConcurrency(), daemon("body-pump"));
        gate = CpuGate.forProcesses(config.cpuSlots());
        startWarmPool(starter);
        ProcessRunner processes = new ProcessRunner(starter, gate, warm, new ProgramLocator(config.functionPath()), settings,
                scheduler, pumps, trees);
        // WASM lives on the heap: 2/5 for cached parsed modules, 2/5 for the linear memories of
        // running calls, 1/5 for the worker itself (with -Xmx128m: about 49 + 49 + 25 MB)
        long heap = Runtime.getRuntime().maxMemory();
        WasmRunner wasm = new WasmRunner(settings, new WasmModules(heap * 2 / 5),
                new WasmMemoryBudget(heap * 2 / 5), scheduler, pumps);
        boolean refused = config.sandbox().mode() == SandboxMode.REFUSED;
        FunctionRunner processRunner = refused ? new UnavailableRunner(SANDBOX_REFUSED) : processes;
        FunctionRunner handlerRunner = refused ? processRunner : startHandlers(settings);
        dispatcher = new RequestDispatcher(runners(processRunner, wasm, handlerRunner), new ResponseWriter(config.id()),
                config.maxConcurrency(), config.maxQueued(),
                new BodySettings(config.bodyIdleMs(), config.maxBodyBytes(), config.scratch().resolve("bodies")),
                OutputBudget.forHeap(heap), scheduler, config.exposeStderr(), recorder());
        server = new HandoffServer(config.socket(), dispatcher, scheduler);
        server.start();
        startMetrics();
    }

    /** Records go to the control plane's calls socket; without one (a worker run alone) none are made. */
    private CallRecorder recorder() throws IOException {
        if (config.callsSocket() == null) {
            return CallRecorder.NONE;
        }
        records = CallRecordSender.to(config.callsSocket());
        return new CallRecorder(config.id(), config.maxCallLogBytes(), records::offer);
    }

    /** Spooled request bodies of a worker that died mid-call. */
    private static void clearSpool(Path spool) throws IOException {
        if (!Files.isDirectory(spool)) {
            return;
        }
        try (var files = Files.list(spool)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }

    private void startWarmPool(ProcessStarter starter) throws IOException {
        WarmPoolSettings settings = new WarmPoolSettings(config.warmPerFunction(), config.warmTotal(), config.warmIdleMs());
        if (!settings.enabled()) {
            return;
        }
        warm = new WarmPool(starter, gate, config.scratch().resolve("warm"), settings, warmRefill);
        long period = Math.max(100, Math.min(5_000, config.warmIdleMs() / 4));
        scheduler.scheduleAtFixedRate(warm::reapIdle, period, period, TimeUnit.MILLISECONDS);
    }

    /** Handler mode: pooled PHP and Python processes, their idle ones reaped now and then. */
    private HandlerRunner startHandlers(ExecSettings settings) throws IOException {
        Path bootstraps = settings.phpPrelude().getParent();
        handlers = new HandlerRunner(spawner, settings, new HandlerSettings(config.handlerPoolSize(),
                config.handlerIdleMs(), config.handlerMaxCalls(), bootstraps.resolve(HandlerBootstraps.PHP),
                bootstraps.resolve(HandlerBootstraps.PYTHON), Files.createDirectories(config.scratch().resolve("handler"))),
                new ProgramLocator(config.functionPath()), scheduler);
        long period = Math.max(100, Math.min(5_000, config.handlerIdleMs() / 4));
        scheduler.scheduleAtFixedRate(handlers::reapIdle, period, period, TimeUnit.MILLISECONDS);
        return handlers;
    }

    private static Runners runners(FunctionRunner processes, FunctionRunner wasm, FunctionRunner handlers) {
        Map<FunctionRuntime, FunctionRunner> byRuntime = new EnumMap<>(FunctionRuntime.class);
        for (FunctionRuntime runtime : FunctionRuntime.values()) {
            byRuntime.put(runtime, runtime.spec().runsAsProcess() ? processes : wasm);
        }
        return new Runners(byRuntime, handlers);
    }

    private void startMetrics() throws IOException {
        metrics = new MetricsReporter(config.id(), config.metricsSocket(), new ProcReader(),
                dispatcher::inFlight, dispatcher::completed);
        scheduler.scheduleAtFixedRate(metrics, config.metricsIntervalMs(), config.metricsIntervalMs(),
                TimeUnit.MILLISECONDS);
    }

    /** The control plane is shutting down: answers from now on close their connections. */
    public void drain() {
        if (dispatcher != null) {
            dispatcher.closeConnections();
        }
    }

    /** Calls running now (tests and diagnostics). */
    int inFlight() {
        return dispatcher == null ? 0 : dispatcher.inFlight();
    }

    /** Body pump threads alive now, running or idle (tests and diagnostics). */
    int pumpThreads() {
        return pumps == null ? 0 : pumps.threads();
    }

    /** Body pumps running or reserved now (tests and diagnostics). */
    int pumpsBusy() {
        return pumps == null ? 0 : pumps.busy();
    }

    /** Handler-mode processes alive now (tests and diagnostics). */
    int handlerProcesses() {
        return handlers == null ? 0 : handlers.live();
    }

    /** Warm PHP processes ready now (tests and diagnostics). */
    int warmReady() {
        return warm == null ? 0 : warm.size();
    }

    /** Stops taking requests and kills every function still running: nothing outlives the worker. */
    @Override
    public void close() {
        closeQuietly(server);
        if (trees != null) {
            trees.killAll();
        }
        if (warm != null) {
            warm.close();
        }
        if (handlers != null) {
            handlers.close();
        }
        if (gate != null) {
            gate.close();
        }
        if (spawner != null) {
            spawner.close(); // the fork server kills whatever is still running as it exits
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (pumps != null) {
            pumps.close();
        }
        warmRefill.shutdownNow();
        scheduler.shutdownNow();
        if (metrics != null) {
            metrics.close();
        }
        if (records != null) {
            records.close(); // after the dispatcher: the last calls' records go out first
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception ignored) {
            // shutting down; the socket file is deleted at the next start anyway
        }
    }

    static ThreadFactory daemon(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        };
    }
}
