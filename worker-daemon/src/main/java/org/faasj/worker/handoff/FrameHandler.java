package org.faasj.worker.handoff;

import java.io.FileDescriptor;

import org.faasj.model.HandoffFrame;

/**
 * Receives each frame with its client descriptor, on the connection's reader thread. It may run a
 * short call right there; if it keeps the thread longer than a few milliseconds another reader
 * takes over the connection ({@link ReaderWatch}), so later frames are not held up for long.
 */
@FunctionalInterface
public interface FrameHandler {

    /**
     * @param client the client's TCP descriptor, now owned by the handler (null if none arrived)
     * @param acks   where the completion acknowledgement for this frame goes
     */
    void handle(HandoffFrame frame, FileDescriptor client, AckSender acks);
}
