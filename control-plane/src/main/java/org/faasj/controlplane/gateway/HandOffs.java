package org.faasj.controlplane.gateway;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.faasj.controlplane.metrics.FunctionLoad;
import org.faasj.controlplane.metrics.LoopCounters;
import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.workers.WorkerSlot;
import org.faasj.model.CallId;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.HandoffFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handing one event loop's requests to workers: which buffered bytes travel in the frame and
 * whether the client is owed a {@code 100 Continue} first, the frame itself, and the send that
 * fails over from worker to worker. A sent call joins the loop's {@link InFlightCalls}. Loop
 * thread only.
 */
final class HandOffs {

    private static final Logger log = LoggerFactory.getLogger(HandOffs.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    /** Sent by the control plane on the internal entry with each retry of an async call. */
    static final String ATTEMPT_HEADER = "X-Faas-Attempt";
    /** Far above any retry policy; a larger value is a bug, not a try. */
    static final int MAX_ATTEMPT = 1_000_000;

    private final GatewayContext ctx;
    private final InFlightCalls<WorkerSlot> calls;
    private final ClientWrites writes;
    private final Detachments detachments;
    private final KeepAlive keepAlive;
    /** Answers a connection already detached (blocking) through the selector again. */
    private final BiConsumer<Connection, GatewayError> answerDetached;
    private final LoopCounters counters;

    HandOffs(GatewayContext ctx, InFlightCalls<WorkerSlot> calls, ClientWrites writes, Detachments detachments,
             KeepAlive keepAlive, BiConsumer<Connection, GatewayError> answerDetached, LoopCounters counters) {
        this.ctx = ctx;
        this.calls = calls;
        this.writes = writes;
        this.detachments = detachments;
        this.keepAlive = keepAlive;
        this.answerDetached = answerDetached;
        this.counters = counters;
    }

    /**
     * The body bytes that go in the frame out of those buffered after the head. A chunked body's end
     * is unknown here: the worker gets all bytes read so far (a parked call's too) and decodes from
     * them; it closes the connection if they held more than the body. A body of known length gets
     * at most that length: what follows it is a pipelined request and stays with the gateway.
     */
    static int prefixLength(RequestHead head, int bufferedAfterHead) {
        return head.chunked() ? bufferedAfterHead : (int) Math.min(bufferedAfterHead, head.contentLength());
    }

    /** {@code 100 Continue} only when the client asked for it and has not sent the body (or any of a chunked one) yet. */
    static boolean owesContinue(RequestHead head, int prefixLength) {
        boolean bodyStillToCome = head.chunked() ? prefixLength == 0 : prefixLength < head.contentLength();
        return head.expectContinue() && bodyStillToCome;
    }

    static byte[] frame(long requestId, boolean keepAlive, Route route, RequestHead head, byte[] prefix, String callId,
                        long queueWaitMicros, int attempt) {
        FunctionDescriptor d = route.descriptor();
        return new HandoffFrame(requestId, keepAlive, d.name(), d.version(), d.runtime(),
                route.modulePath().toString(), d.handler(), d.memoryMb(), d.timeoutSeconds() * 1000, d.tmpMb(),
                d.processes(), d.network(), d.env(), head.method(), head.path(), head.query(), head.headers(),
                head.contentLength(), prefix, head.chunked(), callId, queueWaitMicros, d.mode(), d.concurrency(),
                attempt).encode();
    }

    /**
     * Which try of its call this request is: what the control plane says in {@value #ATTEMPT_HEADER} on
     * the internal entry, else 1. A client's header is ignored: a function must be able to trust that
     * {@code FAAS_ATTEMPT} above 1 means the platform itself ran the call before. A malformed value counts as 1.
     */
    static int attemptOf(RequestHead head, boolean internal) {
        if (!internal) {
            return 1;
        }
        String value = head.header(ATTEMPT_HEADER);
        if (value == null || value.isEmpty() || value.length() > 7) {
            return 1;
        }
        int n = 0;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < '0' || ch > '9') {
                return 1;
            }
            n = n * 10 + (ch - '0');
        }
        return n >= 1 && n <= MAX_ATTEMPT ? n : 1;
    }

    /**
     * Takes what the worker needs out of the buffer, then hands off once the connection left the
     * selector. Called at once for a call that got its place, or when a parked one is granted it:
     * the time since it was parked is its queue wait in the gateway.
     */
    void start(Connection c, RequestHead head, Route route) {
        long queueWaitMicros = queueWaitMicros(c);
        int headEnd = head.headLength();
        int prefixLength = prefixLength(head, c.buffer.position() - headEnd);
        byte[] prefix = Arrays.copyOfRange(c.buffer.array(), headEnd, headEnd + prefixLength);
        c.consume(headEnd + prefixLength);
        if (owesContinue(head, prefixLength)) {
            ByteBuffer continueLine = ByteBuffer.wrap(CONTINUE);
            if (!writes.write(c, continueLine)) {
                return;
            }
            if (continueLine.hasRemaining()) {
                writes.queue(c, continueLine,
                        () -> detachments.detach(c, () -> send(c, head, route, prefix, queueWaitMicros)));
                return;
            }
        }
        detachments.detach(c, () -> send(c, head, route, prefix, queueWaitMicros));
    }

    /** How long the call on {@code c} was parked (0 if it was not), and the connection's next call starts unparked. */
    private long queueWaitMicros(Connection c) {
        long parkedAt = c.parkedAtNanos;
        if (parkedAt == Connection.NOT_PARKED) {
            return 0;
        }
        c.parkedAtNanos = Connection.NOT_PARKED;
        return Math.max(0, TimeUnit.NANOSECONDS.toMicros(ctx.clock().nanoTime() - parkedAt));
    }

    /** Sends the frame to the best worker, then the next best, ...; a 503 when none takes it. */
    private void send(Connection c, RequestHead head, Route route, byte[] prefix, long queueWaitMicros) {
        long requestId = calls.nextId();
        // only calls get one, so the 404 path stays as it was; a parked call drew its own when it parked
        String callId = c.parkedCallId != null ? c.parkedCallId : CallIds.forCall(head, requestId);
        c.parkedCallId = null;
        FunctionDescriptor d = route.descriptor();
        byte[] frame = frame(requestId, head.keepAlive() && keepAlive.keepsConnections(), route, head, prefix, callId,
                queueWaitMicros, attemptOf(head, c.internal));
        FileDescriptor fd = SocketDescriptors.of(c.channel);
        long handedOff = ctx.clock().nanoTime();
        long deadline = handedOff + TimeUnit.SECONDS.toNanos(d.timeoutSeconds()) + ctx.handoffGraceNanos();
        long excluded = 0;
        WorkerSlot slot;
        while ((slot = ctx.picker().pick(excluded)) != null) {
            slot.requestStarted();
            InFlightCalls.Call<WorkerSlot> call = calls.add(requestId, c, slot, d.name(), d.version(), callId,
                    handedOff, deadline);
            try {
                slot.send(frame, fd);
                started(call, d.name());
                return;
            } catch (IOException e) {
                calls.remove(requestId);
                call.worker.requestEnded(); // not the call's end: it goes on, to the next worker, keeping its place
                excluded |= 1L << Math.min(63, slot.id());
                counters.handoffRetried();
                log.debug("hand-off to worker {} failed: {}", slot.id(), e.toString());
            }
        }
        CallAdmission.end(c); // not while the 503 is written: its place goes to the next waiter now
        ctx.records().unavailable(callId, d.name(), d.version(), handedOff, ctx.clock().nanoTime());
        answerDetached.accept(c, GatewayError.unavailable("no worker is available to run " + d.name(),
                Map.of("function", d.name(), "callId", callId)).withHeader(CallId.HEADER + ": " + callId));
    }

    /** The call is in flight for its function's metrics until {@code EventLoop#callEnded}. */
    private void started(InFlightCalls.Call<WorkerSlot> call, String function) {
        if (ctx.counters().enabled()) {
            FunctionLoad load = ctx.counters().function(function);
            load.started();
            call.load = load;
        }
    }
}
