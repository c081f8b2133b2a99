package org.faasj.controlplane.gateway;

import org.faasj.controlplane.calls.CallRecords;
import org.faasj.controlplane.workers.WorkerSlot;
import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;

/**
 * The invocation records the gateway makes itself, for calls no worker will record: the worker
 * died before answering (502), the hand-off deadline passed (the connection is cut), or no worker
 * took the call (503). Rare paths, so a record is allocated there; the hot paths never come here.
 * Loop threads only call it; {@link CallRecords#publish} never blocks.
 */
final class GatewayRecords {

    /** Makes no records (tests that build a gateway without the Spring context). */
    static final GatewayRecords NONE = new GatewayRecords(null);

    private final CallRecords records;

    GatewayRecords(CallRecords records) {
        this.records = records;
    }

    /** A call on a worker that ended without the worker's answer; {@code status} is what the gateway wrote (0: none). */
    void lost(InFlightCalls.Call<WorkerSlot> call, int status, long nowNanos) {
        publish(call.callId, call.function, call.version, call.worker.id(), call.startedNanos, nowNanos, status,
                InvocationOutcome.LOST);
    }

    /** A call no worker took: the gateway answered 503. */
    void unavailable(String callId, String function, int version, long startedNanos, long nowNanos) {
        publish(callId, function, version, -1, startedNanos, nowNanos, 503, InvocationOutcome.UNAVAILABLE);
    }

    private void publish(String callId, String function, int version, int workerId, long startedNanos, long nowNanos,
                         int status, InvocationOutcome outcome) {
        if (records == null || callId == null) {
            return;
        }
        long micros = Math.max(0, (nowNanos - startedNanos) / 1_000);
        records.publish(new InvocationRecord(callId, function, version, workerId, System.currentTimeMillis(), micros,
                0, status, outcome, -1, false, -1, -1, ""));
    }
}
