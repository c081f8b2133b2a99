package org.faasj.controlplane.system;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code faas.*}. Defaults are the embedded, nothing-to-install set-up.
 *
 * @param dataDir    SQLite file {@code faas_meta.db}, function artifacts, runtime sockets
 * @param adminToken bearer token for deploys; generated into the data dir when empty
 */
@ConfigurationProperties("faas")
public record FaasProperties(
        @DefaultValue("./data") Path dataDir,
        String adminToken,
        @DefaultValue Gateway gateway,
        @DefaultValue Workers workers,
        @DefaultValue Routing routing,
        @DefaultValue Deploy deploy,
        @DefaultValue Sandbox sandbox,
        @DefaultValue Shutdown shutdown,
        @DefaultValue Security security,
        @DefaultValue Errors errors,
        @DefaultValue Invocations invocations,
        @DefaultValue Logs logs,
        @DefaultValue Metrics metrics,
        @DefaultValue Async async,
        @DefaultValue Store store) {

    /**
     * The public HTTP acceptor.
     *
     * @param port              public port for functions, console, API and actuator
     * @param bindAddress       address to listen on
     * @param ioThreads         event-loop threads (0 = one per core)
     * @param headReadTimeout   a client must send a complete request head within this time
     * @param keepAliveTimeout  an idle keep-alive connection is closed after this time
     * @param maxHeadSize       larger request heads get 431
     * @param maxBodySize       larger request bodies get 413
     * @param handoffGrace      extra time past a function's timeout before the gateway cuts the connection
     * @param maxConnections    client connections held at once; past it a new one gets 503 and is closed
     *                          (0 = one per 64 KiB of heap, between 256 and 10,000)
     * @param maxConnectionsPerClient client connections one client address may hold at once; past it 503
     * @param initialBufferSize a connection's read buffer at first; it grows while a head is incomplete,
     *                          up to {@code maxHeadSize} plus room for the start of a body
     * @param writeTimeout      a client must take each answer of the gateway's own (errors, {@code 100 Continue})
     *                          within this time, else its connection is closed
     * @param workerSendTimeout a hand-off a worker does not take within this time goes to another worker
     * @param concurrencyQueue  calls of one function with a {@code concurrency} limit that may wait for a
     *                          place; more get 429
     * @param concurrencyQueueWait longest a call waits in that queue before it gets 429
     * @param relay             limits of the relay that carries console, API and actuator requests to Spring
     */
    public record Gateway(
            @DefaultValue("8080") int port,
            @DefaultValue("0.0.0.0") String bindAddress,
            @DefaultValue("0") int ioThreads,
            @DefaultValue("10s") Duration headReadTimeout,
            @DefaultValue("60s") Duration keepAliveTimeout,
            @DefaultValue("16KB") DataSize maxHeadSize,
            @DefaultValue("8MB") DataSize maxBodySize,
            @DefaultValue("10s") Duration handoffGrace,
            @DefaultValue("0") int maxConnections,
            @DefaultValue("1000") int maxConnectionsPerClient,
            @DefaultValue("2KB") DataSize initialBufferSize,
            @DefaultValue("10s") Duration writeTimeout,
            @DefaultValue("1s") Duration workerSendTimeout,
            @DefaultValue("100") int concurrencyQueue,
            @DefaultValue("10s") Duration concurrencyQueueWait,
            @DefaultValue Relay relay) {
    }

    /**
     * The relay of platform paths (console, API, actuator) to Spring's loopback server: one or two
     * blocking threads per relayed request, so every relay is bounded in number and in time.
     *
     * @param idleTimeout  a client that sends no byte of its request body, or reads no byte of the
     *                     answer, for this long is cut (a body cut short gets 408)
     * @param totalTimeout longest a relayed request may take from head to last answer byte (an upload
     *                     plus its compile)
     * @param maxRelays    relayed requests at once, health checks not counted; more get 503
     * @param maxUploads   of those, requests with a body (they can be slow); more get 503
     * @param maxPerClient relayed requests at once from one client address; more get 429
     * @param healthRelays relays kept for {@code GET /actuator/health*} and {@code GET /actuator/prometheus}
     *                     alone, so a probe or a scrape never waits behind uploads
     * @param maxAsyncEnqueues relayed {@code /async-function/...} enqueues at once, a bucket of their own
     *                     (not capped per client: a benchmark or a batch job sends from one address); more get 429
     */
    public record Relay(
            @DefaultValue("10s") Duration idleTimeout,
            @DefaultValue("120s") Duration totalTimeout,
            @DefaultValue("64") int maxRelays,
            @DefaultValue("32") int maxUploads,
            @DefaultValue("8") int maxPerClient,
            @DefaultValue("8") int healthRelays,
            @DefaultValue("64") int maxAsyncEnqueues) {
    }

    /**
     * The worker daemons.
     *
     * @param count           worker JVMs to run
     * @param maxConcurrency  requests one worker executes at once
     * @param maxQueued       requests one worker queues beyond that before answering 503
     * @param outputCap       largest function output; more answers 502
     * @param metricsInterval how often a worker reports its load
     * @param staleAfter      a worker silent this long is skipped by the scheduler
     * @param warmPerFunction PHP processes a worker starts ahead of requests, per function in use (0: no warm pool)
     * @param warmTotal       warm PHP processes one worker keeps over all functions
     * @param warmIdle        a warm process nobody took for this long is killed
     * @param cpuSlots        function processes one worker lets run on a CPU at once; 0 splits two
     *                        per core over the workers (see {@link #cpuSlotsPerWorker(int)})
     * @param jvmOptions      options for each worker JVM
     * @param bodyReadTimeout a client that sends no byte of its request body for this long is cut off
     *                        (408, the function killed): it cannot hold a worker's body pump
     * @param handlerPoolSize handler-mode processes per function version and worker when the
     *                        descriptor sets no {@code concurrency}
     * @param handlerIdle     a handler-mode process idle this long is stopped
     * @param handlerMaxCalls a handler-mode process is replaced after this many calls
     */
    public record Workers(
            @DefaultValue("4") int count,
            @DefaultValue("32") int maxConcurrency,
            @DefaultValue("256") int maxQueued,
            @DefaultValue("6MB") DataSize outputCap,
            @DefaultValue("500ms") Duration metricsInterval,
            @DefaultValue("2s") Duration staleAfter,
            @DefaultValue("2") int warmPerFunction,
            @DefaultValue("16") int warmTotal,
            @DefaultValue("30s") Duration warmIdle,
            @DefaultValue("0") int cpuSlots,
            // -Xmx128m, not 48m, for WASM: Chicory keeps each cached module parsed on the heap
            // (measured 1.1 MB live for a 33 KB C hello; 22 modules took 26 MB of old gen after a
            // full GC) and linear memories are heap byte arrays; the worker splits its heap
            // 2/5 module cache, 2/5 linear memory, 1/5 itself. A worker not running WASM stays at
            // its old footprint: the heap only grows when used. -Xms16m because the JVM would
            // otherwise start with min(Xmx, RAM/64) = 128 MB committed: under wrk load that put each
            // worker at 101-105 MB RSS, with -Xms16m 81 MB, at the same throughput.
            // CompileThresholdScaling=0.05: a worker runs its per-request code once per request, and
            // at 40 PHP requests/s it took about a minute to reach C1's thresholds; until then it ran
            // in the bytecode interpreter. Under wrk -c16 PHP load (perf, 8 s, 2 cores) the worker's
            // request threads fell from 4.8-5.0 % to 2.9-3.0 % of all CPU and C1 from 1.6 to 0.5 %,
            // leaving the PHP processes 87.6-89.3 % instead of 84.0-85.5 %.
            // -XX:-DontCompileHugeMethods: Chicory compiles a WASM function to one JVM method, and a
            // C guest's big functions (printf's) pass the JVM's 8,000-byte limit, so they stayed in
            // the bytecode interpreter for good: hello's _start took 13.5 µs per call, compiled 2.8.
            // TrimNativeHeapInterval=2000 (experimental in JDK 17.0.9+, left out by WorkerSupervisor
            // where the JVM lacks it): C1 compiling those big methods and the process-mode paths leave
            // freed native memory in glibc's arenas, which RSS kept: under PHP, native and WASM load in
            // turn a worker peaked at 98-104 MB (NMT: 57 MB committed by the JVM), trimmed every 2 s at
            // 69-75 MB, at the same throughput (docs/ARCHITECTURE.md, WASM round 6).
            @DefaultValue({"-Xms16m", "-Xmx128m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-XX:CompileThresholdScaling=0.05", "-XX:-DontCompileHugeMethods", "-XX:ReservedCodeCacheSize=24m",
                    "-XX:MaxMetaspaceSize=48m", "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=2000"})
            List<String> jvmOptions,
            @DefaultValue("10s") Duration bodyReadTimeout,
            @DefaultValue("4") int handlerPoolSize,
            @DefaultValue("60s") Duration handlerIdle,
            @DefaultValue("10000") int handlerMaxCalls) {

        /**
         * About two CPU-bound processes per core over all workers, at least one per worker: the
         * workers share the cores, and more starts at once only slow each other down.
         */
        public int cpuSlotsPerWorker(int cores) {
            if (cpuSlots > 0) {
                return cpuSlots;
            }
            return Math.max(1, (2 * cores + count - 1) / Math.max(1, count));
        }
    }

    /**
     * The route table's sync with SQLite.
     *
     * @param pollInterval how often the table is checked for changes made by anyone
     */
    public record Routing(@DefaultValue("500ms") Duration pollInterval) {
    }

    /**
     * The deploy API and its compile pipeline.
     *
     * @param maxCodeSize     largest uploaded source or module; larger answers 413
     * @param compileTimeout  a compiler or checker running longer is killed (with its children)
     * @param outputCap       compiler output kept for the 422 answer; the rest is drained and dropped
     * @param parallelBuilds  compiles running at once; more wait (a gcc -O2 wants a core to itself)
     * @param cleanupGrace    extra time past the old version's timeout before its artifacts are removed
     * @param keepVersions    versions kept per function, with their artifacts, for rollback (the active
     *                        one is always kept as well); at least 1
     */
    public record Deploy(
            @DefaultValue("10MB") DataSize maxCodeSize,
            @DefaultValue("60s") Duration compileTimeout,
            @DefaultValue("64KB") DataSize outputCap,
            @DefaultValue("2") int parallelBuilds,
            @DefaultValue("10s") Duration cleanupGrace,
            @DefaultValue("5") int keepVersions) {
    }

    /**
     * Isolation of function processes and builds (worker-daemon/src/main/c/sandbox.c).
     *
     * @param enabled        false runs every process like any child of the platform (for measuring
     *                       the sandbox's cost; logged as a warning)
     * @param required       when the host cannot isolate processes, refuse to run them (503) rather
     *                       than run them unisolated
     * @param uidBase        first of the uids the sandbox uses (as root): builds get this one, worker
     *                       {@code n} the {@code uidsPerWorker} after {@code uidBase + 1 + n * uidsPerWorker};
     *                       no account of the host may use them
     * @param uidsPerWorker  most sandboxed processes one worker keeps alive at once (each has its own uid)
     * @param workerMemory   memory cgroup limit of one worker's function processes together, on top of
     *                       each process's own {@code memory}; 0 = half the machine's RAM split over the workers
     * @param buildMemory    data limit of a compiler process
     * @param buildTmp       size of a build's private /tmp
     * @param buildProcesses most processes of one build
     * @param guardLoopback  as root, keep functions with network outbound off this host's own addresses
     *                       and the link-local range but for the gateway's port and DNS (a firewall rule,
     *                       sandbox.LoopbackGuard)
     */
    public record Sandbox(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("true") boolean required,
            @DefaultValue("1500000000") long uidBase,
            @DefaultValue("1024") int uidsPerWorker,
            @DefaultValue("0") DataSize workerMemory,
            @DefaultValue("2GB") DataSize buildMemory,
            @DefaultValue("256MB") DataSize buildTmp,
            @DefaultValue("64") int buildProcesses,
            @DefaultValue("true") boolean guardLoopback) {

        /** {@code workerMemory}, or half of {@code totalRam} split over {@code workers}; in MB. */
        public long workerMemoryMb(long totalRam, int workers) {
            long bytes = workerMemory.toBytes() > 0 ? workerMemory.toBytes() : totalRam / 2 / Math.max(1, workers);
            return Math.max(64, bytes >> 20);
        }

        /** The first uid of worker {@code workerId}'s range. */
        public long workerUidBase(int workerId) {
            return uidBase + 1 + (long) workerId * uidsPerWorker;
        }
    }

    /**
     * Graceful shutdown on SIGTERM.
     *
     * @param grace longest the gateway waits for calls in flight before it stops them and the workers
     */
    public record Shutdown(@DefaultValue("30s") Duration grace) {
    }

    /**
     * What a browser may do with the console and the admin API ({@code /}, {@code /upload},
     * {@code /system/**}, {@code /actuator/**}); function routes are not affected.
     *
     * @param allowedHosts   host names (without port) the console and API answer to besides the
     *                       loopback names, this machine's host name and the bound address (all
     *                       local addresses when bound to the wildcard); others get 403, which
     *                       stops DNS rebinding. {@code *} allows any host
     * @param allowedOrigins origins ({@code scheme://host[:port]}) besides the platform's own from
     *                       which a browser may send writes (POST, PUT, PATCH, DELETE) to the admin
     *                       API; a write with any other {@code Origin} header gets 403
     */
    public record Security(
            @DefaultValue({}) List<String> allowedHosts,
            @DefaultValue({}) List<String> allowedOrigins) {
    }

    /**
     * What a caller learns when a function fails.
     *
     * @param exposeStderr put the last 2 KiB of a failed function's stderr into its 500 answer; off,
     *                     the answer has the exit code and the call id, and stderr goes to the worker's log
     */
    public record Errors(@DefaultValue("false") boolean exposeStderr) {
    }

    /**
     * The invocation record store, {@code <dataDir>/calls.db} (a database of its own: writes to the
     * routes database would make the route sync reload all routes).
     *
     * @param maxPerFunction records kept per function; older ones are pruned
     * @param maxAge         records older than this are pruned
     */
    public record Invocations(
            @DefaultValue("1000") int maxPerFunction,
            @DefaultValue("24h") Duration maxAge) {
    }

    /**
     * What each call's invocation record keeps of its output, and the function logs made of it,
     * {@code <dataDir>/logs/<function>.log} (NDJSON, one stderr line per line).
     *
     * @param maxCallBytes        first bytes of a call's stderr kept in its record (0: none); the rest is
     *                            counted in a last line
     * @param maxBytesPerFunction most a function's log and its one rotated predecessor hold together
     * @param maxFollowers        {@code follow=true} streams open at once; more get 429
     * @param followTimeout       a follow stream ends after this long
     */
    public record Logs(
            @DefaultValue("8192") int maxCallBytes,
            @DefaultValue("10MB") DataSize maxBytesPerFunction,
            @DefaultValue("16") int maxFollowers,
            @DefaultValue("1h") Duration followTimeout) {
        public Logs {
            if (maxCallBytes < 0) {
                throw new IllegalArgumentException("faas.logs.max-call-bytes must be at least 0");
            }
        }
    }

    /**
     * Prometheus metrics ({@code /actuator/prometheus}).
     *
     * @param enabled       false: no per-call or per-request counting at all (the gateway's event loops
     *                      skip their counters, invocation records are not turned into meters); the
     *                      endpoint still answers with the JVM's own metrics
     * @param sweepInterval how often the meters of functions deployed since are added and those of
     *                      deleted functions removed (so a deleted function stops being exported)
     */
    public record Metrics(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("10s") Duration sweepInterval) {
    }

    /**
     * Durable async calls ({@code /async-function/<route>}), stored in {@code <dataDir>/async.db}.
     *
     * @param maxConcurrencyPerFunction async calls of one function running at once
     * @param maxConcurrency     async calls running at once over all functions (the dispatcher's threads)
     * @param retryBase          delay before the first retry; each further retry doubles it (with jitter)
     * @param retryCap           longest delay between two attempts, {@code Retry-After} aside
     * @param timeoutGrace       extra time past a function's timeout before an attempt counts as timed out
     * @param pollInterval       how often the dispatcher looks for calls that became due (a new call wakes it at once)
     * @param resultCap          most answer body kept as a call's result; the rest is dropped ({@code truncated})
     * @param retention          finished calls are deleted this long after they ended
     * @param callbackRetries    retries of a callback POST that failed (connection error, non-2xx)
     * @param callbackTimeout    longest one callback POST may take
     * @param callbackAllowPrivate let callbacks go to loopback, link-local and private addresses (off: such a
     *                           callback is refused when it is sent, so a caller cannot reach the host's own services)
     * @param maxBatch           enqueues committed together in one transaction at most
     * @param routeWait          cluster mode: for this long after its enqueue, a call claimed by a node
     *                           whose route table does not have its function (or its version) yet goes
     *                           back to the queue, its attempt not counted, instead of failing (or
     *                           running the older version); after it the node's table is taken as true
     */
    public record Async(
            @DefaultValue("2") int maxConcurrencyPerFunction,
            @DefaultValue("8") int maxConcurrency,
            @DefaultValue("1s") Duration retryBase,
            @DefaultValue("5m") Duration retryCap,
            @DefaultValue("10s") Duration timeoutGrace,
            @DefaultValue("250ms") Duration pollInterval,
            @DefaultValue("1MB") DataSize resultCap,
            @DefaultValue("24h") Duration retention,
            @DefaultValue("3") int callbackRetries,
            @DefaultValue("10s") Duration callbackTimeout,
            @DefaultValue("false") boolean callbackAllowPrivate,
            @DefaultValue("256") int maxBatch,
            @DefaultValue("10s") Duration routeWait) {
        public Async {
            if (maxConcurrencyPerFunction < 1 || maxConcurrency < 1) {
                throw new IllegalArgumentException("faas.async.max-concurrency and max-concurrency-per-function must be at least 1");
            }
            if (callbackRetries < 0 || maxBatch < 1) {
                throw new IllegalArgumentException("faas.async.callback-retries must be at least 0 and max-batch at least 1");
            }
        }
    }

    /**
     * Where the routes, versions and (in cluster mode) artifacts and the node registry live.
     *
     * @param url            empty: the embedded SQLite file in the data dir; {@code jdbc:postgresql://...}:
     *                       one PostgreSQL database shared by every node of a cluster
     * @param username       PostgreSQL user
     * @param password       PostgreSQL password
     * @param poolSize       connections this node holds to PostgreSQL at most (plus two it keeps for
     *                       watching changes)
     * @param connectTimeout longest wait for a connection: past it a deploy answers 503 and health DOWN
     * @param heartbeat      how often this node updates its row in the node registry; a node whose row
     *                       is older than three heartbeats is listed as not alive
     * @param nodeAddress    how other nodes and operators reach this node (default: host name and
     *                       gateway port)
     */
    public record Store(
            String url,
            String username,
            String password,
            @DefaultValue("8") int poolSize,
            @DefaultValue("2s") Duration connectTimeout,
            @DefaultValue("3s") Duration heartbeat,
            String nodeAddress) {
    }
}
