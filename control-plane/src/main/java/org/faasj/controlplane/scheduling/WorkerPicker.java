package org.faasj.controlplane.scheduling;

import java.util.concurrent.atomic.AtomicInteger;

import org.faasj.controlplane.system.FaasProperties;
import org.faasj.controlplane.workers.WorkerPool;
import org.faasj.controlplane.workers.WorkerSlot;
import org.faasj.model.MetricsDatagram;
import org.springframework.stereotype.Component;

/**
 * Picks the worker for the next request: the lowest {@code score + IN_FLIGHT_WEIGHT × in-flight}
 * among ready workers that reported within {@code faas.workers.stale-after}. Scores arrive only
 * every 500 ms, so the in-flight count (kept by the gateway itself) is what spreads a burst between
 * two reports. Workers that never reported or went silent are skipped; when no worker has fresh
 * metrics it falls back to round robin over the ready ones. Lock-free: a few volatile reads.
 */
@Component
public class WorkerPicker {

    /**
     * One request in flight weighs as much as 10 points of score (score runs 0–100; a worker
     * busy on one CPU-bound process on a 2-core machine scores about 25).
     */
    static final double IN_FLIGHT_WEIGHT = 10.0;

    private final WorkerSlot[] slots;
    private final long staleAfterNanos;
    private final AtomicInteger rotation = new AtomicInteger();

    public WorkerPicker(WorkerPool pool, FaasProperties properties) {
        this.slots = pool.slots();
        this.staleAfterNanos = properties.workers().staleAfter().toNanos();
    }

    /**
     * @param excluded bit i set means: do not pick slot i (it just failed a hand-off)
     * @return the chosen slot, or null when no worker is ready
     */
    public WorkerSlot pick(long excluded) {
        int n = slots.length;
        int start = Math.floorMod(rotation.getAndIncrement(), n);
        long now = System.nanoTime();
        WorkerSlot best = null;
        double bestLoad = Double.MAX_VALUE;
        WorkerSlot firstReady = null;
        for (int i = 0; i < n; i++) {
            WorkerSlot s = slots[(start + i) % n];
            if (s.id() < 64 && (excluded & (1L << s.id())) != 0 || !s.isReady()) {
                continue;
            }
            if (firstReady == null) {
                firstReady = s;
            }
            MetricsDatagram m = s.metrics();
            if (m == null || now - s.metricsReceivedNanos() > staleAfterNanos) {
                continue;
            }
            double load = m.score() + IN_FLIGHT_WEIGHT * s.inFlight();
            if (load < bestLoad) {
                bestLoad = load;
                best = s;
            }
        }
        return best != null ? best : firstReady;
    }
}
