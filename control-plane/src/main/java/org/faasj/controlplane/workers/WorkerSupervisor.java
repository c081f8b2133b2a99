package org.faasj.controlplane.workers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.sun.management.OperatingSystemMXBean;

import org.faasj.controlplane.sandbox.SandboxStatus;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.system.RunDirectory;
import org.faasj.model.WorkerOption;
import org.faasj.model.WorkerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Starts {@code faas.workers.count} worker JVMs, connects a link to each, restarts a worker that
 * dies (within a second; slower when one keeps crashing) and stops them all on shutdown.
 *
 * <p>Each worker gets a pipe as stdin that we never close (and write only the drain notice to, see
 * {@link WorkerSlot#announceDrain()}): when the control plane dies, even by {@code kill -9}, the pipe
 * closes and the worker exits by itself, so no orphans are left.
 */
@Component
public class WorkerSupervisor implements SmartLifecycle {

    static final int PHASE = 100;
    private static final Logger log = LoggerFactory.getLogger(WorkerSupervisor.class);
    private static final long CONNECT_RETRY_MILLIS = 25;
    private static final long CONNECT_GIVE_UP_MILLIS = 30_000;
    private static final long QUICK_RESTART_MILLIS = 100;
    private static final long MAX_RESTART_DELAY_MILLIS = 5_000;

    private final FaasProperties properties;
    private final RunDirectory runDirectory;
    private final WorkerPool pool;
    private final SandboxStatus sandbox;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "worker-supervisor");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running;
    private Path workerJar;
    private final List<String> jvmOptions;

    public WorkerSupervisor(FaasProperties properties, RunDirectory runDirectory, WorkerPool pool,
                            SandboxStatus sandbox) {
        this.properties = properties;
        this.runDirectory = runDirectory;
        this.pool = pool;
        this.sandbox = sandbox;
        this.jvmOptions = checkedJvmOptions();
    }

    @Override
    public void start() {
        workerJar = extractWorkerJar();
        running = true;
        for (WorkerSlot slot : pool.slots()) {
            launch(slot, 0);
        }
        log.info("Started {} worker daemons (sockets in {})", pool.slots().length, runDirectory.path());
    }

    @Override
    public void stop() {
        running = false;
        List<Process> stopping = new ArrayList<>();
        for (WorkerSlot slot : pool.slots()) {
            slot.detach();
            Process p = slot.process();
            if (p != null && p.isAlive()) {
                p.destroy();
                stopping.add(p);
            }
        }
        awaitExit(stopping);
        scheduler.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void launch(WorkerSlot slot, int consecutiveQuickDeaths) {
        if (!running) {
            return;
        }
        try {
            Files.deleteIfExists(runDirectory.workerSocket(slot.id()));
            Process process = new ProcessBuilder(command(slot.id()))
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            slot.attach(process);
            long startedAt = System.nanoTime();
            process.onExit().thenRun(() -> onExit(slot, process, startedAt, consecutiveQuickDeaths));
            scheduler.execute(() -> connect(slot, process, System.currentTimeMillis()));
        } catch (IOException e) {
            log.error("Cannot start worker {}: {}", slot.id(), e.toString());
            scheduleRestart(slot, consecutiveQuickDeaths + 1);
        }
    }

    /** The worker binds its socket a few hundred milliseconds after the JVM starts; poll until it does. */
    private void connect(WorkerSlot slot, Process process, long firstTry) {
        if (!running || slot.process() != process || !process.isAlive()) {
            return;
        }
        try {
            slot.connected(WorkerLink.connect(slot, process, runDirectory.workerSocket(slot.id()), pool.events(),
                    properties.gateway().workerSendTimeout(),
                    () -> scheduler.execute(() -> connect(slot, process, System.currentTimeMillis()))));
            log.debug("Worker {} (pid {}) connected", slot.id(), process.pid());
        } catch (IOException e) {
            if (System.currentTimeMillis() - firstTry > CONNECT_GIVE_UP_MILLIS) {
                log.error("Worker {} (pid {}) never opened its socket; killing it", slot.id(), process.pid());
                process.destroyForcibly();
                return;
            }
            scheduler.schedule(() -> connect(slot, process, firstTry), CONNECT_RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void onExit(WorkerSlot slot, Process process, long startedAt, int consecutiveQuickDeaths) {
        if (slot.process() != process) {
            return;
        }
        slot.detach();
        if (!running) {
            return;
        }
        boolean quickDeath = System.nanoTime() - startedAt < TimeUnit.SECONDS.toNanos(10);
        log.warn("Worker {} (pid {}) exited with code {}; restarting", slot.id(), process.pid(), process.exitValue());
        scheduleRestart(slot, quickDeath ? consecutiveQuickDeaths + 1 : 0);
    }

    /** First restart after 100 ms; a worker that keeps dying young waits longer each time, up to 5 s. */
    private void scheduleRestart(WorkerSlot slot, int consecutiveQuickDeaths) {
        long delay = Math.min(MAX_RESTART_DELAY_MILLIS,
                QUICK_RESTART_MILLIS << Math.min(6, Math.max(0, consecutiveQuickDeaths - 1)));
        scheduler.schedule(() -> launch(slot, consecutiveQuickDeaths), delay, TimeUnit.MILLISECONDS);
    }

    List<String> command(int workerId) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // first, so jvmOptions may still override it: a worker out of heap is left in an unknown state
        // (an OutOfMemoryError may have killed any of its threads), so it exits and the supervisor restarts it
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(workerJar.toString());
        cmd.add("org.faasj.worker.WorkerMain");
        cmd.addAll(options(workerId).toArgs());
        return cmd;
    }

    private List<String> checkedJvmOptions() {
        WorkerJvmOptions.Checked checked = WorkerJvmOptions.supported(properties.workers().jvmOptions(),
                WorkerJvmOptions::existsInThisJvm);
        if (!checked.leftOut().isEmpty()) {
            log.warn("Worker JVM options {} are unknown to this JVM ({} {}) and left out",
                    checked.leftOut(), System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"));
        }
        return checked.kept();
    }

    /** Worker {@code workerId}'s options: each {@link WorkerOption} from {@link #source}. */
    WorkerOptions options(int workerId) {
        WorkerOptions.Builder options = WorkerOptions.builder();
        for (WorkerOption option : WorkerOption.values()) {
            Object value = source(option, workerId);
            if (value != null) {
                options.set(option, value);
            }
        }
        return options.build();
    }

    /**
     * Where each worker option's value comes from; null leaves the worker's default. A switch
     * without default, so a new option does not compile until it is given a source here.
     */
    private Object source(WorkerOption option, int workerId) {
        FaasProperties.Workers w = properties.workers();
        return switch (option) {
            case ID -> workerId;
            case SOCKET -> runDirectory.workerSocket(workerId);
            case METRICS -> runDirectory.metricsSocket();
            case SCRATCH -> runDirectory.path().resolve("worker-" + workerId);
            case MAX_CONCURRENCY -> w.maxConcurrency();
            case MAX_QUEUED -> w.maxQueued();
            case OUTPUT_CAP -> w.outputCap().toBytes();
            case METRICS_INTERVAL_MS -> w.metricsInterval().toMillis();
            case FUNCTION_PATH -> null; // no setting: the worker's default PATH
            case WARM_PER_FUNCTION -> w.warmPerFunction();
            case WARM_TOTAL -> w.warmTotal();
            case WARM_IDLE_MS -> w.warmIdle().toMillis();
            case CPU_SLOTS -> w.cpuSlotsPerWorker(Runtime.getRuntime().availableProcessors());
            case SANDBOX -> sandbox.mode().option();
            case SANDBOX_UID_BASE -> properties.sandbox().workerUidBase(workerId);
            case SANDBOX_UID_COUNT -> properties.sandbox().uidsPerWorker();
            case SANDBOX_MEMORY_MB -> properties.sandbox().workerMemoryMb(totalRam(), w.count());
            case BODY_IDLE_MS -> w.bodyReadTimeout().toMillis();
            case MAX_BODY_BYTES -> properties.gateway().maxBodySize().toBytes();
            case EXPOSE_STDERR -> Boolean.toString(properties.errors().exposeStderr());
            case CALLS -> runDirectory.callsSocket().toString();
            case MAX_CALL_LOG_BYTES -> properties.logs().maxCallBytes();
            case HANDLER_POOL_SIZE -> w.handlerPoolSize();
            case HANDLER_IDLE_MS -> w.handlerIdle().toMillis();
            case HANDLER_MAX_CALLS -> w.handlerMaxCalls();
        };
    }

    private static long totalRam() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }

    private Path extractWorkerJar() {
        Path target = runDirectory.path().resolve("worker-daemon.jar");
        try (InputStream in = WorkerSupervisor.class.getResourceAsStream("/worker/worker-daemon.jar")) {
            if (in == null) {
                throw new IllegalStateException("worker-daemon.jar is not packaged; build with `mvn package`");
            }
            Path tmp = Files.createTempFile(runDirectory.path(), "worker-daemon", ".jar");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the worker daemon jar", e);
        }
    }

    private static void awaitExit(List<Process> processes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Process p : processes) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
