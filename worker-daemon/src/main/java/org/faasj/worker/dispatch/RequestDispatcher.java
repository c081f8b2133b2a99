package org.faasj.worker.dispatch;

import java.io.FileDescriptor;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.faasj.model.CompletionAck;
import org.faasj.model.HandoffFrame;
import org.faasj.model.InvocationOutcome;
import org.faasj.worker.exec.CallTrace;
import org.faasj.worker.exec.FunctionRunner;
import org.faasj.worker.exec.Invocation;
import org.faasj.worker.exec.Outcome;
import org.faasj.worker.exec.OutputBudget;
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
 * the ack to the gateway. When the pool and its queue are full the client gets 503, written off the
 * frame reader's thread ({@link Refusals}). Whatever a call throws, an {@link Error} included, its
 * client gets an answer or a close and the gateway its ack.
 *
 * <p>A call its runner expects to be quick ({@link FunctionRunner#runsQuickly}: a warm WASM module
 * whose latest call was short) whose whole body came with the frame runs right on the hand-off
 * reader's thread, which saves the hand-over to the pool and back (the futex calls and context
 * switches that cost more than the call itself). If it turns out long, the reader is replaced
 * and later frames still flow ({@code handoff.ReaderWatch}). Inline or pooled, a call runs only
 * with one of {@code maxConcurrency} places: an inline call takes a free one or is pooled, a pool
 * thread waits for one.
 */
public final class RequestDispatcher implements FrameHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
    /** Built once: after an Error there may be no memory to build it. */
    private static final HttpResponse INTERNAL_ERROR = ResponseMapper.map(
            new Outcome.LaunchFailed("internal error in the worker"));
    private static final HttpResponse AT_CAPACITY = ResponseMapper.map(
            new Outcome.Unavailable("worker is at capacity, retry shortly"));

    private final Runners runners;
    private final ResponseWriter writer;
    private final ThreadPoolExecutor pool;
    /** Calls running, inline or pooled, at most maxConcurrency. */
    private final Semaphore places;
    private final BodySettings bodies;
    private final OutputBudget outputBudget;
    private final Refusals refusals;
    /** Whether a failed function's stderr goes into its 500 (else only to {@link FailureLog}). */
    private final boolean exposeStderr;
    private final FailureLog failures = new FailureLog(System::currentTimeMillis);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();
    private final CallRecorder recorder;
    /** Set once the control plane shuts down: no connection is kept alive after that. */
    private volatile boolean closing;

    public RequestDispatcher(Runners runners, ResponseWriter writer, int maxConcurrency, int maxQueued,
                             BodySettings bodies, OutputBudget outputBudget, ScheduledExecutorService deadlines,
                             boolean exposeStderr) {
        this(runners, writer, maxConcurrency, maxQueued, bodies, outputBudget, deadlines, exposeStderr,
                CallRecorder.NONE);
    }

    public RequestDispatcher(Runners runners, ResponseWriter writer, int maxConcurrency, int maxQueued,
                             BodySettings bodies, OutputBudget outputBudget, ScheduledExecutorService deadlines,
                             boolean exposeStderr, CallRecorder recorder) {
        this.recorder = recorder;
        this.runners = runners;
        this.exposeStderr = exposeStderr;
        this.writer = writer;
        this.bodies = bodies;
        this.outputBudget = outputBudget;
        this.refusals = new Refusals(writer, deadlines);
        this.places = new Semaphore(maxConcurrency);
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
        Call call = new Call(frame, ClientConnection.adopt(fd), acks, () -> closing, recorder);
        if (runsInline(frame) && places.tryAcquire()) {
            try {
                execute(call);
            } finally {
                places.release();
            }
            return;
        }
        try {
            pool.execute(() -> executeInPlace(call));
        } catch (RejectedExecutionException full) {
            call.ended(InvocationOutcome.UNAVAILABLE, -1);
            refusals.refuse(call, AT_CAPACITY);
        } catch (Error e) {
            call.drop(); // our copy of the descriptor goes, so the gateway's close really ends the connection
            throw e;
        }
    }

    /** The whole body is here (no client read) and the runner expects the call to be short. */
    private boolean runsInline(HandoffFrame frame) {
        return !frame.chunked() && frame.bodyPrefix().length == frame.contentLength()
                && runners.forFrame(frame).runsQuickly(frame);
    }

    /** On a pool thread: waits while inline calls hold every place (they are short, or bounded by their timeout). */
    private void executeInPlace(Call call) {
        places.acquireUninterruptibly();
        try {
            execute(call);
        } finally {
            places.release();
        }
    }

    private void execute(Call call) {
        call.taken();
        inFlight.incrementAndGet();
        try (OutputBudget.Account output = outputBudget.open()) {
            serve(call, output);
        } catch (Throwable t) { // an Error too: this client must still get an answer or a close, the gateway its ack
            failed(call, t);
        } finally {
            inFlight.decrementAndGet();
            completed.incrementAndGet();
        }
    }

    private void failed(Call call, Throwable t) {
        call.ended(InvocationOutcome.PLATFORM_ERROR, -1);
        try {
            call.answer(writer, INTERNAL_ERROR, false);
        } finally {
            call.drop(); // if even the answer could not be written
            try {
                log.error("call {} of {} failed in the worker", call.frame.callId(), call.frame.functionName(), t);
            } catch (Throwable logFailed) {
                // out of memory even for the log line; the call is finished, which is what matters
            }
        }
    }

    private void serve(Call call, OutputBudget.Account output) {
        HandoffFrame frame = call.frame;
        CallTrace trace = recorder.trace();
        call.trace(trace);
        if (!frame.chunked()) {
            RequestBody body = new RequestBody(frame.bodyPrefix(), frame.contentLength(), call.client,
                    bodies.idleTimeoutMillis());
            Outcome outcome = runSafely(new Invocation(frame, body, output, trace));
            respond(call, outcome, body.fullyConsumed(), output);
            return;
        }
        // a chunked body is decoded to its end first: the function gets it whole, with its length, or never runs
        DecodedBody body;
        try {
            body = ChunkedBodyReader.read(frame.bodyPrefix(), call.client, bodies);
        } catch (ChunkedBodyReader.Refused refused) {
            call.ended(CallOutcomes.of(refused.outcome()), -1);
            call.answer(writer, ResponseMapper.map(refused.outcome(), frame.callId(), false), false);
            return;
        }
        try (body) {
            Outcome outcome = runSafely(new Invocation(frame.decoded(body.length()), body, output, trace));
            respond(call, outcome, body.fullyConsumed(), output);
        }
    }

    private Outcome runSafely(Invocation invocation) {
        try {
            return runners.forFrame(invocation.frame()).run(invocation);
        } catch (RuntimeException e) {
            log.error("runner failed for {}", invocation.frame().functionName(), e);
            return new Outcome.LaunchFailed("internal error: " + e);
        }
    }

    /**
     * The wrapped copy of a text output is charged to the budget too (a large one was mostly paid
     * ahead by the capture); without room it is a 503.
     */
    private void respond(Call call, Outcome outcome, boolean bodyConsumed, OutputBudget.Account output) {
        long more = ResponseMapper.mappingBytes(outcome) - output.prepaid();
        Outcome answer = output.charge(more, OutputBudget.waitNanos(call.frame.timeoutMillis()))
                ? outcome : new Outcome.Unavailable(OutputBudget.SPENT);
        call.ended(CallOutcomes.of(answer, call.frame, call.trace()), CallOutcomes.exitCode(outcome));
        call.answer(writer, ResponseMapper.map(answer, call.frame.callId(), exposeStderr), bodyConsumed);
        failures.record(call.frame, outcome); // after the answer: the client does not wait for the log
    }

    /** Answers from now on say {@code Connection: close} and the ack lets the gateway close. */
    public void closeConnections() {
        closing = true;
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
        refusals.close();
    }
}
