package org.faasj.worker.dispatch;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.faasj.model.CompletionAck;
import org.faasj.model.HandoffFrame;
import org.faasj.model.InvocationOutcome;
import org.faasj.worker.exec.CallTrace;
import org.faasj.worker.handoff.AckSender;
import org.faasj.worker.http.ClientConnection;
import org.faasj.worker.http.HttpResponse;
import org.faasj.worker.http.ResponseWriter;

/**
 * One handed-off request until it is finished: answered (or dropped), its descriptor released and
 * the gateway acknowledged, exactly once, whichever path gets there first and whatever it throws.
 * Finishing also makes the call's invocation record ({@link CallRecorder}), from the outcome the
 * path noted with {@link #ended} (a drop is always {@code LOST}).
 */
final class Call {

    final HandoffFrame frame;
    final ClientConnection client;
    private final AckSender acks;
    /** True once the control plane shuts down: no connection is kept alive after that. */
    private final BooleanSupplier closing;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CallRecorder recorder;
    final long receivedNanos = System.nanoTime();
    final long receivedMillis = System.currentTimeMillis();
    /** When an invoke thread took it; 0 while it waits (or if it never ran). */
    private volatile long takenNanos;
    private volatile CallTrace trace;
    private volatile InvocationOutcome outcome = InvocationOutcome.PLATFORM_ERROR;
    private volatile int exitCode = -1;

    Call(HandoffFrame frame, ClientConnection client, AckSender acks, BooleanSupplier closing) {
        this(frame, client, acks, closing, CallRecorder.NONE);
    }

    Call(HandoffFrame frame, ClientConnection client, AckSender acks, BooleanSupplier closing, CallRecorder recorder) {
        this.frame = frame;
        this.client = client;
        this.acks = acks;
        this.closing = closing;
        this.recorder = recorder;
    }

    /** An invoke thread starts on it now: the end of its wait in the worker. */
    void taken() {
        takenNanos = System.nanoTime();
    }

    /** What the runner noted about the call. */
    void trace(CallTrace runnerTrace) {
        trace = runnerTrace;
    }

    /** How the call ended, noted before it is answered. */
    void ended(InvocationOutcome how, int code) {
        outcome = how;
        exitCode = code;
    }

    CallTrace trace() {
        return trace;
    }

    InvocationOutcome outcome() {
        return outcome;
    }

    int exitCode() {
        return exitCode;
    }

    long queueWaitMicros() {
        long taken = takenNanos;
        return taken == 0 ? 0 : Math.max(0, (taken - receivedNanos) / 1_000);
    }

    /**
     * Writes the answer, releases the client and acks. Keep-alive only if the client wants it, its
     * connection is exactly at the next request and the control plane is not draining. Every answer,
     * the worker's own 400/408/413/503 included, is announced to the gateway first: once a byte may
     * have reached the client, a worker that dies must not get a 502 written after it.
     * Returns false if the call was already finished.
     */
    boolean answer(ResponseWriter writer, HttpResponse response, boolean bodyConsumed) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        boolean keepAlive = frame.keepAlive() && bodyConsumed && !closing.getAsBoolean();
        boolean written = false;
        try {
            acks.send(CompletionAck.responseStarted(frame.requestId()));
            written = writer.write(client.output(), response, keepAlive, frame.callId());
        } finally {
            // even if writing threw (an Error): the descriptor goes and the gateway hears of it
            client.release();
            acks.send(new CompletionAck(frame.requestId(), written ? response.status() : 0, keepAlive && written));
            record(written ? response.status() : 0);
        }
        return true;
    }

    /** Finishes without an answer: the ack says nothing was written, so the gateway closes the connection. */
    void drop() {
        if (finished.compareAndSet(false, true)) {
            try {
                client.release();
            } finally {
                acks.send(new CompletionAck(frame.requestId(), 0, false));
                ended(InvocationOutcome.LOST, exitCode);
                record(0);
            }
        }
    }

    /** After the ack: the record is telemetry, it must neither delay nor fail the call. */
    private void record(int status) {
        try {
            recorder.finished(this, status, System.nanoTime());
        } catch (RuntimeException e) {
            // a record lost; the call itself is finished
        }
    }

    boolean finished() {
        return finished.get();
    }
}
