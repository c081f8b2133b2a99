package org.faasj.worker.dispatch;

import java.util.function.Consumer;

import org.faasj.model.InvocationOutcome;
import org.faasj.model.InvocationRecord;
import org.faasj.worker.exec.CallTrace;

/**
 * Makes each finished call's {@link InvocationRecord} and hands it to the sink (the worker's
 * record sender), which must not block. CPU time and peak memory are not measured yet (-1).
 */
public final class CallRecorder {

    /** Records nothing: a dispatcher built without a sink (tests). */
    public static final CallRecorder NONE = new CallRecorder(0, 0, record -> { });

    private final int workerId;
    private final int stderrHeadBytes;
    private final Consumer<InvocationRecord> sink;

    /**
     * @param workerId        the supervisor's slot number of this worker
     * @param stderrHeadBytes how much of each call's stderr its record keeps (0: none)
     * @param sink            takes each record without blocking
     */
    public CallRecorder(int workerId, int stderrHeadBytes, Consumer<InvocationRecord> sink) {
        this.workerId = workerId;
        this.stderrHeadBytes = stderrHeadBytes;
        this.sink = sink;
    }

    /** A fresh trace for one call's runner. */
    CallTrace trace() {
        return new CallTrace(stderrHeadBytes);
    }

    /** Called once per call, by the thread that finished it. */
    void finished(Call call, int status, long endNanos) {
        if (this == NONE) {
            return;
        }
        CallTrace trace = call.trace();
        InvocationOutcome outcome = call.outcome();
        sink.accept(new InvocationRecord(call.frame.callId(), call.frame.functionName(), call.frame.functionVersion(),
                workerId, call.receivedMillis, (endNanos - call.receivedNanos) / 1_000, call.queueWaitMicros(),
                status, outcome, call.exitCode(), trace != null && trace.coldStart(), -1, -1,
                trace == null ? "" : trace.stderrHead()));
    }
}
