package org.faasj.worker.dispatch;

import java.io.FileDescriptor;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.faasj.model.CompletionAck;
import org.faasj.model.HandoffFrame;
import org.faasj.worker.exec.Invocation;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.handoff.AckSender;
import org.faasj.worker.handoff.FrameHandler;
import org.faasj.worker.http.BodySettings;
import org.faasj.worker.http.ChunkedBodyReader;
import org.faasj.worker.http.ClientConnection;
import org.faasj.worker.http.DecodedBody;
import org.faasj.worker.http.HttpResponse;
import org.faasj.worker.http.RequestBody;
import org.faasj.worker.http.ResponseMapper;
import org.faasj.worker.http.ResponseWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each handed-off request on a bounded pool and finishes it: response to the client, then
 * the ack to the gateway. When the pool and its queue are full the client gets 503 at once.
 */
public final class RequestDispatcher implements FrameHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    private final Runners runners;
    private final ResponseWriter writer;
    private final ThreadPoolExecutor pool;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();
    private final BodySettings bodies;

    public RequestDispatcher(Runners runners, ResponseWriter writer, int maxConcurrency, int maxQueued,
                             BodySettings bodies) {
        this.runners = runners;
        this.bodies = bodies;
        this.writer = writer;
        BlockingQueue<Runnable> queue = maxQueued == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(maxQueued);
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(maxConcurrency, maxConcurrency, 0, TimeUnit.MILLISECONDS, queue, task -> {
            Thread t = new Thread(task, "invoke-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void handle(HandoffFrame frame, FileDescriptor fd, AckSender acks) {
        if (fd == null) {
            log.warn("frame {} arrived without a client descriptor", frame.requestId());
            acks.send(new CompletionAck(frame.requestId(), 0, false));
            return;
        }
        ClientConnection client = ClientConnection.adopt(fd);
        try {
            pool.execute(() -> execute(frame, client, acks));
        } catch (RejectedExecutionException full) {
            finish(frame, client, false, acks, ResponseMapper.map(new Outcome.Unavailable(
                    "worker is at capacity, retry shortly")));
        }
    }

    private void execute(HandoffFrame frame, ClientConnection client, AckSender acks) {
        inFlight.incrementAndGet();
        try {
            if (frame.chunked()) {
                executeChunked(frame, client, acks);
            } else {
                RequestBody body = new RequestBody(frame.bodyPrefix(), frame.contentLength(), client,
                        bodies.idleTimeoutMillis());
                Outcome outcome = runSafely(new Invocation(frame, body));
                finish(frame, client, body.fullyConsumed(), acks, ResponseMapper.map(outcome));
            }
        } finally {
            inFlight.decrementAndGet();
            completed.incrementAndGet();
        }
    }

    /** A chunked body is decoded to its end first: the function gets it whole, with its length, or never runs. */
    private void executeChunked(HandoffFrame frame, ClientConnection client, AckSender acks) {
        DecodedBody body;
        try {
            body = ChunkedBodyReader.read(frame.bodyPrefix(), client, bodies);
        } catch (ChunkedBodyReader.Refused refused) {
            finish(frame, client, false, acks, ResponseMapper.map(refused.outcome()));
            return;
        }
        try (body) {
            Outcome outcome = runSafely(new Invocation(frame.decoded(body.length()), body));
            finish(frame, client, body.fullyConsumed(), acks, ResponseMapper.map(outcome));
        }
    }

    private Outcome runSafely(Invocation invocation) {
        try {
            return runners.forRuntime(invocation.frame().runtime()).run(invocation);
        } catch (RuntimeException e) {
            log.error("runner failed for {}", invocation.frame().functionName(), e);
            return new Outcome.LaunchFailed("internal error: " + e);
        }
    }

    /** Keep-alive only if the client wants it and its connection is exactly at the next request. */
    private void finish(HandoffFrame frame, ClientConnection client, boolean bodyConsumed, AckSender acks,
                        HttpResponse response) {
        boolean keepAlive = frame.keepAlive() && bodyConsumed;
        boolean written = writer.write(client.output(), response, keepAlive);
        client.release();
        acks.send(new CompletionAck(frame.requestId(), written ? response.status() : 0, keepAlive && written));
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long completed() {
        return completed.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
