package org.faasj.controlplane.workers;

import org.faasj.model.CompletionAck;

/** Told what happens to requests handed to workers. Called on a link's reader thread: return quickly. */
public interface HandoffListener {

    /** A worker finished a request it was handed, or (see {@link CompletionAck#isResponseStart}) is about to answer it. */
    void completed(WorkerSlot slot, CompletionAck ack);

    /**
     * A worker's link broke: every request handed to it that has not completed never will.
     *
     * @param workerDied the worker process is gone (not just its link), so nothing more of it
     *                   reaches any client: a request it had not started answering may be answered by the gateway
     */
    void lost(WorkerSlot slot, boolean workerDied);
}
