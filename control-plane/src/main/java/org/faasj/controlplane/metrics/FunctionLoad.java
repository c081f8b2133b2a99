package org.faasj.controlplane.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the gateway counts for one function on its hot path, from any event loop: calls in flight
 * (handed off and not ended) and calls refused by the function's concurrency limit (429; no worker
 * sees them, so no invocation record tells of them). LongAdder: no lock, and no allocation once
 * its cells exist.
 */
public final class FunctionLoad {

    /** Shared by every function when metrics are off: the gateway's calls on it do nothing. */
    static final FunctionLoad NONE = new FunctionLoad(false);

    private final boolean enabled;
    private final LongAdder inFlight = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    FunctionLoad(boolean enabled) {
        this.enabled = enabled;
    }

    /** A call was handed to a worker. */
    public void started() {
        if (enabled) {
            inFlight.increment();
        }
    }

    /** A call that {@link #started} ended (answered, lost, cut). */
    public void ended() {
        if (enabled) {
            inFlight.decrement();
        }
    }

    /** A call got 429 from the concurrency limit (queue full, or its wait ran out). */
    public void rejected() {
        if (enabled) {
            rejected.increment();
        }
    }

    public long inFlight() {
        return inFlight.sum();
    }

    public long rejectedCount() {
        return rejected.sum();
    }
}
