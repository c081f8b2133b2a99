package org.faasj.worker.handoff;

import org.faasj.model.CompletionAck;

/** Sends completion acknowledgements on the gateway connection a frame came from. */
@FunctionalInterface
public interface AckSender {

    /** Never throws: a gateway that went away simply misses the ack. */
    void send(CompletionAck ack);
}
