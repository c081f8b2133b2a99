package org.faasj.controlplane.sandbox;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code sandbox}: DOWN when functions are refused because the
 * host cannot isolate them; the details say what isolation there is and why anything is missing.
 */
@Component("sandbox")
class SandboxHealthIndicator implements HealthIndicator {

    private final SandboxStatus status;
    private final LoopbackGuard loopback;

    SandboxHealthIndicator(SandboxStatus status, LoopbackGuard loopback) {
        this.status = status;
        this.loopback = loopback;
    }

    @Override
    public Health health() {
        Health.Builder health = status.serving() ? Health.up() : Health.down();
        return health.withDetail("mode", status.mode().option())
                .withDetail("level", status.level())
                .withDetail("memory", status.memory())
                .withDetail("cpu", status.cpu())
                .withDetail("uid", status.uid())
                .withDetail("network", status.network())
                .withDetail("hostAddresses", loopback.state())
                .withDetail("missing", status.missing())
                .build();
    }
}
