package org.faasj.worker.exec;

import org.faasj.model.HandoffFrame;

/**
 * Runs one invocation to its end. Implementations own their limits (memory, wall clock, output
 * size) and report every way the run can end as an {@link Outcome}, never as an exception, so
 * that the response mapping is shared by every runtime.
 */
public interface FunctionRunner {

    Outcome run(Invocation invocation);

    /**
     * Whether a call of this frame, its body already complete, can be expected to end within about a
     * millisecond without waiting on anything (no process to start, no client to read), so the
     * dispatcher may run it on the thread that received it. A cheap guess from earlier calls, asked
     * for every frame; a wrong yes costs a replaced hand-off reader, not a blocked connection.
     */
    default boolean runsQuickly(HandoffFrame frame) {
        return false;
    }
}
