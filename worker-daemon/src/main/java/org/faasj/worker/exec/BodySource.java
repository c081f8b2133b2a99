package org.faasj.worker.exec;

import java.io.OutputStream;

/**
 * The request body as a runner sees it. It reads the client socket only for this request's
 * bytes, so the connection stays usable for the next one.
 */
public interface BodySource {

    /** Why a body stopped arriving before its end. */
    enum Cut {
        /** The client closed or reset its side mid-body. */
        ENDED,
        /** The client sent nothing for longer than the body read timeout. */
        TIMED_OUT
    }

    /** The whole body when it is already in memory and no larger than {@code maxBytes}, else null. */
    byte[] inMemory(int maxBytes);

    /**
     * A task that copies the whole body into {@code sink}, then closes the sink; meant for another
     * thread. When the sink stops accepting (the function exited without reading) the rest is still
     * read and dropped. When the client stops sending before the body's end, {@code onCut} runs
     * before the sink is closed, so a function never sees the end of a truncated body before its
     * runner knows. The client connection stays open until the task has run, so the task must be
     * run exactly once.
     */
    Runnable copyTask(OutputStream sink, Runnable onCut);

    /** Whether every byte of the body has been read from the client. */
    boolean fullyConsumed();

    /** Why the body stopped short, or null while it is whole or still arriving. */
    Cut cut();

    /**
     * The function is done and did not take the whole body: stop reading it (the answer closes the
     * connection), so that a pump does not wait on the client.
     */
    void abandon();
}
