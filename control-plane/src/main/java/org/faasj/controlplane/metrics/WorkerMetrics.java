package org.faasj.controlplane.metrics;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.faasj.controlplane.workers.WorkerPool;
import org.faasj.controlplane.workers.WorkerSlot;
import org.faasj.model.MetricsDatagram;

/**
 * Per worker slot (label {@code worker}): its latest load report (score, cpu, RSS), the calls the
 * gateway has in flight on it, whether it is ready, and how often the supervisor restarted it.
 * Read from the slot when Prometheus scrapes. Workers report no queue depth, so there is none here.
 */
class WorkerMetrics implements MeterBinder {

    private final WorkerPool pool;
    private final boolean enabled;

    WorkerMetrics(WorkerPool pool, boolean enabled) {
        this.pool = pool;
        this.enabled = enabled;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!enabled) {
            return;
        }
        for (WorkerSlot slot : pool.slots()) {
            String worker = Integer.toString(slot.id());
            report(registry, "faasj.worker.score", "Load score 0-100 (0.5 cpu + 0.3 mem + 0.2 io, smoothed)",
                    slot, worker, MetricsDatagram::score, null);
            report(registry, "faasj.worker.cpu", "CPU use 0-100 of the worker and its function processes",
                    slot, worker, MetricsDatagram::cpu, null);
            report(registry, "faasj.worker.rss", "Resident memory of the worker and its function processes",
                    slot, worker, m -> m.rssBytes(), "bytes");
            Gauge.builder("faasj.worker.in.flight", slot, WorkerSlot::inFlight)
                    .description("Calls the gateway has handed to this worker and not seen end")
                    .tag("worker", worker).register(registry);
            Gauge.builder("faasj.worker.ready", slot, s -> s.isReady() ? 1 : 0)
                    .description("1 while a live worker process with a connected link fills the slot")
                    .tag("worker", worker).register(registry);
            FunctionCounter.builder("faasj.worker.restarts", slot, WorkerSlot::restarts)
                    .description("Times the supervisor replaced this slot's worker process")
                    .tag("worker", worker).register(registry);
        }
    }

    /** A gauge of the latest report; NaN (no sample) while the worker has not reported. */
    private static void report(MeterRegistry registry, String name, String description, WorkerSlot slot,
                               String worker, ToDoubleFunction<MetricsDatagram> value, String unit) {
        Gauge.builder(name, slot, s -> {
            MetricsDatagram m = s.metrics();
            return m == null ? Double.NaN : value.applyAsDouble(m);
        }).description(description).baseUnit(unit).tag("worker", worker).register(registry);
    }
}
