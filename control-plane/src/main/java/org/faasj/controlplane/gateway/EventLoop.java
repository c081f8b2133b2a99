package org.faasj.controlplane.gateway;

import java.io.FileDescriptor;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.workers.WorkerSlot;
import org.faasj.model.CallId;
import org.faasj.model.CompletionAck;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.HandoffFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway thread with its own selector. It reads request heads of the connections it owns,
 * lets {@link Triage} decide what each one gets, answers bad requests itself, and hands good ones
 * to a worker: the connection then leaves the selector (the worker reads and writes it in blocking
 * mode) and comes back when the worker's completion ack says the connection may serve another
 * request. Every mutable field here is touched only by this loop's thread; other threads talk to
 * it through {@link #execute}.
 */
final class EventLoop implements Runnable, GatewayDrain.Loop {

    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int REFUSED_BUFFER_BYTES = 512;
    /** [drain] an idle keep-alive connection is closed this soon after a shutdown begins. */
    private static final long DRAIN_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final int index;
    private final GatewayContext ctx;
    private final NanoClock clock;
    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final InFlightCalls<WorkerSlot> calls;
    /** Work to do once the connections' keys are really deregistered (after the next selectNow). */
    private final List<Runnable> afterDeregistration = new ArrayList<>();
    private long nextSweepNanos;
    private volatile boolean running = true;
    private volatile boolean alive = true;
    /** [drain] shutting down gracefully: no connection is kept alive after its current request. */
    private boolean drainStarted;

    EventLoop(int index, GatewayContext ctx) throws IOException {
        this.index = index;
        this.ctx = ctx;
        this.clock = ctx.clock();
        this.calls = new InFlightCalls<>(index);
        this.selector = Selector.open();
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
                closeQuietly(channel);
                ctx.caps().release(client);
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
                closeQuietly(channel);
                ctx.caps().endRefusal();
                throw e;
            }
            if (register(c, ctx.headTimeoutNanos())) {
                answer(c, null, GatewayError.unavailable(why.detail + "; retry later", Map.of()));
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
            execute(() -> calls.markResponseStarted(ack.requestId()));
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
        selector.wakeup();
    }

    // ---- [drain] graceful shutdown (GatewayDrain); the orchestration lives there ----

    /** Stops keeping connections alive; idle ones get {@link #DRAIN_LINGER_NANOS} to send a last request. */
    @Override
    public void startDrain() {
        execute(() -> {
            drainStarted = true;
            long closeBy = clock.nanoTime() + DRAIN_LINGER_NANOS;
            for (SelectionKey key : selector.keys()) {
                if (key.isValid() && key.attachment() instanceof Connection c && isIdle(c) && c.deadlineNanos - closeBy > 0) {
                    c.deadlineNanos = closeBy;
                }
            }
        });
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
            int open = calls.size() + afterDeregistration.size();
            for (SelectionKey key : selector.keys()) {
                if (key.isValid() && key.attachment() instanceof Connection c && !c.draining) {
                    open++;
                }
            }
            count.complete(open);
        });
        return count;
    }

    /** Waiting for nothing but the client's next request: no bytes of one, no answer still to write, not parked. */
    private static boolean isIdle(Connection c) {
        return !c.parked && !c.draining && c.pending == null && !c.hasBufferedBytes();
    }

    private boolean keepsConnections() {
        return running && !drainStarted;
    }

    // ---- end [drain] ----

    /**
     * The loop survives whatever one connection throws (that connection is closed); only a broken
     * selector or an error outside any connection's work ends it, and then it closes everything it
     * holds and says so through {@link #isAlive}.
     */
    @Override
    public void run() {
        try {
            while (running) {
                selector.select(TimeUnit.NANOSECONDS.toMillis(SWEEP_INTERVAL_NANOS));
                handleSelected();
                runTasks();
                finishDeregistrations();
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
                    writePending(c);
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
            abort(c);
        }
    }

    private void readFrom(Connection c) {
        if (c.draining) {
            drain(c);
            return;
        }
        if (c.parked) { // [concurrency] waiting for a place: only notice a client that goes away
            if (!CallAdmission.readWhileParked(c)) {
                close(c);
            }
            return;
        }
        boolean startsNewHead = !c.hasBufferedBytes();
        int n;
        try {
            n = c.channel.read(c.buffer);
        } catch (IOException e) {
            close(c);
            return;
        }
        if (n < 0) {
            close(c);
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
                answer(c, null, GatewayError.of(e));
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
            return answer(c, head, error);
        }
        if (verdict instanceof Verdict.HandOff handOff) {
            if (handOff.route().descriptor().limited()) { // [concurrency] run, park until a place frees, or 429
                return admit(c, head, handOff.route());
            }
            prepareHandOff(c, head, handOff.route());
            return false;
        }
        release(c); // the relay bounds its own connections
        detach(c, () -> relay(c, head));
        return false;
    }

    // ---- [concurrency] per-function limits (CallAdmission); the logic lives there ----

    /** @return true when the connection stays here and may hold a further request (only after a 429) */
    private boolean admit(Connection c, RequestHead head, Route route) {
        FunctionDescriptor d = route.descriptor();
        return switch (ctx.admission().admit(c, d, this::execute, () -> resumeParked(c, head, route))) {
            case RUN -> {
                prepareHandOff(c, head, route);
                yield false;
            }
            case PARKED -> false;
            case REFUSED -> answer(c, head, ctx.admission().refused(d));
        };
    }

    private void resumeParked(Connection c, RequestHead head, Route route) {
        if (CallAdmission.unpark(c)) {
            prepareHandOff(c, head, route);
        }
    }

    private void expireParked(Connection c) {
        GatewayError tooLong = ctx.admission().expire(c);
        if (tooLong != null) {
            answer(c, null, tooLong);
        }
    }

    // ---- end [concurrency] ----

    /**
     * Writes one of the gateway's own answers. The connection stays open only when the error allows
     * it, the client wants that and the request's body is already in the buffer (so it can be
     * skipped). A chunked body's end is not known here, so after one the connection always closes:
     * its chunks must never be read as the next request. What the socket does not take at once waits
     * for OP_WRITE (see {@link #queue}); meanwhile nothing more is read from this client.
     *
     * @return true when the answer is written, the connection stays and may hold a further request
     */
    private boolean answer(Connection c, RequestHead head, GatewayError error) {
        long requestEnd = head == null ? Long.MAX_VALUE : head.headLength() + head.contentLength();
        boolean keepAlive = error.mayKeepAlive() && keepsConnections() && head.keepAlive() && !head.method().equals("HEAD")
                && !head.chunked() && requestEnd <= c.buffer.position();
        ByteBuffer response = ByteBuffer.wrap(error.response(keepAlive));
        if (!write(c, response)) {
            return false;
        }
        if (response.hasRemaining()) {
            queue(c, response, keepAlive ? () -> keptAlive(c, (int) requestEnd, true) : () -> startDraining(c));
            return false;
        }
        if (!keepAlive) {
            startDraining(c);
            return false;
        }
        keptAlive(c, (int) requestEnd, false);
        return true;
    }

    /** After a keep-alive answer: skips the answered request and waits for (or serves) the next one. */
    private void keptAlive(Connection c, int requestEnd, boolean serveBuffered) {
        c.consume(requestEnd);
        c.shrinkIfEmpty();
        c.deadlineNanos = clock.nanoTime() + nextRequestTimeout(c);
        if (serveBuffered) {
            processBuffered(c);
        }
    }

    /** One non-blocking write; false (and the connection closed) when the client is gone. */
    private boolean write(Connection c, ByteBuffer bytes) {
        try {
            c.channel.write(bytes);
            return true;
        } catch (IOException e) {
            close(c);
            return false;
        }
    }

    /**
     * Keeps the rest of an answer for when the socket can take it. Until then the connection waits
     * for OP_WRITE only, and the client has {@code faas.gateway.write-timeout} to read it: a client
     * that never reads is closed at that deadline and holds up nobody else on this loop.
     */
    private void queue(Connection c, ByteBuffer rest, Runnable then) {
        c.pending = rest;
        c.afterWrite = then;
        c.key.interestOps(SelectionKey.OP_WRITE);
        c.deadlineNanos = clock.nanoTime() + ctx.writeTimeoutNanos();
    }

    private void writePending(Connection c) {
        if (!write(c, c.pending) || c.pending.hasRemaining()) {
            return;
        }
        Runnable then = c.afterWrite;
        c.pending = null;
        c.afterWrite = null;
        c.key.interestOps(SelectionKey.OP_READ);
        then.run();
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
            close(c);
            return;
        }
        answer(c, null, error);
    }

    /** Takes what the worker needs out of the buffer, then hands off once the connection left the selector. */
    private void prepareHandOff(Connection c, RequestHead head, Route route) {
        int headEnd = head.headLength();
        // [worker: chunked bodies] a chunked body's end is unknown here: the worker gets all bytes read
        // so far (a parked call's too) and decodes from them; it closes the connection if they held more
        // than the body. 100 Continue only when the client has sent nothing of the body yet.
        int buffered = c.buffer.position() - headEnd;
        int prefixLength = head.chunked() ? buffered : (int) Math.min(buffered, head.contentLength());
        byte[] prefix = Arrays.copyOfRange(c.buffer.array(), headEnd, headEnd + prefixLength);
        c.consume(headEnd + prefixLength);
        boolean bodyStillToCome = head.chunked() ? prefixLength == 0 : prefixLength < head.contentLength();
        if (head.expectContinue() && bodyStillToCome) {
            ByteBuffer continueLine = ByteBuffer.wrap(CONTINUE);
            if (!write(c, continueLine)) {
                return;
            }
            if (continueLine.hasRemaining()) {
                queue(c, continueLine, () -> detach(c, () -> handOff(c, head, route, prefix)));
                return;
            }
        }
        detach(c, () -> handOff(c, head, route, prefix));
    }

    /**
     * Takes the connection out of the selector. The key is only really deregistered by the next
     * select, and a channel must be deregistered before it can be switched to blocking mode, so the
     * follow-up runs after {@link #finishDeregistrations}.
     */
    private void detach(Connection c, Runnable then) {
        c.key.cancel();
        c.key = null;
        afterDeregistration.add(() -> {
            try {
                c.channel.configureBlocking(true);
                then.run();
            } catch (IOException e) {
                close(c);
            } catch (RuntimeException | Error e) {
                failed(c, e);
            }
        });
    }

    private void finishDeregistrations() throws IOException {
        if (afterDeregistration.isEmpty()) {
            return;
        }
        selector.selectNow();
        List<Runnable> ready = new ArrayList<>(afterDeregistration);
        afterDeregistration.clear();
        ready.forEach(Runnable::run);
    }

    private void handOff(Connection c, RequestHead head, Route route, byte[] prefix) {
        long requestId = calls.nextId();
        String callId = CallIds.forCall(head, requestId); // [call ids] only hand-offs get one
        FunctionDescriptor d = route.descriptor();
        byte[] frame = new HandoffFrame(requestId, head.keepAlive() && keepsConnections(), d.name(), d.version(), d.runtime(),
                route.modulePath().toString(), d.handler(), d.memoryMb(), d.timeoutSeconds() * 1000, d.tmpMb(),
                d.processes(), d.network(), d.env(), head.method(), head.path(), head.query(), head.headers(),
                head.contentLength(), prefix, head.chunked(), callId).encode(); // [worker: chunked bodies] the flag
        FileDescriptor fd = SocketDescriptors.of(c.channel);
        long deadline = clock.nanoTime() + TimeUnit.SECONDS.toNanos(d.timeoutSeconds()) + ctx.handoffGraceNanos();
        long excluded = 0;
        WorkerSlot slot;
        while ((slot = ctx.picker().pick(excluded)) != null) {
            slot.requestStarted();
            InFlightCalls.Call<WorkerSlot> call = calls.add(requestId, c, slot, d.name(), deadline);
            try {
                slot.send(frame, fd);
                return;
            } catch (IOException e) {
                calls.remove(requestId);
                call.worker.requestEnded(); // not callEnded: the client's call goes on, to the next worker, keeping its place
                excluded |= 1L << Math.min(63, slot.id());
                log.debug("hand-off to worker {} failed: {}", slot.id(), e.toString());
            }
        }
        CallAdmission.end(c); // [concurrency] not while the 503 is written: its place goes to the next waiter now
        answerDetached(c, GatewayError.unavailable("no worker is available to run " + d.name(), Map.of("function", d.name()))
                .withHeader(CallId.HEADER + ": " + callId)); // [call ids]
    }

    /**
     * Every call that was handed off ends here exactly once: acked, lost, past its deadline, or the
     * loop stopped. (A send that failed ends only that worker's part; see {@link #handOff}.)
     */
    private void callEnded(InFlightCalls.Call<WorkerSlot> call) {
        call.worker.requestEnded();
        CallAdmission.end(call.connection); // [concurrency] its place goes to the next waiter
    }

    private void relay(Connection c, RequestHead head) {
        int consumed = head.headLength();
        byte[] alreadyRead = Arrays.copyOfRange(c.buffer.array(), consumed, c.buffer.position());
        if (!ctx.relay().start(c.channel, head, alreadyRead)) {
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
        if (ack.keepAlive() && keepsConnections()) {
            c.shrinkIfEmpty();
            if (register(c, nextRequestTimeout(c))) {
                processBuffered(c);
            }
        } else {
            // not just close our copy: a worker thread may still be blocked reading this client's
            // body (the function answered without reading it), and only a shutdown wakes it with EOF
            abort(c);
        }
    }

    /**
     * A pipelined request already begun must finish its head in time; an idle connection may wait
     * longer, unless a drain began (its answer was already promised keep-alive) [drain].
     */
    private long nextRequestTimeout(Connection c) {
        if (c.hasBufferedBytes()) {
            return ctx.headTimeoutNanos();
        }
        return drainStarted ? DRAIN_LINGER_NANOS : ctx.keepAliveNanos();
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
                answerDetached(call.connection, new GatewayError(502, "worker " + slot.id()
                        + " stopped before it answered; the function's call did not complete",
                        Map.of("function", call.function, "worker", slot.id()), null, false));
            } else {
                abort(call.connection);
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
            close(c);
            return false;
        }
    }

    private void sweepIfDue() {
        long now = clock.nanoTime();
        if (now - nextSweepNanos < 0) {
            return;
        }
        nextSweepNanos = now + SWEEP_INTERVAL_NANOS;
        List<Connection> expired = new ArrayList<>();
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof Connection c && now - c.deadlineNanos > 0) {
                expired.add(c);
            }
        }
        expired.forEach(this::expire);
        calls.removeExpired(now, call -> {
            log.warn("worker {} did not finish a request in time; cutting the connection", call.worker.id());
            callEnded(call);
            abort(call.connection);
        });
    }

    /**
     * A client that started a head and stalled gets a 408; an idle keep-alive connection, or one
     * that did not read an answer in time, is just closed.
     */
    private void expire(Connection c) {
        if (c.parked) { // [concurrency] the queue wait is over: 429, not 408
            expireParked(c);
        } else if (c.draining || c.pending != null) {
            close(c);
        } else if (c.hasBufferedBytes()) {
            answer(c, null, GatewayError.closing(408, "the request head did not arrive within the read timeout"));
        } else {
            close(c);
        }
    }

    private void startDraining(Connection c) {
        try {
            c.channel.shutdownOutput();
        } catch (IOException e) {
            close(c);
            return;
        }
        c.draining = true;
        c.buffer.clear();
        c.deadlineNanos = clock.nanoTime() + DRAIN_NANOS;
    }

    private void drain(Connection c) {
        try {
            c.buffer.clear();
            if (c.channel.read(c.buffer) < 0) {
                close(c);
            }
        } catch (IOException e) {
            close(c);
        }
        c.buffer.clear();
    }

    /**
     * Cuts a connection a worker may still hold: shutdown acts on the connection itself, not on one
     * descriptor of it, so it wakes every holder's blocked reads (EOF) and writes (EPIPE).
     */
    private void abort(Connection c) {
        try {
            c.channel.shutdownInput();
            c.channel.shutdownOutput();
        } catch (IOException e) {
            log.trace("shutdown of an aborted connection", e);
        }
        close(c);
    }

    private void close(Connection c) {
        CallAdmission.end(c); // [concurrency] a parked client that left, or any other end, frees its place
        if (c.key != null) {
            c.key.cancel();
            c.key = null;
        }
        try {
            c.channel.close();
        } catch (IOException e) {
            log.trace("close", e);
        }
        release(c);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.trace("close", e);
        }
    }

    /** Gives the connection's place under the caps back, once. */
    private void release(Connection c) {
        if (c.released) {
            return;
        }
        c.released = true;
        if (c.client != null) {
            ctx.caps().release(c.client);
        } else {
            ctx.caps().endRefusal();
        }
    }

    private void closeAll() {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Connection c) {
                close(c);
            }
        }
        calls.removeAll(call -> {
            callEnded(call);
            close(call.connection);
        });
        try {
            selector.close();
        } catch (IOException e) {
            log.trace("selector close", e);
        }
    }
}
