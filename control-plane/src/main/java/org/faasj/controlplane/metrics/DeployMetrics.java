package org.faasj.controlplane.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.faasj.controlplane.system.FaasProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Deploys and redeploys by source language and result: {@code ok}, {@code rejected} (the caller's
 * fault: a conflict, a compile error, an invalid module) or {@code failed} (the platform's: a
 * missing toolchain, no sandbox, an I/O error). The timer covers the build and the switch.
 * Rollbacks are counted apart: they build nothing.
 */
@Component
public class DeployMetrics {

    public static final String OK = "ok";
    public static final String REJECTED = "rejected";
    public static final String FAILED = "failed";

    private final MeterRegistry registry;
    private final boolean enabled;

    @Autowired
    public DeployMetrics(MeterRegistry registry, FaasProperties properties) {
        this(registry, properties.metrics().enabled());
    }

    public DeployMetrics(MeterRegistry registry, boolean enabled) {
        this.registry = registry;
        this.enabled = enabled;
    }

    public void deployed(String language, String result, long nanos) {
        if (!enabled) {
            return;
        }
        Counter.builder("faasj.deploys").description("Deploys and redeploys by source language and result")
                .tags("language", language, "result", result).register(registry).increment();
        Timer.builder("faasj.deploy.build").description("Time a deploy took, build and switch included")
                .tags("language", language, "result", result).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A rollback by result: {@code ok}, {@code rejected} (no such version, nothing to roll back to, a conflict) or {@code failed} (the store). */
    public void rolledBack(String result) {
        if (!enabled) {
            return;
        }
        Counter.builder("faasj.rollbacks").description("Rollbacks to a kept version by result")
                .tags("result", result).register(registry).increment();
    }
}
