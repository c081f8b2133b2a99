package org.faasj.worker.handoff;

import java.io.FileDescriptor;

import org.faasj.model.HandoffFrame;

/** Receives each frame with its client descriptor; must not block the connection's reader for long. */
@FunctionalInterface
public interface FrameHandler {

    /**
     * @param client the client's TCP descriptor, now owned by the handler (null if none arrived)
     * @param acks   where the completion acknowledgement for this frame goes
     */
    void handle(HandoffFrame frame, FileDescriptor client, AckSender acks);
}
