package org.faasj.controlplane.metrics;

import java.util.function.DoubleSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.faasj.controlplane.system.FaasProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Async calls: the queue's depth and the age of its oldest call (read from the store when
 * Prometheus scrapes), attempts ended per function and outcome ({@code succeeded}, {@code failed},
 * {@code retried}) and callback POSTs per outcome ({@code delivered}, {@code retried}, {@code failed}).
 */
@Component
public class AsyncMetrics {

    private final MeterRegistry registry;
    private final boolean enabled;

    @Autowired
    public AsyncMetrics(MeterRegistry registry, FaasProperties properties) {
        this(registry, properties.metrics().enabled());
    }

    public AsyncMetrics(MeterRegistry registry, boolean enabled) {
        this.registry = registry;
        this.enabled = enabled;
    }

    /** Registers the queue gauges; both suppliers are called on scrape only. */
    public void watchQueue(DoubleSupplier depth, DoubleSupplier oldestAgeSeconds) {
        if (!enabled) {
            return;
        }
        Gauge.builder("faasj.async.queue.depth", depth::getAsDouble).description("Async calls queued and not started")
                .strongReference(true).register(registry);
        Gauge.builder("faasj.async.queue.oldest.age.seconds", oldestAgeSeconds::getAsDouble)
                .description("How long the oldest queued async call has waited (0 when none)")
                .strongReference(true).register(registry);
    }

    public void asyncCallEnded(String function, String outcome) {
        if (enabled) {
            Counter.builder("faasj.async.calls").description("Async call attempts ended, by function and outcome")
                    .tags("function", function, "outcome", outcome).register(registry).increment();
        }
    }

    public void callbackEnded(String outcome) {
        if (enabled) {
            Counter.builder("faasj.async.callbacks").description("Callback POSTs of async results, by outcome")
                    .tag("outcome", outcome).register(registry).increment();
        }
    }
}
