/**
 * The load report: counters read from /proc for the worker and its live function processes, the
 * rates derived from two readings, and the periodic {@link org.faasj.model.MetricsDatagram} to the
 * control plane.
 */
package org.faasj.worker.metrics;
