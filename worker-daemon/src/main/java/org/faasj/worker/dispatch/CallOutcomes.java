package org.faasj.worker.dispatch;

import org.faasj.model.InvocationOutcome;
import org.faasj.worker.exec.Outcome;

/** How a runner's {@link Outcome} is labelled in the call's invocation record. */
final class CallOutcomes {

    private CallOutcomes() {
    }

    static InvocationOutcome of(Outcome outcome) {
        if (outcome instanceof Outcome.Exited exited) {
            return exited.exitCode() == 0 ? InvocationOutcome.OK : InvocationOutcome.EXIT_NONZERO;
        }
        if (outcome instanceof Outcome.Trapped) {
            return InvocationOutcome.EXIT_NONZERO;
        }
        if (outcome instanceof Outcome.TimedOut) {
            return InvocationOutcome.TIMEOUT;
        }
        if (outcome instanceof Outcome.OutputTooLarge) {
            return InvocationOutcome.OUTPUT_TOO_LARGE;
        }
        if (outcome instanceof Outcome.BodyIncomplete || outcome instanceof Outcome.BadBody
                || outcome instanceof Outcome.BodyTooLarge) {
            return InvocationOutcome.BAD_REQUEST;
        }
        if (outcome instanceof Outcome.Unavailable) {
            return InvocationOutcome.UNAVAILABLE;
        }
        // RuntimeMissing, ModuleMissing, LaunchFailed: the platform's fault, not the function's
        return InvocationOutcome.PLATFORM_ERROR;
    }

    /** The function's exit code, -1 when it has none (killed, trapped, never started). */
    static int exitCode(Outcome outcome) {
        return outcome instanceof Outcome.Exited exited ? exited.exitCode() : -1;
    }
}
