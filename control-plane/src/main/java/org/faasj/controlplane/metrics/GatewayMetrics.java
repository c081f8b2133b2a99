package org.faasj.controlplane.metrics;

import java.util.function.LongSupplier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The gateway's own numbers: connections open, answers it wrote itself by status, hand-offs a
 * worker did not take, relayed console/API requests, and invocation records dropped because their
 * listeners fell behind or the record store could not take them (refused, or down longer than its
 * buffer lasts). The loops' counters are summed when Prometheus scrapes, never before.
 */
class GatewayMetrics implements MeterBinder {

    private final GatewayCounters counters;
    /** Held here: Micrometer keeps only a weak reference to a function counter's object. */
    private final LongSupplier droppedRecords;

    GatewayMetrics(GatewayCounters counters, LongSupplier droppedRecords) {
        this.counters = counters;
        this.droppedRecords = droppedRecords;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!counters.enabled()) {
            return;
        }
        Gauge.builder("faasj.gateway.connections.open", counters, GatewayCounters::connectionsOpen)
                .description("Client connections the gateway holds").register(registry);
        for (int i = 0; i < LoopCounters.CODES.length; i++) {
            int code = i;
            FunctionCounter.builder("faasj.gateway.answers", counters, c -> sum(c, l -> l.answers(code)))
                    .description("Answers the gateway wrote itself (not a function's), by status")
                    .tag("code", Integer.toString(LoopCounters.CODES[i])).register(registry);
        }
        FunctionCounter.builder("faasj.gateway.answers", counters, c -> sum(c, LoopCounters::otherAnswers))
                .description("Answers the gateway wrote itself (not a function's), by status")
                .tag("code", "other").register(registry);
        FunctionCounter.builder("faasj.gateway.handoff.retries", counters, c -> sum(c, LoopCounters::handoffRetries))
                .description("Hand-offs a worker did not take, so that the next worker was tried").register(registry);
        FunctionCounter.builder("faasj.gateway.relays", counters, c -> sum(c, LoopCounters::relays))
                .description("Console, API and actuator requests relayed to Spring").register(registry);
        FunctionCounter.builder("faasj.call.records.dropped", droppedRecords, LongSupplier::getAsLong)
                .description("Invocation records dropped because their listeners or the record store fell behind").register(registry);
    }

    private static double sum(GatewayCounters counters, java.util.function.ToLongFunction<LoopCounters> count) {
        long total = 0;
        for (LoopCounters loop : counters.loops()) {
            total += count.applyAsLong(loop);
        }
        return total;
    }
}
