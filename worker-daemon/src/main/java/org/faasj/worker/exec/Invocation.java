package org.faasj.worker.exec;

import org.faasj.model.HandoffFrame;

/**
 * One request to run: the frame the gateway sent and the body as it arrives.
 *
 * @param frame the function and the request head
 * @param body  the request body: the frame's prefix then the rest from the client socket
 */
public record Invocation(HandoffFrame frame, BodySource body) {
}
