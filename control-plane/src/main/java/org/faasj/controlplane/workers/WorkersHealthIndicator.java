package org.faasj.controlplane.workers;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code workers}: UP while at least one worker can take
 * requests, with every worker's pid, score, requests in flight and age of its last report.
 */
@Component("workers")
class WorkersHealthIndicator implements HealthIndicator {

    private final WorkerPool pool;

    WorkersHealthIndicator(WorkerPool pool) {
        this.pool = pool;
    }

    @Override
    public Health health() {
        long ready = pool.readyCount();
        Health.Builder health = ready > 0 ? Health.up() : Health.down();
        return health.withDetail("ready", ready)
                .withDetail("configured", pool.slots().length)
                .withDetail("workers", pool.statuses())
                .build();
    }
}
