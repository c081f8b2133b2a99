package org.faasj.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.calls.CallRecords;
import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayRecordsTest {

    private final BlockingQueue<List<InvocationRecord>> delivered = new LinkedBlockingQueue<>();
    private final CallRecords calls = new CallRecords(List.of(delivered::add));

    @AfterEach
    void stop() {
        calls.stop();
    }

    @Test
    void aCallNoWorkerTookIsRecordedUnavailableWithoutAWorker() throws InterruptedException {
        calls.start();
        new GatewayRecords(calls).unavailable("call-1", "fn", 4, 1_000_000, 3_000_000);
        InvocationRecord r = delivered.poll(20, TimeUnit.SECONDS).get(0);
        assertThat(r.callId()).isEqualTo("call-1");
        assertThat(r.functionName()).isEqualTo("fn");
        assertThat(r.functionVersion()).isEqualTo(4);
        assertThat(r.workerId()).isEqualTo(-1);
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.outcome()).isEqualTo(InvocationOutcome.UNAVAILABLE);
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.durationMicros()).isEqualTo(2_000);
        assertThat(r.cpuMicros()).isEqualTo(-1);
    }

    @Test
    void withoutCallRecordsNothingIsMade() {
        GatewayRecords.NONE.unavailable("call-2", "fn", 1, 0, 0); // no NullPointerException: tests' gateways use it
    }
}
