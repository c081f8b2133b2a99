package org.faasj.worker.exec;

import java.io.OutputStream;

/**
 * The request body as a runner sees it. It reads the client socket only for this request's
 * bytes, so the connection stays usable for the next one.
 */
public interface BodySource {

    /** The whole body when it is already in memory and no larger than {@code maxBytes}, else null. */
    byte[] inMemory(int maxBytes);

    /**
     * A task that copies the whole body into {@code sink}, then closes the sink; meant for another
     * thread. When the sink stops accepting (the function exited without reading) the rest is still
     * read and dropped. The client connection stays open until the task has run, so the task must
     * be run exactly once.
     */
    Runnable copyTask(OutputStream sink);

    /** Whether every byte of the body has been read from the client. */
    boolean fullyConsumed();
}
