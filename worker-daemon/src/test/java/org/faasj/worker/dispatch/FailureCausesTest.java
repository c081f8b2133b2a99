package org.faasj.worker.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.faasj.model.InvocationOutcome;
import org.faasj.worker.dispatch.FailureCauses.Evidence;
import org.junit.jupiter.api.Test;

/** One test per rule of {@link FailureCauses}, and the cases it must leave alone. */
class FailureCausesTest {

    private static final InvocationOutcome FAILED = InvocationOutcome.EXIT_NONZERO;

    private static Evidence stderr(int exitCode, String stderr) {
        return new Evidence(exitCode, false, 1_000, 64, false, stderr);
    }

    private static InvocationOutcome failed(Evidence e) {
        return FailureCauses.refine(FAILED, e);
    }

    @Test
    void aPlainFailureStaysExitNonzero() {
        assertEquals(FAILED, failed(stderr(3, "cannot reach the database\n")));
        assertEquals(FAILED, failed(new Evidence(1, false, -1, 64, false, "")));
    }

    @Test
    void onlyFailuresAreRefined() {
        Evidence oom = new Evidence(0, true, 65_536, 64, true, "Out of memory; Permission denied");
        for (InvocationOutcome other : InvocationOutcome.values()) {
            if (other != FAILED) {
                assertEquals(other, FailureCauses.refine(other, oom), other.label());
            }
        }
    }

    @Test
    void aWasmGuestStoppedAtItsMemoryLimitIsMemory() {
        assertEquals(InvocationOutcome.MEMORY, failed(new Evidence(-1, true, -1, 64, false, "")));
    }

    @Test
    void aPeakAtNinetyPercentOfTheLimitIsMemory() {
        int limitMb = 32;
        long ninetyPercentKb = (limitMb * 1024L * 9 + 9) / 10; // rounded up
        assertEquals(InvocationOutcome.MEMORY, failed(new Evidence(1, false, ninetyPercentKb, limitMb, false, "")));
        assertEquals(FAILED, failed(new Evidence(1, false, ninetyPercentKb - 1, limitMb, false, "")));
        assertEquals(FAILED, failed(new Evidence(1, false, 100_000, 0, false, "")), "no limit, no rule");
    }

    @Test
    void phpsMemoryLimitIsMemory() {
        assertEquals(InvocationOutcome.MEMORY, failed(stderr(255,
                "PHP Fatal error:  Allowed memory size of 33554432 bytes exhausted (tried to allocate 209715232 bytes)")));
    }

    @Test
    void phpsAllocatorFailingIsMemory() {
        assertEquals(InvocationOutcome.MEMORY, failed(stderr(255, "PHP Fatal error:  Out of memory (allocated 2097152)")));
    }

    @Test
    void cppBadAllocIsMemory() {
        assertEquals(InvocationOutcome.MEMORY, failed(stderr(134,
                "terminate called after throwing an instance of 'std::bad_alloc'\n  what():  std::bad_alloc\n")));
    }

    @Test
    void enomemIsMemory() {
        assertEquals(InvocationOutcome.MEMORY, failed(stderr(1, "malloc: Cannot allocate memory\n")));
    }

    @Test
    void pythonsMemoryErrorIsMemory() {
        assertEquals(InvocationOutcome.MEMORY, failed(stderr(1, "Traceback (most recent call last):\nMemoryError\n")));
    }

    @Test
    void aStartTheForkServersChildCouldNotCompleteIsSandboxDenied() {
        assertEquals(InvocationOutcome.SANDBOX_DENIED,
                failed(stderr(127, "faas-spawn: sandbox: mount of /fn failed: No such device\n")));
        assertEquals(FAILED, failed(stderr(127, "sh: 1: frobnicate: not found\n")), "the function's own 127");
        assertEquals(FAILED, failed(stderr(1, "faas-spawn: is mentioned later\n")), "not the fork server's exit code");
    }

    @Test
    void aRefusedForkIsSandboxDenied() {
        assertEquals(InvocationOutcome.SANDBOX_DENIED,
                failed(stderr(2, "sh: 1: Cannot fork: Resource temporarily unavailable\n")));
    }

    @Test
    void aFileOverTheCapIsSandboxDenied() {
        assertEquals(InvocationOutcome.SANDBOX_DENIED, failed(stderr(1, "write: File too large\n")));
    }

    @Test
    void anUnreachableNetworkIsSandboxDeniedOnlyForANetworkNoneFunction() {
        String stderr = "curl: (7) Couldn't connect to server: Network is unreachable\n";
        assertEquals(InvocationOutcome.SANDBOX_DENIED, failed(new Evidence(7, false, 1_000, 64, true, stderr)));
        assertEquals(FAILED, failed(new Evidence(7, false, 1_000, 64, false, stderr)), "a real outage");
    }

    @Test
    void aReadOnlyFileSystemIsSandboxDenied() {
        assertEquals(InvocationOutcome.SANDBOX_DENIED,
                failed(stderr(1, "touch: cannot touch '/fn/x': Read-only file system\n")));
    }

    @Test
    void permissionDeniedIsSandboxDenied() {
        assertEquals(InvocationOutcome.SANDBOX_DENIED, failed(stderr(126, "sh: 1: /fn/run: Permission denied\n")));
    }

    @Test
    void operationNotPermittedIsSandboxDenied() {
        assertEquals(InvocationOutcome.SANDBOX_DENIED, failed(stderr(1, "mount: Operation not permitted\n")));
    }

    @Test
    void memoryWinsOverASandboxSign() {
        assertEquals(InvocationOutcome.MEMORY,
                failed(stderr(2, "fork: Resource temporarily unavailable\nmalloc: Cannot allocate memory\n")));
    }
}
