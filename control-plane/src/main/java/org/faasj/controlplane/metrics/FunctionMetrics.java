package org.faasj.controlplane.metrics;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.faasj.controlplane.calls.CallListener;
import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;

/**
 * Per-function meters from the invocation records, under faasj's names ({@code faasj_function_*})
 * and the OpenFaaS gateway's ({@code gateway_function_invocation_total}, {@code gateway_functions_seconds},
 * {@code gateway_service_count}) so OpenFaaS dashboards and alerts work unchanged. Calls in flight and
 * 429s come from the gateway's {@link FunctionLoad}s instead: no worker sees a refused call.
 *
 * <p>Label cardinality stays bounded: {@code code} is the answered status, {@code outcome} one of
 * {@link InvocationOutcome}'s labels, and a function's series go with its route ({@link #retain},
 * run by {@link MetricsSweep}). Records arrive on the one dispatch thread; {@link #retain} runs on
 * the sweep's; the meter registry is thread-safe and both sides are idempotent.
 */
public class FunctionMetrics implements CallListener {

    static final String INVOCATIONS = "faasj.function.invocations";
    static final String DURATION = "faasj.function.duration";
    static final String QUEUE_WAIT = "faasj.function.queue.wait";
    static final String COLD_STARTS = "faasj.function.cold.starts";
    static final String CPU = "faasj.function.cpu";
    static final String IN_FLIGHT = "faasj.function.in.flight";
    static final String OF_INVOCATIONS = "gateway.function.invocation";
    static final String OF_SECONDS = "gateway.functions";
    static final String OF_SERVICE_COUNT = "gateway.service.count";

    /** Function calls last from a millisecond (WASM) to minutes (the largest timeout is 300 s). */
    private static final Duration[] DURATION_BUCKETS = millis(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500,
            5000, 10_000, 30_000, 60_000, 300_000);
    /** Waiting for a concurrency place (up to faas.gateway.concurrency-queue-wait) or a worker thread. */
    private static final Duration[] QUEUE_BUCKETS = millis(0.1, 0.5, 1, 5, 10, 50, 100, 500, 1000, 5000, 10_000, 30_000);
    private static final String REJECTED_CODE = "429";

    private final MeterRegistry registry;
    private final GatewayCounters counters;
    private final LongSupplier readyWorkers;
    /** Functions whose fixed meters (in flight, cold starts, service count, ...) exist. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    /** Functions whose 429 series exist (Micrometer warns when a function counter is registered twice). */
    private final Set<String> rejectable = ConcurrentHashMap.newKeySet();
    /** Each function's meters, so a record does not build and look up meter ids ({@link Meters}). */
    private final ConcurrentMap<String, Meters> meters = new ConcurrentHashMap<>();

    public FunctionMetrics(MeterRegistry registry, GatewayCounters counters, LongSupplier readyWorkers) {
        this.registry = registry;
        this.counters = counters;
        this.readyWorkers = readyWorkers;
    }

    @Override
    public void onCalls(List<InvocationRecord> records) {
        if (!counters.enabled()) {
            return;
        }
        for (InvocationRecord r : records) {
            count(r);
        }
    }

    private void count(InvocationRecord r) {
        String function = r.functionName();
        Meters meters = this.meters.get(function);
        if (meters == null) {
            ensureFunction(function);
            meters = this.meters.computeIfAbsent(function, Meters::new);
        }
        StatusMeters status = meters.of(r.status());
        if (r.status() == 429) { // the same series the gateway's refusals feed (one meter per id)
            ensureRejected(function);
            counters.function(function).rejected();
        } else {
            status.invocations(r.outcome()).increment();
            status.openFaasInvocations().increment();
        }
        status.duration.record(r.durationMicros(), TimeUnit.MICROSECONDS);
        status.openFaasSeconds.record(r.durationMicros(), TimeUnit.MICROSECONDS);
        meters.queueWait.record(Math.max(0, r.queueWaitMicros()), TimeUnit.MICROSECONDS);
        if (r.coldStart()) {
            meters.coldStarts.increment();
        }
        if (r.cpuMicros() > 0) {
            meters.cpu.increment(r.cpuMicros() / 1e6);
        }
    }

    /**
     * One function's meters, found once and kept: building a meter's id and looking it up in the
     * registry costs a few microseconds and some garbage, which per record would be the larger part
     * of what the metrics cost a call. Only the records' dispatch thread reads and fills it; a
     * deleted function's entry goes before its meters leave the registry.
     */
    private final class Meters {
        final String function;
        final Timer queueWait;
        final Counter coldStarts;
        final Counter cpu;
        private final Map<Integer, StatusMeters> byStatus = new HashMap<>();

        Meters(String function) {
            this.function = function;
            this.queueWait = Timer.builder(QUEUE_WAIT)
                    .description("Time a call waited for a concurrency place and a worker thread")
                    .tags("function", function).serviceLevelObjectives(QUEUE_BUCKETS).register(registry);
            this.coldStarts = coldStarts(function);
            this.cpu = cpu(function);
        }

        StatusMeters of(int status) {
            StatusMeters meters = byStatus.get(status);
            if (meters == null) {
                meters = new StatusMeters(function, Integer.toString(status));
                byStatus.put(status, meters);
            }
            return meters;
        }
    }

    /** The meters of one function and answered status. */
    private final class StatusMeters {
        final String function;
        final String code;
        final Timer duration;
        final Timer openFaasSeconds;
        /** Made on first use: a 429 status has the gateway's function counter under this name instead. */
        private Counter openFaasInvocations;
        private final Counter[] byOutcome = new Counter[InvocationOutcome.values().length];

        StatusMeters(String function, String code) {
            this.function = function;
            this.code = code;
            this.duration = Timer.builder(DURATION)
                    .description("Function call duration, from the worker receiving it to its answer's end")
                    .tags("function", function, "code", code).serviceLevelObjectives(DURATION_BUCKETS).register(registry);
            this.openFaasSeconds = Timer.builder(OF_SECONDS).description("Function call duration (OpenFaaS gateway name)")
                    .tags("function_name", function, "code", code).serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry);
        }

        Counter openFaasInvocations() {
            if (openFaasInvocations == null) {
                openFaasInvocations = Counter.builder(OF_INVOCATIONS)
                        .description("Function invocations (OpenFaaS gateway name)")
                        .tags("function_name", function, "code", code).register(registry);
            }
            return openFaasInvocations;
        }

        Counter invocations(InvocationOutcome outcome) {
            Counter counter = byOutcome[outcome.ordinal()];
            if (counter == null) {
                counter = Counter.builder(INVOCATIONS).description("Calls of a function by answered status and outcome")
                        .tags("function", function, "code", code, "outcome", outcome.label()).register(registry);
                byOutcome[outcome.ordinal()] = counter;
            }
            return counter;
        }
    }

    /**
     * Adds the series of deployed functions that have none yet, and removes those of functions no
     * longer deployed (with their gateway loads). {@code limited}: the deployed functions with a
     * concurrency limit, which get their 429 series before the first refusal.
     */
    public void retain(Set<String> deployed, Set<String> limited) {
        if (!counters.enabled()) {
            return;
        }
        deployed.forEach(this::ensureFunction);
        limited.forEach(this::ensureRejected);
        Set<String> gone = new HashSet<>(registered);
        counters.functionNames().forEach(gone::add);
        gone.removeAll(deployed);
        gone.forEach(this::forget);
    }

    private void ensureFunction(String function) {
        if (!registered.add(function)) {
            return;
        }
        Gauge.builder(IN_FLIGHT, inFlightOf(function)).description("Calls of a function handed to a worker and not ended")
                .tag("function", function).strongReference(true).register(registry);
        Gauge.builder(OF_SERVICE_COUNT, () -> readyWorkers.getAsLong())
                .description("Ready replicas of a function (OpenFaaS gateway name): every ready worker runs every function")
                .tag("function_name", function).strongReference(true).register(registry);
        coldStarts(function);
        cpu(function);
    }

    /** The 429 series of both names, read from the function's gateway load. */
    private void ensureRejected(String function) {
        if (!rejectable.add(function)) {
            return;
        }
        FunctionCounter.builder(INVOCATIONS, counters, c -> rejectedOf(c, function))
                .description("Calls of a function by answered status and outcome")
                .tags("function", function, "code", REJECTED_CODE, "outcome", InvocationOutcome.REJECTED_429.label())
                .register(registry);
        FunctionCounter.builder(OF_INVOCATIONS, counters, c -> rejectedOf(c, function))
                .description("Function invocations (OpenFaaS gateway name)")
                .tags("function_name", function, "code", REJECTED_CODE).register(registry);
    }

    private static double rejectedOf(GatewayCounters counters, String function) {
        FunctionLoad load = counters.existing(function);
        return load == null ? 0 : load.rejectedCount();
    }

    private Supplier<Number> inFlightOf(String function) {
        return () -> {
            FunctionLoad load = counters.existing(function);
            return load == null ? 0 : load.inFlight();
        };
    }

    private Counter coldStarts(String function) {
        return Counter.builder(COLD_STARTS).description("Calls of a function that started a new process")
                .tag("function", function).register(registry);
    }

    private Counter cpu(String function) {
        return Counter.builder(CPU).description("CPU time (user + system) of a function's processes")
                .baseUnit("seconds").tag("function", function).register(registry);
    }

    private void forget(String function) {
        meters.remove(function);
        registered.remove(function);
        rejectable.remove(function);
        for (Meter meter : registry.getMeters()) {
            if (belongsTo(meter.getId(), function)) {
                registry.remove(meter);
            }
        }
        counters.forget(function);
    }

    private static boolean belongsTo(Meter.Id id, String function) {
        String name = id.getName();
        if (name.startsWith("faasj.function.") || name.startsWith("faasj.async.")) {
            return function.equals(id.getTag("function"));
        }
        return name.startsWith("gateway.") && function.equals(id.getTag("function_name"));
    }

    private static Duration[] millis(double... values) {
        Duration[] buckets = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            buckets[i] = Duration.ofNanos((long) (values[i] * 1_000_000));
        }
        return buckets;
    }
}
