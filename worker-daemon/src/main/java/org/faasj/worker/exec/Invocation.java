package org.faasj.worker.exec;

import org.faasj.model.HandoffFrame;

/**
 * One request to run: the frame the gateway sent and the body as it arrives.
 *
 * @param frame the function and the request head
 * @param body   the request body: the frame's prefix then the rest from the client socket
 * @param output what the call's output may take of the worker's heap
 * @param trace  what the runner notes for the call's invocation record
 */
public record Invocation(HandoffFrame frame, BodySource body, OutputBudget.Account output, CallTrace trace) {

    /** An invocation nobody records. */
    public Invocation(HandoffFrame frame, BodySource body, OutputBudget.Account output) {
        this(frame, body, output, CallTrace.none());
    }

    /** An invocation whose output is bounded by the output cap only. */
    public Invocation(HandoffFrame frame, BodySource body) {
        this(frame, body, OutputBudget.UNLIMITED.open());
    }
}
