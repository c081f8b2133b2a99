package org.faasj.controlplane.workers;

import org.faasj.model.MetricsDatagram;

/**
 * A worker as health checks and the console show it.
 *
 * @param inFlight         requests the gateway has handed to it and not seen completed
 * @param metricsAgeMillis age of its latest load report, null when it has not reported
 * @param completed        requests it finished since it started (from its report)
 */
public record WorkerStatus(
        int id,
        long pid,
        boolean ready,
        double score,
        double cpu,
        double mem,
        double io,
        int inFlight,
        long completed,
        long rssBytes,
        Long metricsAgeMillis,
        int restarts) {

    static WorkerStatus of(WorkerSlot slot) {
        MetricsDatagram m = slot.metrics();
        Long age = m == null ? null : (System.nanoTime() - slot.metricsReceivedNanos()) / 1_000_000;
        return new WorkerStatus(slot.id(), slot.pid(), slot.isReady(),
                m == null ? 0 : round(m.score()), m == null ? 0 : round(m.cpu()),
                m == null ? 0 : round(m.mem()), m == null ? 0 : round(m.io()),
                slot.inFlight(), m == null ? 0 : m.completed(), m == null ? 0 : m.rssBytes(), age,
                slot.restarts());
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
