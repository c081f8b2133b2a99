package org.faasj.worker.exec;

/** Stands in for a runtime this worker cannot run; answers every invocation with 503. */
public final class UnavailableRunner implements FunctionRunner {

    private final String detail;

    public UnavailableRunner(String detail) {
        this.detail = detail;
    }

    @Override
    public Outcome run(Invocation invocation) {
        return new Outcome.Unavailable(detail);
    }
}
