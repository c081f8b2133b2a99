package org.faasj.controlplane.metrics;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.routing.RouteTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the per-function series in step with the deployed functions, every
 * {@code faas.metrics.sweep-interval}: new functions get theirs (in flight, 429s, replicas) before
 * their first call, deleted ones stop being exported. Off the hot path: one daemon thread.
 */
class MetricsSweep implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MetricsSweep.class);

    private final FunctionMetrics metrics;
    private final RouteTable routes;
    private final Duration interval;
    private final boolean enabled;
    private volatile ScheduledExecutorService timer;

    MetricsSweep(FunctionMetrics metrics, RouteTable routes, Duration interval, boolean enabled) {
        this.metrics = metrics;
        this.routes = routes;
        this.interval = interval;
        this.enabled = enabled;
    }

    void sweep() {
        Set<String> deployed = new HashSet<>();
        Set<String> limited = new HashSet<>();
        for (Route r : routes.all()) {
            deployed.add(r.descriptor().name());
            if (r.descriptor().limited()) {
                limited.add(r.descriptor().name());
            }
        }
        metrics.retain(deployed, limited);
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("metrics sweep failed; the next one tries again", e);
        }
    }

    @Override
    public void start() {
        if (!enabled) {
            return;
        }
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "metrics-sweep");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(100, interval.toMillis());
        t.scheduleWithFixedDelay(this::sweepQuietly, 0, millis, TimeUnit.MILLISECONDS);
        timer = t;
    }

    @Override
    public void stop() {
        ScheduledExecutorService t = timer;
        timer = null;
        if (t != null) {
            t.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
