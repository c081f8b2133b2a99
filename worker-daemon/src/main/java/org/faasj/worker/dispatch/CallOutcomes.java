package org.faasj.worker.dispatch;

import org.faasj.model.HandoffFrame;
import org.faasj.model.InvocationOutcome;
import org.faasj.model.Network;
import org.faasj.worker.exec.CallTrace;
import org.faasj.worker.exec.Outcome;

/** How a runner's {@link Outcome} is labelled in the call's invocation record. */
final class CallOutcomes {

    private CallOutcomes() {
    }

    static InvocationOutcome of(Outcome outcome) {
        if (outcome instanceof Outcome.Exited exited) {
            return exited.exitCode() == 0 ? InvocationOutcome.OK : InvocationOutcome.EXIT_NONZERO;
        }
        if (outcome instanceof Outcome.Trapped || outcome instanceof Outcome.Raised) {
            return InvocationOutcome.EXIT_NONZERO;
        }
        if (outcome instanceof Outcome.Answered) {
            return InvocationOutcome.OK; // whatever status the handler chose, the function did its job
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

    /**
     * The label of the outcome that was answered, with a failed function's cause found by
     * {@link FailureCauses} (memory, sandbox) from the frame and what its runner noted.
     */
    static InvocationOutcome of(Outcome answered, HandoffFrame frame, CallTrace trace) {
        InvocationOutcome outcome = of(answered);
        if (outcome != InvocationOutcome.EXIT_NONZERO || trace == null) {
            return outcome; // the common case pays nothing more
        }
        String tail = answered instanceof Outcome.Exited exited ? exited.stderrTail()
                : answered instanceof Outcome.Trapped trapped ? trapped.stderrTail()
                : answered instanceof Outcome.Raised raised ? raised.stderrTail() : "";
        String head = trace.stderrHead();
        String stderr = head.isEmpty() ? nonNull(tail) : head + "\n" + nonNull(tail);
        return FailureCauses.refine(outcome, new FailureCauses.Evidence(exitCode(answered), trace.memoryLimitHit(),
                trace.peakMemoryKb(), frame.memoryMb(), frame.network() == Network.NONE, stderr));
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** The function's exit code, -1 when it has none (killed, trapped, never started). */
    static int exitCode(Outcome outcome) {
        return outcome instanceof Outcome.Exited exited ? exited.exitCode() : -1;
    }
}
