package org.faasj.worker.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.faasj.model.InvocationOutcome;
import org.faasj.worker.exec.BodySource;
import org.faasj.worker.exec.Outcome;
import org.junit.jupiter.api.Test;

class CallOutcomesTest {

    @Test
    void eachRunnerOutcomeHasItsRecordLabel() {
        assertEquals(InvocationOutcome.OK, CallOutcomes.of(new Outcome.Exited(0, new byte[0], 0, "")));
        assertEquals(InvocationOutcome.EXIT_NONZERO, CallOutcomes.of(new Outcome.Exited(3, new byte[0], 0, "x")));
        assertEquals(InvocationOutcome.EXIT_NONZERO, CallOutcomes.of(new Outcome.Trapped("unreachable", "")));
        assertEquals(InvocationOutcome.EXIT_NONZERO, CallOutcomes.of(new Outcome.Raised("uncaught E", "")));
        assertEquals(InvocationOutcome.OK, CallOutcomes.of(new Outcome.Answered(404, java.util.List.of(), new byte[0], false)));
        assertEquals(InvocationOutcome.TIMEOUT, CallOutcomes.of(new Outcome.TimedOut(1000)));
        assertEquals(InvocationOutcome.OUTPUT_TOO_LARGE, CallOutcomes.of(new Outcome.OutputTooLarge(10)));
        assertEquals(InvocationOutcome.BAD_REQUEST, CallOutcomes.of(new Outcome.BodyIncomplete(BodySource.Cut.values()[0])));
        assertEquals(InvocationOutcome.BAD_REQUEST, CallOutcomes.of(new Outcome.BadBody("bad chunk")));
        assertEquals(InvocationOutcome.BAD_REQUEST, CallOutcomes.of(new Outcome.BodyTooLarge(10)));
        assertEquals(InvocationOutcome.UNAVAILABLE, CallOutcomes.of(new Outcome.Unavailable("busy")));
        assertEquals(InvocationOutcome.PLATFORM_ERROR, CallOutcomes.of(new Outcome.RuntimeMissing("php", "php-cli")));
        assertEquals(InvocationOutcome.PLATFORM_ERROR, CallOutcomes.of(new Outcome.ModuleMissing("/nope")));
        assertEquals(InvocationOutcome.PLATFORM_ERROR, CallOutcomes.of(new Outcome.LaunchFailed("no fork")));
    }

    @Test
    void onlyAnExitHasAnExitCode() {
        assertEquals(3, CallOutcomes.exitCode(new Outcome.Exited(3, new byte[0], 0, "")));
        assertEquals(0, CallOutcomes.exitCode(new Outcome.Exited(0, new byte[0], 0, "")));
        assertEquals(-1, CallOutcomes.exitCode(new Outcome.Trapped("unreachable", "")));
        assertEquals(-1, CallOutcomes.exitCode(new Outcome.TimedOut(1000)));
    }
}
