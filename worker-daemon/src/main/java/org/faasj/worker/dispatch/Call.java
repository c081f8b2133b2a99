package org.faasj.worker.dispatch;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.faasj.model.CompletionAck;
import org.faasj.model.HandoffFrame;
import org.faasj.worker.handoff.AckSender;
import org.faasj.worker.http.ClientConnection;
import org.faasj.worker.http.HttpResponse;
import org.faasj.worker.http.ResponseWriter;

/**
 * One handed-off request until it is finished: answered (or dropped), its descriptor released and
 * the gateway acknowledged, exactly once, whichever path gets there first and whatever it throws.
 */
final class Call {

    final HandoffFrame frame;
    final ClientConnection client;
    private final AckSender acks;
    /** True once the control plane shuts down: no connection is kept alive after that. */
    private final BooleanSupplier closing;
    private final AtomicBoolean finished = new AtomicBoolean();

    Call(HandoffFrame frame, ClientConnection client, AckSender acks, BooleanSupplier closing) {
        this.frame = frame;
        this.client = client;
        this.acks = acks;
        this.closing = closing;
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
            }
        }
    }

    boolean finished() {
        return finished.get();
    }
}
