package org.faasj.worker.dispatch;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.faasj.worker.http.HttpResponse;
import org.faasj.worker.http.ResponseWriter;

/**
 * Writes the answers the worker gives without running anything (503 at capacity) off the frame
 * reader's thread: a client that does not read would otherwise stall every frame behind it on that
 * gateway connection. One thread, each write cut off at its deadline by shutting the client's
 * connection down; past a full queue a refusal is dropped (closed without an answer).
 */
final class Refusals implements AutoCloseable {

    static final long WRITE_DEADLINE_MILLIS = 2_000;
    private static final int QUEUE = 256;

    private final ResponseWriter writer;
    private final ScheduledExecutorService deadlines;
    private final ThreadPoolExecutor thread;

    Refusals(ResponseWriter writer, ScheduledExecutorService deadlines) {
        this.writer = writer;
        this.deadlines = deadlines;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), task -> {
            Thread t = new Thread(task, "refusals");
            t.setDaemon(true);
            return t;
        });
    }

    /** Never blocks: the answer is queued, or the call dropped. */
    void refuse(Call call, HttpResponse response) {
        try {
            thread.execute(() -> write(call, response));
        } catch (RejectedExecutionException full) {
            call.drop();
        }
    }

    private void write(Call call, HttpResponse response) {
        ScheduledFuture<?> cut = deadlines.schedule(call.client::abort, WRITE_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
        try {
            call.answer(writer, response, false);
        } finally {
            cut.cancel(false);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
