package org.faasj.controlplane.workers;

import org.faasj.model.CompletionAck;

/** Told what happens to requests handed to workers. Called on a link's reader thread: return quickly. */
public interface HandoffListener {

    /** A worker finished a request it was handed. */
    void completed(WorkerSlot slot, CompletionAck ack);

    /** A worker's link broke: every request handed to it that has not completed never will. */
    void lost(WorkerSlot slot);
}
