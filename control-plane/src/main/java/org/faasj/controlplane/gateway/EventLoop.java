package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.metrics.LoopCounters;
import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.workers.WorkerSlot;
import org.faasj.model.CallId;
import org.faasj.model.CompletionAck;
import org.faasj.model.FunctionDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway thread with its own selector. It reads request heads of the connections it owns,
 * lets {@link Triage} decide what each one gets, answers bad requests itself ({@link ClientWrites}),
 * and hands good ones to a worker ({@link HandOffs}): the connection then leaves the selector (the
 * worker reads and writes it in blocking mode) and comes back when the worker's completion ack says
 * the connection may serve another request. Every mutable field here and in the helpers it owns
 * is touched only by this loop's thread; other threads talk to it through {@link #execute}.
 */
final class EventLoop implements Runnable, GatewayDrain.Loop {

    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    private static final int REFUSED_BUFFER_BYTES = 512;
    /** The internal entry runs function calls; platform paths have their own door (and an async enqueue would loop). */
    private static final GatewayError INTERNAL_CALLS_ONLY = GatewayError.closing(404,
            "the internal entry serves function calls only");

    private final int index;
    private final GatewayContext ctx;
    private final NanoClock clock;
    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final InFlightCalls<WorkerSlot> calls;
    private final KeepAlive keepAlive;
    private final ConnectionCloser closer;
    private final ClientWrites writes;
    private final Detachments detachments;
    private final HandOffs handOffs;
    private final LoopCounters counters;
    private final DeadlineSweep sweep = new DeadlineSweep();
    private volatile boolean running = true;
    private volatile boolean alive = true;

    EventLoop(int index, GatewayContext ctx) throws IOException {
        this.index = index;
        this.ctx = ctx;
        this.clock = ctx.clock();
        this.calls = new InFlightCalls<>(index);
        this.selector = Selector.open();
        this.counters = ctx.counters().forLoop(index);
        this.keepAlive = new KeepAlive(ctx.headTimeoutNanos(), ctx.keepAliveNanos());
        this.closer = new ConnectionCloser(ctx.caps());
        this.writes = new ClientWrites(clock, ctx.writeTimeoutNanos(), closer, keepAlive, this::processBuffered, counters);
        this.detachments = new Detachments(closer, this::failed);
        this.handOffs = new HandOffs(ctx, calls, writes, detachments, keepAlive, this::answerDetached, counters);
    }

    /** Runs a task on this loop's thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Takes over a freshly accepted connection, already counted by the caps for {@code client}. */
    void adopt(SocketChannel channel, InetAddress client) {
        execute(() -> {
            Connection c;
            try {
                c = new Connection(channel, client, ctx.initialBufferSize(), ctx.bufferSize());
            } catch (RuntimeException | Error e) {
                ConnectionCloser.closeQuietly(channel);
                ctx.caps().release(client);
                throw e;
            }
            register(c, ctx.headTimeoutNanos());
        });
    }

    /** Takes over a connection of the control plane's own from the {@link InternalEntry} (not counted by the caps). */
    void adoptInternal(SocketChannel channel) {
        execute(() -> {
            Connection c;
            try {
                c = new Connection(channel, null, true, ctx.initialBufferSize(), ctx.bufferSize());
            } catch (RuntimeException | Error e) {
                ConnectionCloser.closeQuietly(channel);
                throw e;
            }
            register(c, ctx.headTimeoutNanos());
        });
    }

    /** Answers a connection past a cap with 503 and closes it (after its answer was read, or the drain time). */
    void refuse(SocketChannel channel, ConnectionCaps.Refusal why) {
        execute(() -> {
            Connection c;
            try {
                c = new Connection(channel, null, REFUSED_BUFFER_BYTES, REFUSED_BUFFER_BYTES);
            } catch (RuntimeException | Error e) {
                ConnectionCloser.closeQuietly(channel);
                ctx.caps().endRefusal();
                throw e;
            }
            if (register(c, ctx.headTimeoutNanos())) {
                writes.answer(c, null, GatewayError.unavailable(why.detail + "; retry later", Map.of()));
            }
        });
    }

    /** Whether this loop still runs; the acceptor hands new connections only to live loops. */
    boolean isAlive() {
        return alive;
    }

    /** The worker answered, or is about to write its answer; called from a link thread. */
    void completed(WorkerSlot slot, CompletionAck ack) {
        if (ack.isResponseStart()) {
            // queued without waking the loop: only onLost reads the mark, and it comes through this
            // same FIFO queue (with a wake-up), after it; the completion ack follows within
            // microseconds anyway. Waking for it cost the loop a select round per request.
            tasks.add(() -> calls.markResponseStarted(ack.requestId()));
        } else {
            execute(() -> onCompleted(ack));
        }
    }

    /** The worker's link is gone, and maybe the worker too; called from a link thread. */
    void lost(WorkerSlot slot, boolean workerDied) {
        execute(() -> onLost(slot, workerDied));
    }

    static int loopOf(long requestId) {
        return InFlightCalls.loopOf(requestId);
    }

    void shutdown() {
        running = false;
        keepAlive.stop();
        selector.wakeup();
    }

    /** Stops keeping connections alive (see {@link KeepAlive}); {@link GatewayDrain} runs the shutdown. */
    @Override
    public void startDrain() {
        execute(() -> keepAlive.startDrain(selector.keys(), clock.nanoTime()));
    }

    /**
     * Calls not finished yet: in flight on a worker, parked, about to be handed off, or a connection
     * that may still send one or has not taken its answer yet. A dead loop has none (it closed everything).
     */
    @Override
    public CompletableFuture<Integer> openCalls() {
        if (!alive) {
            return CompletableFuture.completedFuture(0);
        }
        CompletableFuture<Integer> count = new CompletableFuture<>();
        execute(() -> {
            int open = calls.size() + detachments.size();
            for (SelectionKey key : selector.keys()) {
                if (key.isValid() && key.attachment() instanceof Connection c && !c.draining) {
                    open++;
                }
            }
            count.complete(open);
        });
        return count;
    }

    /**
     * The loop survives whatever one connection throws (that connection is closed); only a broken
     * selector or an error outside any connection's work ends it, and then it closes everything it
     * holds and says so through {@link #isAlive}.
     */
    @Override
    public void run() {
        try {
            while (running) {
                selector.select(TimeUnit.NANOSECONDS.toMillis(DeadlineSweep.INTERVAL_NANOS));
                handleSelected();
                runTasks();
                detachments.finish(selector);
                sweepIfDue();
            }
        } catch (IOException | RuntimeException | Error e) {
            log.error("gateway event loop {} failed", index, e);
        } finally {
            alive = false;
            closeAll();
        }
    }

    private void handleSelected() {
        Set<SelectionKey> selected = selector.selectedKeys();
        Iterator<SelectionKey> it = selected.iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Connection c = (Connection) key.attachment();
            try {
                if (key.isValid() && key.isWritable()) {
                    writes.writePending(c);
                } else if (key.isValid() && key.isReadable()) {
                    readFrom(c);
                }
            } catch (RuntimeException | Error e) {
                failed(c, e);
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                failed(null, e);
            }
        }
    }

    /**
     * A bug or an exhausted heap while serving one connection costs that connection, not the loop
     * and every other connection it holds.
     */
    private void failed(Connection c, Throwable e) {
        log.error("gateway event loop {}: dropping a connection after an unexpected error", index, e);
        if (c != null) {
            closer.abort(c);
        }
    }

    private void readFrom(Connection c) {
        if (c.draining) {
            writes.drain(c);
            return;
        }
        if (c.parked) { // waiting for a place: only notice a client that goes away
            if (!CallAdmission.readWhileParked(c)) {
                closer.close(c);
            }
            return;
        }
        boolean startsNewHead = !c.hasBufferedBytes();
        int n;
        try {
            n = c.channel.read(c.buffer);
        } catch (IOException e) {
            closer.close(c);
            return;
        }
        if (n < 0) {
            closer.close(c);
            return;
        }
        if (startsNewHead && n > 0) {
            c.deadlineNanos = clock.nanoTime() + ctx.headTimeoutNanos();
        }
        processBuffered(c);
    }

    /** Serves every complete request in the buffer, as long as the connection stays with this loop. */
    private void processBuffered(Connection c) {
        while (c.key != null && c.pending == null && c.hasBufferedBytes()) {
            byte[] bytes = c.buffer.array();
            int limit = c.buffer.position();
            RequestHead head;
            try {
                int end = ctx.parser().findHeadEnd(bytes, c.scanned, limit);
                if (end < 0) {
                    c.scanned = Math.max(0, limit - 3);
                    if (!c.buffer.hasRemaining() && !c.grow()) {
                        throw new HttpParseException(431, "request head does not fit in " + c.buffer.capacity() + " bytes");
                    }
                    return;
                }
                head = ctx.parser().parse(bytes, end);
            } catch (HttpParseException e) {
                writes.answer(c, null, GatewayError.of(e));
                return;
            }
            if (!dispatch(c, head)) {
                return;
            }
        }
    }

    /** @return true when the connection stays here and may hold a further request */
    private boolean dispatch(Connection c, RequestHead head) {
        Verdict verdict = Triage.decide(head, ctx.routes(), ctx.maxBodyBytes());
        if (verdict instanceof GatewayError error) {
            return writes.answer(c, head, error);
        }
        if (c.internal && !(verdict instanceof Verdict.HandOff)) {
            return writes.answer(c, head, INTERNAL_CALLS_ONLY);
        }
        if (verdict instanceof Verdict.HandOff handOff) {
            if (handOff.route().descriptor().limited()) { // run, park until a place frees, or 429
                return admit(c, head, handOff.route());
            }
            handOffs.start(c, head, handOff.route());
            return false;
        }
        // an async enqueue goes to Spring like a platform path, with the function it names
        String asyncFunction = verdict instanceof Verdict.Enqueue enqueue ? enqueue.route().descriptor().name() : null;
        closer.release(c); // the relay bounds its own connections
        counters.relayed();
        detachments.detach(c, () -> relay(c, head, asyncFunction));
        return false;
    }

    /** Per-function concurrency ({@link CallAdmission}). @return true only after a 429 that keeps the connection */
    private boolean admit(Connection c, RequestHead head, Route route) {
        FunctionDescriptor d = route.descriptor();
        return switch (ctx.admission().admit(c, d, this::execute, () -> resumeParked(c, head, route))) {
            case RUN -> {
                handOffs.start(c, head, route);
                yield false;
            }
            case PARKED -> {
                c.parkedCallId = CallIds.forCall(head, calls.nextId());
                yield false;
            }
            case REFUSED -> writes.answer(c, head, ctx.admission().refused(d, CallIds.forCall(head, calls.nextId())));
        };
    }

    private void resumeParked(Connection c, RequestHead head, Route route) {
        if (CallAdmission.unpark(c)) {
            handOffs.start(c, head, route);
        }
    }

    /**
     * Takes a connection back from blocking mode (after a failed hand-off or relay, or a lost
     * worker) to give it a closing answer through the selector like any other.
     */
    private void answerDetached(Connection c, GatewayError error) {
        try {
            c.channel.configureBlocking(false);
            c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
        } catch (IOException e) {
            closer.close(c);
            return;
        }
        writes.answer(c, null, error);
    }

    /**
     * Every call that was handed off ends here exactly once: acked, lost, past its deadline, or the
     * loop stopped. (A send that failed ends only that worker's part; see {@link HandOffs}.)
     */
    private void callEnded(InFlightCalls.Call<WorkerSlot> call) {
        call.worker.requestEnded();
        if (call.load != null) {
            call.load.ended();
        }
        CallAdmission.end(call.connection); // its place goes to the next waiter
    }

    private void relay(Connection c, RequestHead head, String asyncFunction) {
        int consumed = head.headLength();
        byte[] alreadyRead = Arrays.copyOfRange(c.buffer.array(), consumed, c.buffer.position());
        if (!ctx.relay().start(c.channel, head, alreadyRead, asyncFunction)) {
            answerDetached(c, GatewayError.unavailable("the console and API are not available right now", Map.of()));
        }
    }

    private void onCompleted(CompletionAck ack) {
        InFlightCalls.Call<WorkerSlot> call = calls.remove(ack.requestId());
        if (call == null) {
            return;
        }
        callEnded(call);
        Connection c = call.connection;
        if (ack.keepAlive() && keepAlive.keepsConnections()) {
            c.shrinkIfEmpty();
            if (register(c, keepAlive.nextRequestTimeout(c))) {
                processBuffered(c);
            }
        } else {
            // not just close our copy: a worker thread may still be blocked reading this client's
            // body (the function answered without reading it), and only a shutdown wakes it with EOF
            closer.abort(c);
        }
    }

    /**
     * A dead worker that had not begun a response leaves its client with nothing, so the gateway
     * answers 502 itself. Otherwise the client may hold part of a response (or, with the worker
     * still alive, may yet get one), and only cutting the connection is safe.
     */
    private void onLost(WorkerSlot slot, boolean workerDied) {
        calls.removeAllOf(slot, call -> {
            callEnded(call);
            if (workerDied && !call.responseStarted) {
                ctx.records().lost(call, 502, clock.nanoTime());
                answerDetached(call.connection, new GatewayError(502, "worker " + slot.id()
                        + " stopped before it answered; the function's call did not complete",
                        Map.of("function", call.function, "worker", slot.id(), "callId", call.callId),
                        CallId.HEADER + ": " + call.callId, false));
            } else {
                if (workerDied) {
                    ctx.records().lost(call, 0, clock.nanoTime()); // a dead worker sends no record; a live one still may
                }
                closer.abort(call.connection);
            }
        });
    }

    private boolean register(Connection c, long timeoutNanos) {
        try {
            c.channel.configureBlocking(false);
            c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
            c.deadlineNanos = clock.nanoTime() + timeoutNanos;
            return true;
        } catch (IOException e) {
            closer.close(c);
            return false;
        }
    }

    private void sweepIfDue() {
        long now = clock.nanoTime();
        if (!sweep.due(now)) {
            return;
        }
        DeadlineSweep.expired(selector.keys(), now).forEach(this::expire);
        calls.removeExpired(now, call -> {
            log.warn("worker {} did not finish a request in time; cutting the connection", call.worker.id());
            ctx.records().lost(call, 0, now);
            callEnded(call);
            closer.abort(call.connection);
        });
    }

    private void expire(Connection c) {
        switch (DeadlineSweep.outcome(c)) {
            case QUEUE_WAIT_OVER -> {
                GatewayError tooLong = ctx.admission().expire(c);
                if (tooLong != null) {
                    writes.answer(c, null, tooLong);
                }
            }
            case HEAD_TIMEOUT -> writes.answer(c, null,
                    GatewayError.closing(408, "the request head did not arrive within the read timeout"));
            case CLOSE -> {
                if (KeepAlive.isIdle(c) && requestArrived(c)) {
                    return;
                }
                closer.close(c);
            }
        }
    }

    /**
     * An idle keep-alive connection whose next request arrived after this round's select, just as
     * its idle time ran out: that request is read and served like any other, not cut off. Closing
     * it would leave the client, which already sent it on a connection it was promised, without an
     * answer ("no bytes" or a reset). Only bytes still unsent when we close remain a race HTTP allows.
     *
     * @return true when bytes came (the connection got a new deadline, or left: served, handed off)
     *         or the read found the client gone and closed it
     */
    private boolean requestArrived(Connection c) {
        long idleDeadline = c.deadlineNanos;
        readFrom(c);
        return c.key == null || c.deadlineNanos != idleDeadline;
    }

    private void closeAll() {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Connection c) {
                closer.close(c);
            }
        }
        calls.removeAll(call -> {
            callEnded(call);
            closer.close(call.connection);
        });
        try {
            selector.close();
        } catch (IOException e) {
            log.trace("selector close", e);
        }
    }
}
