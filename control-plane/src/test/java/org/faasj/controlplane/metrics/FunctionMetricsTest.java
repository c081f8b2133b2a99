package org.faasj.controlplane.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.junit.jupiter.api.Test;

class FunctionMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final GatewayCounters counters = new GatewayCounters(true);
    private final FunctionMetrics metrics = new FunctionMetrics(registry, counters, () -> 2);

    static InvocationRecord record(String function, int status, InvocationOutcome outcome, long durationMicros,
                                   boolean cold, long cpuMicros) {
        return new InvocationRecord("id-1", function, 3, 0, 1_700_000_000_000L, durationMicros, 1_500, status, outcome,
                outcome == InvocationOutcome.OK ? 0 : 1, cold, cpuMicros, 2048, "");
    }

    @Test
    void aRecordMovesItsFunctionsMetersUnderBothNames() {
        metrics.onCalls(List.of(record("hello", 200, InvocationOutcome.OK, 30_000, true, 250_000)));

        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("faasj_function_invocations_total{code=\"200\",function=\"hello\",outcome=\"ok\"} 1.0")
                .contains("gateway_function_invocation_total{code=\"200\",function_name=\"hello\"} 1.0")
                // 30 ms: not in the 25 ms bucket, in the 50 ms one
                .contains("faasj_function_duration_seconds_bucket{code=\"200\",function=\"hello\",le=\"0.025\"} 0")
                .contains("faasj_function_duration_seconds_bucket{code=\"200\",function=\"hello\",le=\"0.05\"} 1")
                .contains("gateway_functions_seconds_bucket{code=\"200\",function_name=\"hello\",le=\"0.05\"} 1")
                .contains("gateway_functions_seconds_count{code=\"200\",function_name=\"hello\"} 1")
                .contains("faasj_function_queue_wait_seconds_bucket{function=\"hello\",le=\"0.001\"} 0")
                .contains("faasj_function_queue_wait_seconds_bucket{function=\"hello\",le=\"0.005\"} 1")
                .contains("faasj_function_cold_starts_total{function=\"hello\"} 1.0")
                .contains("faasj_function_cpu_seconds_total{function=\"hello\"} 0.25")
                .contains("faasj_function_in_flight{function=\"hello\"} 0.0")
                .contains("gateway_service_count{function_name=\"hello\"} 2.0");
    }

    @Test
    void recordsAddUpPerCodeAndOutcome() {
        metrics.onCalls(List.of(record("hello", 200, InvocationOutcome.OK, 1_000, false, -1),
                record("hello", 200, InvocationOutcome.OK, 1_000, false, -1),
                record("hello", 500, InvocationOutcome.EXIT_NONZERO, 1_000, false, -1)));

        assertThat(registry.scrape())
                .contains("faasj_function_invocations_total{code=\"200\",function=\"hello\",outcome=\"ok\"} 2.0")
                .contains("faasj_function_invocations_total{code=\"500\",function=\"hello\",outcome=\"exit_nonzero\"} 1.0")
                .contains("gateway_function_invocation_total{code=\"500\",function_name=\"hello\"} 1.0")
                .contains("faasj_function_cold_starts_total{function=\"hello\"} 0.0")
                .contains("faasj_function_cpu_seconds_total{function=\"hello\"} 0.0");
    }

    @Test
    void theGatewaysRefusalsAndCallsInFlightShowPerFunction() {
        metrics.retain(Set.of("limited"), Set.of("limited"));
        counters.function("limited").rejected();
        counters.function("limited").rejected();
        counters.function("limited").started();

        assertThat(registry.scrape())
                .contains("faasj_function_invocations_total{code=\"429\",function=\"limited\",outcome=\"rejected_429\"} 2.0")
                .contains("gateway_function_invocation_total{code=\"429\",function_name=\"limited\"} 2.0")
                .contains("faasj_function_in_flight{function=\"limited\"} 1.0");
    }

    @Test
    void a429RecordCountsIntoTheSameSeriesAsTheGatewaysRefusals() {
        metrics.retain(Set.of("limited"), Set.of("limited"));
        counters.function("limited").rejected();
        metrics.onCalls(List.of(record("limited", 429, InvocationOutcome.REJECTED_429, 10, false, -1)));

        assertThat(registry.scrape())
                .contains("faasj_function_invocations_total{code=\"429\",function=\"limited\",outcome=\"rejected_429\"} 2.0");
    }

    @Test
    void aDeletedFunctionsSeriesGoAtTheNextSweepAndTheOthersStay() {
        metrics.onCalls(List.of(record("kept", 200, InvocationOutcome.OK, 1_000, true, 10),
                record("deleted", 200, InvocationOutcome.OK, 1_000, true, 10)));
        metrics.retain(Set.of("kept", "deleted"), Set.of("deleted"));
        counters.function("deleted").started();
        AsyncMetrics async = new AsyncMetrics(registry, true);
        async.asyncCallEnded("deleted", "succeeded");
        async.asyncCallEnded("kept", "succeeded");
        assertThat(registry.scrape()).contains("function=\"deleted\"").contains("function_name=\"deleted\"");

        metrics.retain(Set.of("kept"), Set.of());

        String scrape = registry.scrape();
        assertThat(scrape).doesNotContain("deleted")
                .contains("faasj_function_invocations_total{code=\"200\",function=\"kept\",outcome=\"ok\"} 1.0")
                .contains("gateway_service_count{function_name=\"kept\"} 2.0")
                .contains("faasj_async_calls_total{function=\"kept\",outcome=\"succeeded\"} 1.0");
        assertThat(counters.existing("deleted")).as("its gateway load is forgotten too").isNull();

        // deployed again under the same name: its series come back from zero, not from kept meters
        metrics.onCalls(List.of(record("deleted", 200, InvocationOutcome.OK, 1_000, true, 10)));
        assertThat(registry.scrape())
                .contains("faasj_function_invocations_total{code=\"200\",function=\"deleted\",outcome=\"ok\"} 1.0")
                .contains("faasj_function_cold_starts_total{function=\"deleted\"} 1.0");
    }

    @Test
    void aDeployedFunctionHasItsSeriesBeforeItsFirstCall() {
        metrics.retain(Set.of("fresh"), Set.of());

        assertThat(registry.scrape())
                .contains("faasj_function_in_flight{function=\"fresh\"} 0.0")
                .contains("gateway_service_count{function_name=\"fresh\"} 2.0")
                .contains("faasj_function_cold_starts_total{function=\"fresh\"} 0.0")
                .doesNotContain("code=\"429\"");
    }

    @Test
    void switchedOffNothingIsCounted() {
        GatewayCounters off = GatewayCounters.disabled();
        FunctionMetrics none = new FunctionMetrics(registry, off, () -> 2);
        none.onCalls(List.of(record("hello", 200, InvocationOutcome.OK, 1_000, true, 10)));
        none.retain(Set.of("hello"), Set.of("hello"));
        off.function("hello").started();

        assertThat(registry.scrape()).doesNotContain("hello");
        assertThat(off.existing("hello")).isNull();
    }
}
