/**
 * Prometheus metrics ({@code /actuator/prometheus}, Micrometer): per function from the invocation
 * records ({@link org.faasj.controlplane.metrics.FunctionMetrics}, with the OpenFaaS gateway's names
 * beside faasj's own), per worker from the pool's state, the gateway's own answers and connections,
 * and deploys. Owns the counters the gateway's event loops bump on their hot path
 * ({@link org.faasj.controlplane.metrics.LoopCounters}, {@link org.faasj.controlplane.metrics.FunctionLoad}):
 * lock-free and allocation-free there, summed only when Prometheus scrapes.
 */
package org.faasj.controlplane.metrics;
