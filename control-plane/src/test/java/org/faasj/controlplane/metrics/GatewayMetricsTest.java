package org.faasj.controlplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void eachLoopCountsItsOwnAndTheScrapeSumsThem() {
        GatewayCounters counters = new GatewayCounters(true);
        new GatewayMetrics(counters, () -> 7).bindTo(registry);
        LoopCounters first = counters.forLoop(0);
        LoopCounters second = counters.forLoop(1);
        first.answered(404);
        second.answered(404);
        second.answered(429);
        first.answered(299); // not one the gateway writes: still counted, as "other"
        first.handoffRetried();
        second.relayed();
        second.relayed();
        counters.connectionsOpen(() -> 3);

        assertThat(registry.scrape())
                .contains("faasj_gateway_answers_total{code=\"404\"} 2.0")
                .contains("faasj_gateway_answers_total{code=\"429\"} 1.0")
                .contains("faasj_gateway_answers_total{code=\"400\"} 0.0")
                .contains("faasj_gateway_answers_total{code=\"other\"} 1.0")
                .contains("faasj_gateway_handoff_retries_total 1.0")
                .contains("faasj_gateway_relays_total 2.0")
                .contains("faasj_gateway_connections_open 3.0")
                .contains("faasj_call_records_dropped_total 7.0");
    }

    @Test
    void aLoopThatReplacesADeadOneKeepsCountingFromWhereItWas() {
        GatewayCounters counters = new GatewayCounters(true);
        counters.forLoop(0).answered(404);

        counters.forLoop(0).answered(404);

        assertThat(counters.forLoop(0)).isSameAs(counters.forLoop(0));
        assertThat(counters.forLoop(0).answers(1)).isEqualTo(2); // CODES[1] = 404
        assertThat(LoopCounters.CODES[1]).isEqualTo(404);
    }

    @Test
    void switchedOffTheLoopsCountNothingAndNoGatewayMetersExist() {
        GatewayCounters counters = GatewayCounters.disabled();
        new GatewayMetrics(counters, () -> 0).bindTo(registry);
        LoopCounters loop = counters.forLoop(0);
        loop.answered(404);
        loop.relayed();
        loop.handoffRetried();

        assertThat(loop.answers(1) + loop.relays() + loop.handoffRetries()).isZero();
        assertThat(counters.loops()).isEmpty();
        assertThat(registry.scrape()).doesNotContain("faasj_");
    }

    @Test
    void functionLoadsCountInFlightUpAndDown() {
        GatewayCounters counters = new GatewayCounters(true);
        FunctionLoad load = counters.function("f");
        load.started();
        load.started();
        load.ended();
        load.rejected();

        assertThat(counters.function("f")).isSameAs(load);
        assertThat(load.inFlight()).isEqualTo(1);
        assertThat(load.rejectedCount()).isEqualTo(1);
    }
}
