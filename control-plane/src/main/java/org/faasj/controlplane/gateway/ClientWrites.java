package org.faasj.controlplane.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.faasj.controlplane.metrics.LoopCounters;

/**
 * The gateway's own answers to a client (errors, 503s, {@code 100 Continue}), written without ever
 * blocking its event loop. What the socket does not take at once waits for OP_WRITE, and the client
 * has {@code faas.gateway.write-timeout} to read it: a client that never reads is closed at that
 * deadline and holds up nobody else on the loop. A final answer half-closes the connection and
 * drains the client for a while, because closing with unread bytes makes the kernel send RST, and
 * an RST can destroy the answer before the client reads it. Loop thread only.
 */
final class ClientWrites {

    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final NanoClock clock;
    private final long writeTimeoutNanos;
    private final ConnectionCloser closer;
    private final KeepAlive keepAlive;
    /** Serves the requests already buffered on a connection kept alive. */
    private final Consumer<Connection> serveBuffered;
    private final LoopCounters counters;

    ClientWrites(NanoClock clock, long writeTimeoutNanos, ConnectionCloser closer, KeepAlive keepAlive,
                 Consumer<Connection> serveBuffered, LoopCounters counters) {
        this.clock = clock;
        this.writeTimeoutNanos = writeTimeoutNanos;
        this.closer = closer;
        this.keepAlive = keepAlive;
        this.serveBuffered = serveBuffered;
        this.counters = counters;
    }

    /**
     * Writes one of the gateway's own answers, keeping the connection open only when
     * {@link #mayKeepOpen} says so; meanwhile nothing more is read from this client.
     *
     * @param head the request answered, or null when there is none (a bad head, a timeout)
     * @return true when the answer is written, the connection stays and may hold a further request
     */
    boolean answer(Connection c, RequestHead head, GatewayError error) {
        counters.answered(error.status());
        boolean keepOpen = mayKeepOpen(error, head, keepAlive.keepsConnections(), c.buffer.position());
        ByteBuffer response = ByteBuffer.wrap(error.response(keepOpen));
        if (!write(c, response)) {
            return false;
        }
        if (response.hasRemaining()) {
            queue(c, response, keepOpen ? () -> keptAlive(c, requestEnd(head), true) : () -> startDraining(c));
            return false;
        }
        if (!keepOpen) {
            startDraining(c);
            return false;
        }
        keptAlive(c, requestEnd(head), false);
        return true;
    }

    /**
     * Whether a connection stays open after the gateway's own answer: only when the error allows it,
     * the loop keeps connections, the client wants that and the request's body is already in the
     * buffer (so it can be skipped). A chunked body's end is not known here, so after one the
     * connection always closes: its chunks must never be read as the next request.
     */
    static boolean mayKeepOpen(GatewayError error, RequestHead head, boolean keepsConnections, int buffered) {
        return error.mayKeepAlive() && keepsConnections && head != null && head.keepAlive()
                && !head.method().equals("HEAD") && !head.chunked() && requestEnd(head) <= buffered;
    }

    private static long requestEnd(RequestHead head) {
        return head.headLength() + head.contentLength();
    }

    /** After a keep-alive answer: skips the answered request and waits for (or serves) the next one. */
    private void keptAlive(Connection c, long requestEnd, boolean serveNext) {
        c.consume((int) requestEnd);
        c.shrinkIfEmpty();
        c.deadlineNanos = clock.nanoTime() + keepAlive.nextRequestTimeout(c);
        if (serveNext) {
            serveBuffered.accept(c);
        }
    }

    /** One non-blocking write; false (and the connection closed) when the client is gone. */
    boolean write(Connection c, ByteBuffer bytes) {
        try {
            c.channel.write(bytes);
            return true;
        } catch (IOException e) {
            closer.close(c);
            return false;
        }
    }

    /** Keeps the rest of an answer for when the socket can take it; until then the connection waits for OP_WRITE only. */
    void queue(Connection c, ByteBuffer rest, Runnable then) {
        c.pending = rest;
        c.afterWrite = then;
        c.key.interestOps(SelectionKey.OP_WRITE);
        c.deadlineNanos = clock.nanoTime() + writeTimeoutNanos;
    }

    /** The socket takes bytes again: writes more of the queued answer, and goes on once it is all out. */
    void writePending(Connection c) {
        if (!write(c, c.pending) || c.pending.hasRemaining()) {
            return;
        }
        Runnable then = c.afterWrite;
        c.pending = null;
        c.afterWrite = null;
        c.key.interestOps(SelectionKey.OP_READ);
        then.run();
    }

    /** Half-closes after a final answer and reads (and drops) what the client still sends, for a while. */
    void startDraining(Connection c) {
        try {
            c.channel.shutdownOutput();
        } catch (IOException e) {
            closer.close(c);
            return;
        }
        c.draining = true;
        c.buffer.clear();
        c.deadlineNanos = clock.nanoTime() + DRAIN_NANOS;
    }

    /** Reads and drops what a draining client sent; closes once the client closed too. */
    void drain(Connection c) {
        try {
            c.buffer.clear();
            if (c.channel.read(c.buffer) < 0) {
                closer.close(c);
            }
        } catch (IOException e) {
            closer.close(c);
        }
        c.buffer.clear();
    }
}
