package org.faasj.controlplane.gateway;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.faasj.controlplane.routing.ReservedPaths;
import org.faasj.controlplane.routing.Route;
import org.faasj.controlplane.workers.WorkerSlot;
import org.faasj.model.CompletionAck;
import org.faasj.model.FunctionDescriptor;
import org.faasj.model.HandoffFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway thread with its own selector. It reads request heads of the connections it owns,
 * answers bad requests itself, and hands good ones to a worker: the connection then leaves the
 * selector (the worker reads and writes it in blocking mode) and comes back when the worker's
 * completion ack says the connection may serve another request. Every mutable field here is
 * touched only by this loop's thread; other threads talk to it through {@link #execute}.
 */
final class EventLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** A request a worker is working on. */
    private record InFlight(Connection connection, WorkerSlot slot, long deadlineNanos) {
    }

    private final int index;
    private final GatewayContext ctx;
    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Map<Long, InFlight> inFlight = new HashMap<>();
    /** Work to do once the connections' keys are really deregistered (after the next selectNow). */
    private final List<Runnable> afterDeregistration = new ArrayList<>();
    private long sequence;
    private long nextSweepNanos;
    private volatile boolean running = true;

    EventLoop(int index, GatewayContext ctx) throws IOException {
        this.index = index;
        this.ctx = ctx;
        this.selector = Selector.open();
    }

    /** Runs a task on this loop's thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Takes over a freshly accepted connection. */
    void adopt(SocketChannel channel) {
        execute(() -> register(new Connection(channel, ctx.bufferSize()), ctx.headTimeoutNanos()));
    }

    /** The worker answered; called from a link thread. */
    void completed(WorkerSlot slot, CompletionAck ack) {
        execute(() -> onCompleted(ack));
    }

    /** The worker is gone; called from a link thread. */
    void lost(WorkerSlot slot) {
        execute(() -> onLost(slot));
    }

    static int loopOf(long requestId) {
        return (int) (requestId >>> 56);
    }

    void shutdown() {
        running = false;
        selector.wakeup();
    }

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
        } catch (IOException | RuntimeException e) {
            log.error("gateway event loop {} failed", index, e);
        } finally {
            closeAll();
        }
    }

    private void handleSelected() {
        Set<SelectionKey> selected = selector.selectedKeys();
        Iterator<SelectionKey> it = selected.iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            if (key.isValid() && key.isReadable()) {
                readFrom((Connection) key.attachment());
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    private void readFrom(Connection c) {
        if (c.draining) {
            drain(c);
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
            c.deadlineNanos = System.nanoTime() + ctx.headTimeoutNanos();
        }
        processBuffered(c);
    }

    /** Serves every complete request in the buffer, as long as the connection stays with this loop. */
    private void processBuffered(Connection c) {
        while (c.key != null && c.hasBufferedBytes()) {
            byte[] bytes = c.buffer.array();
            int limit = c.buffer.position();
            RequestHead head;
            try {
                int end = ctx.parser().findHeadEnd(bytes, c.scanned, limit);
                if (end < 0) {
                    c.scanned = Math.max(0, limit - 3);
                    if (!c.buffer.hasRemaining()) {
                        throw new HttpParseException(431, "request head does not fit in " + c.buffer.capacity() + " bytes");
                    }
                    return;
                }
                head = ctx.parser().parse(bytes, end);
            } catch (HttpParseException e) {
                answer(c, null, e.status(), e.getMessage(), Map.of(), null, false);
                return;
            }
            if (!route(c, head)) {
                return;
            }
        }
    }

    /** @return true when the connection stays here and may hold a further request */
    private boolean route(Connection c, RequestHead head) {
        String path = head.path();
        if (ReservedPaths.isReserved(path)) {
            detach(c, () -> relay(c, head));
            return false;
        }
        Route route = ctx.routes().lookup(head.method(), path);
        if (route == null) {
            return answerUnrouted(c, head);
        }
        // [worker: chunked bodies] no 411 any more: the worker decodes chunked bodies (issue 14, item 8)
        if (head.contentLength() > ctx.maxBodyBytes()) {
            return answer(c, head, 413, "request body of " + head.contentLength() + " bytes is larger than the limit of "
                    + ctx.maxBodyBytes() + " bytes", Map.of("limit", ctx.maxBodyBytes()), null, false);
        }
        int headEnd = head.headLength();
        // [worker: chunked bodies] a chunked body's end is unknown here: the worker gets all bytes read
        // so far and decodes from them (it closes the connection if they held more than the body)
        int buffered = c.buffer.position() - headEnd;
        int prefixLength = head.chunked() ? buffered : (int) Math.min(buffered, head.contentLength());
        byte[] prefix = Arrays.copyOfRange(c.buffer.array(), headEnd, headEnd + prefixLength);
        c.consume(headEnd + prefixLength);
        boolean sendContinue = head.expectContinue()
                && (head.chunked() ? prefixLength == 0 : prefixLength < head.contentLength());
        detach(c, () -> handOff(c, head, route, prefix, sendContinue));
        return false;
    }

    private boolean answerUnrouted(Connection c, RequestHead head) {
        Set<String> allowed = ctx.routes().methodsFor(head.path());
        if (allowed.isEmpty()) {
            return answer(c, head, 404, "no function is deployed at " + head.path(),
                    Map.of("method", head.method(), "path", head.path()), null, true);
        }
        return answer(c, head, 405, head.method() + " is not allowed on " + head.path(),
                Map.of("allowed", allowed), "Allow: " + String.join(", ", allowed), true);
    }

    /**
     * Writes one of the gateway's own answers. The connection stays open only when the client wants
     * that and the request's body is already in the buffer (so it can be skipped). A chunked body's
     * end is not known here, so after one the connection always closes: its chunks must never be
     * read as the next request.
     */
    private boolean answer(Connection c, RequestHead head, int status, String detail,
                           Map<String, Object> extra, String extraHeader, boolean mayKeepAlive) {
        long requestEnd = head == null ? Long.MAX_VALUE : head.headLength() + head.contentLength();
        boolean keepAlive = mayKeepAlive && running && head.keepAlive() && !head.method().equals("HEAD")
                && !head.chunked() && requestEnd <= c.buffer.position();
        ByteBuffer response = ByteBuffer.wrap(ProblemResponse.of(status, detail, keepAlive, extra, extraHeader));
        try {
            c.channel.write(response);
        } catch (IOException e) {
            keepAlive = false;
        }
        if (response.hasRemaining()) {
            close(c);
            return false;
        }
        if (!keepAlive) {
            startDraining(c);
            return false;
        }
        c.consume((int) requestEnd);
        c.deadlineNanos = System.nanoTime() + nextRequestTimeout(c);
        return true;
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
            } catch (IOException e) {
                close(c);
                return;
            }
            then.run();
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

    private void handOff(Connection c, RequestHead head, Route route, byte[] prefix, boolean sendContinue) {
        long requestId = ((long) index << 56) | (++sequence & 0x00FF_FFFF_FFFF_FFFFL);
        FunctionDescriptor d = route.descriptor();
        byte[] frame = new HandoffFrame(requestId, head.keepAlive() && running, d.name(), d.version(), d.runtime(),
                route.modulePath().toString(), d.handler(), d.memoryMb(), d.timeoutSeconds() * 1000, d.tmpMb(),
                d.processes(), d.network(), d.env(), head.method(), head.path(), head.query(), head.headers(),
                head.contentLength(), prefix, head.chunked()).encode(); // [worker: chunked bodies] the flag
        if (sendContinue && !writeBlocking(c, CONTINUE)) {
            close(c);
            return;
        }
        FileDescriptor fd = SocketDescriptors.of(c.channel);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(d.timeoutSeconds()) + ctx.handoffGraceNanos();
        long excluded = 0;
        WorkerSlot slot;
        while ((slot = ctx.picker().pick(excluded)) != null) {
            slot.requestStarted();
            inFlight.put(requestId, new InFlight(c, slot, deadline));
            try {
                slot.send(frame, fd);
                return;
            } catch (IOException e) {
                inFlight.remove(requestId);
                slot.requestEnded();
                excluded |= 1L << Math.min(63, slot.id());
                log.debug("hand-off to worker {} failed: {}", slot.id(), e.toString());
            }
        }
        writeBlocking(c, ProblemResponse.of(503, "no worker is available to run " + d.name(), false));
        close(c);
    }

    private void relay(Connection c, RequestHead head) {
        int consumed = head.headLength();
        byte[] alreadyRead = Arrays.copyOfRange(c.buffer.array(), consumed, c.buffer.position());
        if (!ctx.relay().start(c.channel, head, alreadyRead)) {
            writeBlocking(c, ProblemResponse.of(503, "the console and API are not available right now", false));
            close(c);
        }
    }

    private void onCompleted(CompletionAck ack) {
        InFlight f = inFlight.remove(ack.requestId());
        if (f == null) {
            return;
        }
        f.slot().requestEnded();
        Connection c = f.connection();
        if (ack.keepAlive() && running) {
            if (register(c, nextRequestTimeout(c))) {
                processBuffered(c);
            }
        } else {
            close(c);
        }
    }

    /** A pipelined request already begun must finish its head in time; an idle connection may wait longer. */
    private long nextRequestTimeout(Connection c) {
        return c.hasBufferedBytes() ? ctx.headTimeoutNanos() : ctx.keepAliveNanos();
    }

    private void onLost(WorkerSlot slot) {
        inFlight.values().removeIf(f -> {
            if (f.slot() != slot) {
                return false;
            }
            slot.requestEnded();
            abort(f.connection());
            return true;
        });
    }

    private boolean register(Connection c, long timeoutNanos) {
        try {
            c.channel.configureBlocking(false);
            c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
            c.deadlineNanos = System.nanoTime() + timeoutNanos;
            return true;
        } catch (IOException e) {
            close(c);
            return false;
        }
    }

    private void sweepIfDue() {
        long now = System.nanoTime();
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
        inFlight.values().removeIf(f -> {
            if (now - f.deadlineNanos() <= 0) {
                return false;
            }
            log.warn("worker {} did not finish a request in time; cutting the connection", f.slot().id());
            f.slot().requestEnded();
            abort(f.connection());
            return true;
        });
    }

    /** A client that started a head and stalled gets a 408; an idle keep-alive connection is just closed. */
    private void expire(Connection c) {
        if (c.draining) {
            close(c);
        } else if (c.hasBufferedBytes()) {
            answer(c, null, 408, "the request head did not arrive within the read timeout", Map.of(), null, false);
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
        c.deadlineNanos = System.nanoTime() + DRAIN_NANOS;
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

    private boolean writeBlocking(Connection c, byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                c.channel.write(b);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Cuts a connection a worker may still hold: shutdown wakes the worker's blocked reads and writes. */
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
        if (c.key != null) {
            c.key.cancel();
            c.key = null;
        }
        try {
            c.channel.close();
        } catch (IOException e) {
            log.trace("close", e);
        }
    }

    private void closeAll() {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Connection c) {
                close(c);
            }
        }
        inFlight.values().forEach(f -> close(f.connection()));
        inFlight.clear();
        try {
            selector.close();
        } catch (IOException e) {
            log.trace("selector close", e);
        }
    }
}
