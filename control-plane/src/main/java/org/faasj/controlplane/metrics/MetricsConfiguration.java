package org.faasj.controlplane.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.faasj.controlplane.calls.CallRecords;
import org.faasj.controlplane.invocations.RecordWriter;
import org.faasj.controlplane.routing.RouteTable;
import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.workers.WorkerPool;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the meters from {@code faas.metrics.*}. With metrics off none of faasj's own meters exist
 * and the sweep does not run; Spring's JVM and process meters are still scraped.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    FunctionMetrics functionMetrics(MeterRegistry registry, GatewayCounters counters, WorkerPool pool) {
        return new FunctionMetrics(registry, counters, pool::readyCount);
    }

    @Bean
    MetricsSweep metricsSweep(FunctionMetrics metrics, RouteTable routes, FaasProperties properties) {
        return new MetricsSweep(metrics, routes, properties.metrics().sweepInterval(),
                properties.metrics().enabled());
    }

    @Bean
    GatewayMetrics gatewayMetrics(GatewayCounters counters, CallRecords records, RecordWriter writer) {
        return new GatewayMetrics(counters, () -> records.dropped() + writer.dropped());
    }

    @Bean
    WorkerMetrics workerMetrics(WorkerPool pool, GatewayCounters counters) {
        return new WorkerMetrics(pool, counters.enabled());
    }
}
