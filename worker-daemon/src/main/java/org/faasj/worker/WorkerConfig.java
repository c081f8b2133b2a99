package org.faasj.worker;

import static org.faasj.model.WorkerOption.BODY_IDLE_MS;
import static org.faasj.model.WorkerOption.CALLS;
import static org.faasj.model.WorkerOption.CPU_SLOTS;
import static org.faasj.model.WorkerOption.FUNCTION_PATH;
import static org.faasj.model.WorkerOption.ID;
import static org.faasj.model.WorkerOption.EXPOSE_STDERR;
import static org.faasj.model.WorkerOption.MAX_BODY_BYTES;
import static org.faasj.model.WorkerOption.MAX_CALL_LOG_BYTES;
import static org.faasj.model.WorkerOption.MAX_CONCURRENCY;
import static org.faasj.model.WorkerOption.MAX_QUEUED;
import static org.faasj.model.WorkerOption.METRICS;
import static org.faasj.model.WorkerOption.METRICS_INTERVAL_MS;
import static org.faasj.model.WorkerOption.OUTPUT_CAP;
import static org.faasj.model.WorkerOption.SANDBOX;
import static org.faasj.model.WorkerOption.SANDBOX_MEMORY_MB;
import static org.faasj.model.WorkerOption.SANDBOX_UID_BASE;
import static org.faasj.model.WorkerOption.SANDBOX_UID_COUNT;
import static org.faasj.model.WorkerOption.SCRATCH;
import static org.faasj.model.WorkerOption.SOCKET;
import static org.faasj.model.WorkerOption.WARM_IDLE_MS;
import static org.faasj.model.WorkerOption.WARM_PER_FUNCTION;
import static org.faasj.model.WorkerOption.WARM_TOTAL;

import java.nio.file.Path;

import org.faasj.model.WorkerOption;
import org.faasj.model.WorkerOptions;
import org.faasj.worker.spawn.SandboxConfig;
import org.faasj.worker.spawn.SandboxMode;

/**
 * The worker's command-line options ({@link WorkerOption} says what each means and its default),
 * parsed and checked once, read by the worker's parts through the accessors below.
 */
public final class WorkerConfig {

    private final WorkerOptions options;
    private final SandboxConfig sandbox;

    public WorkerConfig(WorkerOptions options) {
        this.options = options;
        this.sandbox = new SandboxConfig(SandboxMode.parse(options.text(SANDBOX)), options.longValue(SANDBOX_UID_BASE),
                options.intValue(SANDBOX_UID_COUNT), options.longValue(SANDBOX_MEMORY_MB));
        if (sandbox.on() && sandbox.uidBase() <= 0) {
            throw new IllegalArgumentException("--sandbox on needs --sandbox-uid-base");
        }
    }

    /** Parses {@code --name value} pairs; unknown names, bad values and missing required ones are errors. */
    public static WorkerConfig parse(String... args) {
        return new WorkerConfig(WorkerOptions.parse(args));
    }

    public WorkerOptions options() {
        return options;
    }

    public int id() {
        return options.intValue(ID);
    }

    public Path socket() {
        return options.path(SOCKET);
    }

    public Path metricsSocket() {
        return options.path(METRICS);
    }

    public Path scratch() {
        return options.path(SCRATCH);
    }

    public int maxConcurrency() {
        return options.intValue(MAX_CONCURRENCY);
    }

    public int maxQueued() {
        return options.intValue(MAX_QUEUED);
    }

    public int outputCap() {
        return options.intValue(OUTPUT_CAP);
    }

    public long metricsIntervalMs() {
        return options.longValue(METRICS_INTERVAL_MS);
    }

    public String functionPath() {
        return options.text(FUNCTION_PATH);
    }

    public int warmPerFunction() {
        return options.intValue(WARM_PER_FUNCTION);
    }

    public int warmTotal() {
        return options.intValue(WARM_TOTAL);
    }

    public long warmIdleMs() {
        return options.longValue(WARM_IDLE_MS);
    }

    public int cpuSlots() {
        return options.intValue(CPU_SLOTS);
    }

    public SandboxConfig sandbox() {
        return sandbox;
    }

    public int bodyIdleMs() {
        return options.intValue(BODY_IDLE_MS);
    }

    public long maxBodyBytes() {
        return options.longValue(MAX_BODY_BYTES);
    }

    public boolean exposeStderr() {
        return "true".equals(options.text(EXPOSE_STDERR));
    }

    /** Where invocation records go; null when none are sent. */
    public Path callsSocket() {
        String path = options.text(CALLS);
        return path == null || path.isEmpty() ? null : Path.of(path);
    }

    /** First bytes of a call's stderr kept in its invocation record. */
    public int maxCallLogBytes() {
        return options.intValue(MAX_CALL_LOG_BYTES);
    }

    public int handlerPoolSize() {
        return options.intValue(WorkerOption.HANDLER_POOL_SIZE);
    }

    public long handlerIdleMs() {
        return options.longValue(WorkerOption.HANDLER_IDLE_MS);
    }

    public int handlerMaxCalls() {
        return options.intValue(WorkerOption.HANDLER_MAX_CALLS);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkerConfig other && options.equals(other.options);
    }

    @Override
    public int hashCode() {
        return options.hashCode();
    }

    @Override
    public String toString() {
        return "WorkerConfig[" + options + "]";
    }
}
