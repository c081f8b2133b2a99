package org.faasj.controlplane.invocations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.junit.jupiter.api.Test;

class StatsTest {

    private static final long T0 = 1_800_000_000_000L; // a multiple of 10 s

    private final AtomicLong now = new AtomicLong(T0 + 5_000);
    private final CallStats stats = new CallStats(now::get);

    static InvocationRecord call(String function, long endMillis, double ms, InvocationOutcome outcome) {
        long micros = Math.round(ms * 1000);
        return new InvocationRecord("c", function, 1, 0, endMillis - micros / 1000, micros, 0, 200, outcome, 0, false,
                -1, -1, "");
    }

    @Test
    void histogramBucketsAreLogScaleAndEstimatesStayClose() {
        for (double ms : new double[] {0.06, 0.5, 3.1, 40.2, 999, 65_000}) {
            double estimate = LatencyHistogram.estimateOf(LatencyHistogram.bucketOf(ms));
            assertThat(estimate).as("%s ms", ms).isCloseTo(ms, within(ms * 0.125));
        }
        assertThat(LatencyHistogram.bucketOf(0)).isZero();
        assertThat(LatencyHistogram.bucketOf(1e9)).isEqualTo(LatencyHistogram.BUCKETS - 1);
        assertThat(LatencyHistogram.BUCKETS).isLessThan(80);
    }

    @Test
    void p50AndP99ComeFromTheWholeWindow() {
        List<InvocationRecord> batch = new ArrayList<>();
        for (int i = 0; i < 98; i++) {
            batch.add(call("f", T0 + 1_000, 3.0, InvocationOutcome.OK));
        }
        batch.add(call("f", T0 - 20_000, 40.0, InvocationOutcome.EXIT_NONZERO));
        batch.add(call("f", T0 - 20_000, 40.0, InvocationOutcome.TIMEOUT));
        stats.onCalls(batch);

        FunctionWindow.Summary s = stats.summary("f", 60).orElseThrow();

        assertThat(s.calls()).isEqualTo(100);
        assertThat(s.errors()).isEqualTo(2);
        assertThat(s.p50Ms()).isCloseTo(3.0, within(0.4));
        assertThat(s.p99Ms()).isCloseTo(40.0, within(5.0));
        assertThat(s.buckets()).hasSize(6);
        assertThat(s.buckets()).extracting(FunctionWindow.Bucket::startMillis)
                .containsExactly(T0 - 50_000, T0 - 40_000, T0 - 30_000, T0 - 20_000, T0 - 10_000, T0);
        FunctionWindow.Bucket failing = s.buckets().get(3);
        assertThat(failing.calls()).isEqualTo(2);
        assertThat(failing.errors()).isEqualTo(2);
        FunctionWindow.Bucket empty = s.buckets().get(0);
        assertThat(empty.calls()).isZero();
        assertThat(empty.p50Ms()).isNull();
        assertThat(empty.p99Ms()).isNull();
    }

    @Test
    void callsOutsideTheWindowAreNotCountedAndTheRingReusesSlots() {
        stats.onCalls(List.of(call("f", T0, 1.0, InvocationOutcome.OK)));
        now.set(T0 + 3_600_000 + 5_000); // an hour later: the slot of T0 comes round again
        stats.onCalls(List.of(call("f", now.get(), 2.0, InvocationOutcome.OK)));

        FunctionWindow.Summary s = stats.summary("f", 3600).orElseThrow();

        assertThat(s.calls()).isEqualTo(1);
        assertThat(s.buckets()).hasSize(360);
        assertThat(stats.summary("f", 10).orElseThrow().calls()).isEqualTo(1);
    }

    @Test
    void idleFunctionsAreForgottenAndTheirNumberIsCapped() {
        stats.onCalls(List.of(call("idle", now.get(), 1.0, InvocationOutcome.OK)));
        now.addAndGet(CallStats.IDLE_MILLIS + 120_000);
        stats.onCalls(List.of(call("busy", now.get(), 1.0, InvocationOutcome.OK)));
        assertThat(stats.summary("idle", 300)).isEmpty();
        assertThat(stats.summary("busy", 300)).isPresent();

        for (int i = 0; i < CallStats.MAX_FUNCTIONS + 10; i++) {
            now.incrementAndGet();
            stats.onCalls(List.of(call("fn-" + i, now.get(), 1.0, InvocationOutcome.OK)));
        }
        assertThat(stats.summary("busy", 300)).as("idle longest, replaced").isEmpty();
        assertThat(stats.summary("fn-" + (CallStats.MAX_FUNCTIONS + 9), 300)).isPresent();
    }

    @Test
    void anEmptyWindowHasItsBucketsAndNoPercentiles() {
        FunctionWindow.Summary s = stats.empty(300);
        assertThat(s.calls()).isZero();
        assertThat(s.p50Ms()).isNull();
        assertThat(s.buckets()).hasSize(30).allMatch(b -> b.calls() == 0 && b.p99Ms() == null);
    }
}
