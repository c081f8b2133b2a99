package org.faasj.model;

import java.util.Locale;

/**
 * Why a call ended the way it did, as one label for metrics, records and the console. The worker
 * decides it for calls it ran; the gateway for calls no worker answered.
 */
public enum InvocationOutcome {
    /** The function exited 0 and its output was answered. */
    OK,
    /** The function exited non-zero (or a WASM guest trapped) and got a 500. */
    EXIT_NONZERO,
    /** The function passed its timeout and was killed (504). */
    TIMEOUT,
    /** The function ran out of its memory limit. */
    MEMORY,
    /** The function wrote more than the worker accepts. */
    OUTPUT_TOO_LARGE,
    /** The sandbox refused the function something it needed to start. */
    SANDBOX_DENIED,
    /** The function's concurrency limit and queue were full, or its queue wait passed (429). */
    REJECTED_429,
    /** The request body was incomplete, malformed or too large (400, 408, 413). */
    BAD_REQUEST,
    /** No worker could take the call, or a worker was at capacity or out of output budget (503). */
    UNAVAILABLE,
    /** The worker died or lost the call before answering (502, or a drop with no answer). */
    LOST,
    /** The platform failed: runtime or module missing, launch failure, an error in the worker (500). */
    PLATFORM_ERROR;

    /** The lower-case name used as a metric label and in the API. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The outcome for a label as {@link #label()} spells it; IllegalArgumentException for anything else. */
    public static InvocationOutcome ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
