package org.faasj.controlplane.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.faasj.controlplane.sandbox.SandboxStatus.Mode;
import org.junit.jupiter.api.Test;

class SandboxStatusTest {

    private static final String FULL = "level=full memory=cgroup-v1 memory_limit_mb=64 cpu=cgroup-v1 uid=per-call network=isolatable missing=";
    private static final String PARTIAL = "level=partial memory=rlimit memory_limit_mb=0 uid=user-namespace network=isolatable "
            + "missing=not root: the calls of a worker share one uid and one process cap; not root: memory is capped per process by RLIMIT_DATA";

    @Test
    void aFullProbeTurnsTheSandboxOn() {
        SandboxStatus status = SandboxStatus.parse(FULL, true, true);
        assertEquals("full", status.level());
        assertEquals("cgroup-v1", status.memory());
        assertEquals("cgroup-v1", status.cpu());
        assertEquals("per-call", status.uid());
        assertEquals("isolatable", status.network());
        assertEquals(List.of(), status.missing());
        assertEquals(Mode.ON, status.mode());
        assertTrue(status.serving());
    }

    @Test
    void aPartialProbeStillSandboxesAndNamesEachReason() {
        SandboxStatus status = SandboxStatus.parse(PARTIAL, true, true);
        assertEquals(Mode.ON, status.mode());
        assertEquals(List.of("not root: the calls of a worker share one uid and one process cap",
                "not root: memory is capped per process by RLIMIT_DATA"), status.missing());
    }

    @Test
    void noIsolationIsRefusedWhenRequired() {
        SandboxStatus status = SandboxStatus.parse("level=none memory=rlimit uid=none network=shared "
                + "missing=not root and no user namespace (Operation not permitted): functions cannot be isolated", true, true);
        assertEquals(Mode.REFUSED, status.mode());
        assertFalse(status.serving());
        assertEquals(1, status.missing().size());
    }

    @Test
    void noIsolationRunsUnisolatedWhenNotRequired() {
        assertEquals(Mode.OFF, SandboxStatus.unavailable("no namespaces", true, false).mode());
    }

    @Test
    void turnedOffIsOffWhateverTheHostAllows() {
        SandboxStatus status = SandboxStatus.parse(FULL, false, true);
        assertEquals(Mode.OFF, status.mode());
        assertTrue(status.serving());
    }

    @Test
    void aGarbledLineCountsAsNoIsolation() {
        assertEquals(Mode.REFUSED, SandboxStatus.parse("something else entirely", true, true).mode());
    }
}
