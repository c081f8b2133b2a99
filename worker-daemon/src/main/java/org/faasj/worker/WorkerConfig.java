package org.faasj.worker;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.faasj.worker.spawn.SandboxConfig;
import org.faasj.worker.spawn.SandboxMode;

/**
 * The worker's command-line options, parsed once.
 *
 * @param id                 the supervisor's slot number, reported in metrics and {@code X-Faas-Worker}
 * @param socket             Unix stream socket the gateway hands clients over on
 * @param metricsSocket      Unix datagram socket of the control plane's metrics collector
 * @param scratch            private directory: launcher, stderr files, the functions' working directory
 * @param maxConcurrency     function invocations running at once
 * @param maxQueued          invocations waiting for a free slot before the worker answers 503
 * @param outputCap          most stdout bytes a function may produce
 * @param metricsIntervalMs  period of the metrics datagram
 * @param functionPath       PATH given to functions and searched for their interpreters
 * @param warmPerFunction    PHP processes kept started ahead of requests, per function (0: no warm pool)
 * @param warmTotal          warm PHP processes kept by this worker over all functions
 * @param warmIdleMs         a warm process nobody took for this long is killed
 * @param cpuSlots           function processes this worker lets run on a CPU at once (see CpuGate)
 * @param sandbox            how function processes are isolated (off unless the control plane says so)
 * @param bodyIdleMs         a client that sends no byte of its request body for this long is cut off (408)
 * @param maxBodyBytes       largest request body; a larger chunked body is refused with 413 (the gateway
 *                           refuses a larger Content-Length itself)
 * @param exposeStderr       a failed function's stderr tail goes into its 500 answer (else only to the log)
 */
public record WorkerConfig(
        int id,
        Path socket,
        Path metricsSocket,
        Path scratch,
        int maxConcurrency,
        int maxQueued,
        int outputCap,
        long metricsIntervalMs,
        String functionPath,
        int warmPerFunction,
        int warmTotal,
        long warmIdleMs,
        int cpuSlots,
        SandboxConfig sandbox,
        int bodyIdleMs,
        long maxBodyBytes,
        boolean exposeStderr) {

    public static final String DEFAULT_FUNCTION_PATH = "/usr/local/bin:/usr/bin:/bin";
    /**
     * Two per function: at one connection back to back the next process has had about two requests'
     * time to start. Measured (wrk -t1 -c1 GET /ping, 2 cores): p50 6.0 ms warm vs 12.0 ms cold, with
     * {@code php ping.php} alone taking ~10 ms; a warm process answers ~2.5 ms after its request arrives.
     */
    public static final int DEFAULT_WARM_PER_FUNCTION = 2;
    /**
     * A php CLI waiting in the prelude is ~17.5 MB RSS, of which ~4 MB anonymous and the rest shared
     * file pages (measured with php 8.2): 16 cost ~70 MB of private memory at most.
     */
    public static final int DEFAULT_WARM_TOTAL = 16;
    public static final long DEFAULT_WARM_IDLE_MS = 30_000;
    /**
     * Two per core when the worker runs alone; the control plane splits that figure over its
     * workers instead, since they share the cores.
     */
    public static final int DEFAULT_CPU_SLOTS = 2 * java.lang.Runtime.getRuntime().availableProcessors();

    /** As long as the gateway's request head timeout: a body should not be slower to start than a head. */
    public static final int DEFAULT_BODY_IDLE_MS = 10_000;
    /** The gateway's default {@code faas.gateway.max-body-size}. */
    public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;

    /** The options from before the body limits existed, with their defaults. */
    public WorkerConfig(int id, Path socket, Path metricsSocket, Path scratch, int maxConcurrency, int maxQueued,
                        int outputCap, long metricsIntervalMs, String functionPath, int warmPerFunction, int warmTotal,
                        long warmIdleMs, int cpuSlots, SandboxConfig sandbox) {
        this(id, socket, metricsSocket, scratch, maxConcurrency, maxQueued, outputCap, metricsIntervalMs, functionPath,
                warmPerFunction, warmTotal, warmIdleMs, cpuSlots, sandbox, DEFAULT_BODY_IDLE_MS, DEFAULT_MAX_BODY_BYTES, false);
    }

    /** The options from before the warm pool existed, with its defaults. */
    public WorkerConfig(int id, Path socket, Path metricsSocket, Path scratch, int maxConcurrency, int maxQueued,
                        int outputCap, long metricsIntervalMs, String functionPath) {
        this(id, socket, metricsSocket, scratch, maxConcurrency, maxQueued, outputCap, metricsIntervalMs, functionPath,
                DEFAULT_WARM_PER_FUNCTION, DEFAULT_WARM_TOTAL, DEFAULT_WARM_IDLE_MS, DEFAULT_CPU_SLOTS, SandboxConfig.OFF);
    }

    public WorkerConfig {
        require(maxConcurrency > 0, "--max-concurrency must be positive");
        require(maxQueued >= 0, "--max-queued must not be negative");
        require(outputCap > 0, "--output-cap must be positive");
        require(metricsIntervalMs > 0, "--metrics-interval-ms must be positive");
        require(warmPerFunction >= 0, "--warm-per-function must not be negative");
        require(warmTotal >= 0, "--warm-total must not be negative");
        require(warmIdleMs > 0, "--warm-idle-ms must be positive");
        require(cpuSlots > 0, "--cpu-slots must be positive");
        require(sandbox != null, "sandbox settings are required");
        require(bodyIdleMs > 0, "--body-idle-ms must be positive");
        require(maxBodyBytes > 0, "--max-body-bytes must be positive");
        require(sandbox.mode() != SandboxMode.ON || sandbox.uidBase() > 0, "--sandbox on needs --sandbox-uid-base");
    }

    /** Parses {@code --name value} pairs; unknown names and missing required ones are errors. */
    public static WorkerConfig parse(String... args) {
        Map<String, String> options = pairs(args);
        WorkerConfig config = new WorkerConfig(
                Integer.parseInt(required(options, "--id")),
                Path.of(required(options, "--socket")),
                Path.of(required(options, "--metrics")),
                Path.of(required(options, "--scratch")),
                Integer.parseInt(options.getOrDefault("--max-concurrency", "32")),
                Integer.parseInt(options.getOrDefault("--max-queued", "256")),
                Integer.parseInt(options.getOrDefault("--output-cap", String.valueOf(6 << 20))),
                Long.parseLong(options.getOrDefault("--metrics-interval-ms", "500")),
                options.getOrDefault("--function-path", DEFAULT_FUNCTION_PATH),
                Integer.parseInt(options.getOrDefault("--warm-per-function", String.valueOf(DEFAULT_WARM_PER_FUNCTION))),
                Integer.parseInt(options.getOrDefault("--warm-total", String.valueOf(DEFAULT_WARM_TOTAL))),
                Long.parseLong(options.getOrDefault("--warm-idle-ms", String.valueOf(DEFAULT_WARM_IDLE_MS))),
                Integer.parseInt(options.getOrDefault("--cpu-slots", String.valueOf(DEFAULT_CPU_SLOTS))),
                new SandboxConfig(SandboxMode.parse(options.getOrDefault("--sandbox", "off")),
                        Long.parseLong(options.getOrDefault("--sandbox-uid-base", "0")),
                        Integer.parseInt(options.getOrDefault("--sandbox-uid-count", "1")),
                        Long.parseLong(options.getOrDefault("--sandbox-memory-mb", "0"))),
                Integer.parseInt(options.getOrDefault("--body-idle-ms", String.valueOf(DEFAULT_BODY_IDLE_MS))),
                Long.parseLong(options.getOrDefault("--max-body-bytes", String.valueOf(DEFAULT_MAX_BODY_BYTES))),
                Boolean.parseBoolean(options.getOrDefault("--expose-stderr", "false")));
        options.keySet().removeAll(List.of("--id", "--socket", "--metrics", "--scratch",
                "--max-concurrency", "--max-queued", "--output-cap", "--metrics-interval-ms", "--function-path",
                "--warm-per-function", "--warm-total", "--warm-idle-ms", "--cpu-slots",
                "--sandbox", "--sandbox-uid-base", "--sandbox-uid-count", "--sandbox-memory-mb",
                "--body-idle-ms", "--max-body-bytes", "--expose-stderr"));
        require(options.isEmpty(), "unknown options: " + options.keySet());
        return config;
    }

    private static Map<String, String> pairs(String[] args) {
        require(args.length % 2 == 0, "options come in '--name value' pairs");
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            require(args[i].startsWith("--"), "expected an option name, got '" + args[i] + "'");
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        require(value != null, name + " is required");
        return value;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
