package org.faasj.worker.exec;

/**
 * Runs one invocation to its end. Implementations own their limits (memory, wall clock, output
 * size) and report every way the run can end as an {@link Outcome}, never as an exception, so
 * that the response mapping is shared by every runtime.
 */
public interface FunctionRunner {

    Outcome run(Invocation invocation);
}
