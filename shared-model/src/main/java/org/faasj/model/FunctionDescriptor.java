package org.faasj.model;

import java.util.Map;
import java.util.Objects;

/**
 * One deployed function version as the routing table knows it.
 *
 * @param name           unique function name ({@code [a-z0-9-]})
 * @param runtime        how the worker runs {@code module}
 * @param method         HTTP method of the route
 * @param route          path of the route, e.g. {@code /api/hello}
 * @param module         artifact path; relative paths are resolved against the data directory
 * @param handler        entry point name, kept for compatibility with the original descriptor
 * @param memoryMb       memory cap of one invocation
 * @param timeoutSeconds wall-clock limit of one invocation
 * @param tmpMb          size cap of the invocation's private {@code /tmp}
 * @param processes      most processes and threads one invocation may have at once
 * @param network        what network the invocation may use; null means {@link Network#OUTBOUND}
 * @param env            extra environment variables for the function
 * @param version        deploy version, grows by one per redeploy
 * @param concurrency    most calls of this function running at once across the node; 0 = no limit of
 *                       its own (the workers' caps still apply)
 * @param mode           a process per call, or a pooled process calling {@code handler}; null means
 *                       {@link ExecutionMode#PROCESS}
 * @param retries        how often an async call of this function is retried after a 5xx, 429 or timeout
 *                       ({@link #DEFAULT_RETRIES} unless the descriptor says otherwise)
 */
public record FunctionDescriptor(
        String name,
        FunctionRuntime runtime,
        String method,
        String route,
        String module,
        String handler,
        int memoryMb,
        int timeoutSeconds,
        int tmpMb,
        int processes,
        Network network,
        Map<String, String> env,
        int version,
        int concurrency,
        ExecutionMode mode,
        int retries) {

    public static final int DEFAULT_MEMORY_MB = 128;
    public static final int DEFAULT_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_TMP_MB = 64;
    public static final int DEFAULT_PROCESSES = 64;
    /** No concurrency limit of the function's own. */
    public static final int UNLIMITED = 0;
    /** Two retries, three attempts in all: rides out a restart of a dependency without hammering it. */
    public static final int DEFAULT_RETRIES = 2;

    public FunctionDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(module, "module");
        env = env == null ? Map.of() : Map.copyOf(env);
        handler = handler == null ? "main" : handler;
        // rows and callers from before the sandbox fields had the host's network
        network = network == null ? Network.OUTBOUND : network;
        // rows and callers from before handler mode ran a process per call
        mode = mode == null ? ExecutionMode.PROCESS : mode;
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency must be 0 (no limit) or more, got " + concurrency);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
        }
    }

    /** A descriptor with the default async retries (as every descriptor was before the field). */
    public FunctionDescriptor(String name, FunctionRuntime runtime, String method, String route, String module, String handler,
                              int memoryMb, int timeoutSeconds, int tmpMb, int processes, Network network,
                              Map<String, String> env, int version, int concurrency, ExecutionMode mode) {
        this(name, runtime, method, route, module, handler, memoryMb, timeoutSeconds, tmpMb, processes, network, env,
                version, concurrency, mode, DEFAULT_RETRIES);
    }

    /** A process-mode descriptor (as every descriptor was before handler mode). */
    public FunctionDescriptor(String name, FunctionRuntime runtime, String method, String route, String module, String handler,
                              int memoryMb, int timeoutSeconds, int tmpMb, int processes, Network network,
                              Map<String, String> env, int version, int concurrency) {
        this(name, runtime, method, route, module, handler, memoryMb, timeoutSeconds, tmpMb, processes, network, env,
                version, concurrency, ExecutionMode.PROCESS);
    }

    /** A descriptor without a concurrency limit of its own (as every descriptor was before the field). */
    public FunctionDescriptor(String name, FunctionRuntime runtime, String method, String route, String module, String handler,
                              int memoryMb, int timeoutSeconds, int tmpMb, int processes, Network network,
                              Map<String, String> env, int version) {
        this(name, runtime, method, route, module, handler, memoryMb, timeoutSeconds, tmpMb, processes, network, env,
                version, UNLIMITED);
    }

    /** Whether calls of this function are counted and queued ({@code concurrency > 0}). */
    public boolean limited() {
        return concurrency > 0;
    }

    /** The routing key the original platform used: {@code METHOD:/path}. */
    public String routeKey() {
        return routeKey(method, route);
    }

    public static String routeKey(String method, String path) {
        return method + ':' + path;
    }
}
