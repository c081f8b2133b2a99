package org.faasj.worker.dispatch;

import java.util.List;

import org.faasj.model.InvocationOutcome;

/**
 * Which failed calls (a non-zero exit or a trap, {@code EXIT_NONZERO}) really ran out of memory or
 * into the sandbox, from what the worker saw of them. A pure function, so each rule is tested on its
 * own; the rules are listed in docs/ARCHITECTURE.md, "Invocation records". Memory is checked first:
 * a process short of memory often fails in ways that look like a denial too (a fork refused).
 */
final class FailureCauses {

    /** What interpreters and libc say when an allocation fails. */
    private static final List<String> MEMORY_SIGNS = List.of(
            "Allowed memory size",      // PHP: memory_limit exhausted
            "Out of memory",            // PHP: the allocator itself failed (RLIMIT_DATA)
            "std::bad_alloc",           // C++
            "Cannot allocate memory",   // strerror(ENOMEM)
            "MemoryError");             // Python
    /** What a process sees when one of the sandbox's limits refuses it something. */
    private static final List<String> SANDBOX_SIGNS = List.of(
            "Resource temporarily unavailable", // fork/clone refused: the process cap (EAGAIN)
            "File too large",                   // the tmp or file-size cap (EFBIG)
            "Read-only file system",            // writing outside /tmp (EROFS)
            "Permission denied",                // EACCES
            "Operation not permitted");         // EPERM
    private static final String NO_NETWORK_SIGN = "Network is unreachable";
    /** How faas-spawn's child reports a start it could not complete (sandbox, limits, exec), with exit 127. */
    private static final String SPAWN_FAILURE_SIGN = "faas-spawn: ";
    private static final int SPAWN_FAILURE_EXIT = 127;

    /**
     * @param exitCode       the function's exit code, -1 for a trap
     * @param memoryLimitHit the runtime stopped it at its memory limit (a WASM guest)
     * @param peakMemoryKb   its peak resident (WASM: linear) memory, -1 when not known
     * @param memoryMb       its memory limit (the descriptor's {@code memory})
     * @param networkNone    it runs with {@code network: none}
     * @param stderr         what is known of its stderr (head and tail), never null
     */
    record Evidence(int exitCode, boolean memoryLimitHit, long peakMemoryKb, int memoryMb, boolean networkNone,
                    String stderr) {
    }

    private FailureCauses() {
    }

    /** {@code outcome} itself unless it is {@code EXIT_NONZERO} and the evidence says memory or sandbox. */
    static InvocationOutcome refine(InvocationOutcome outcome, Evidence e) {
        if (outcome != InvocationOutcome.EXIT_NONZERO) {
            return outcome;
        }
        if (outOfMemory(e)) {
            return InvocationOutcome.MEMORY;
        }
        if (deniedBySandbox(e)) {
            return InvocationOutcome.SANDBOX_DENIED;
        }
        return outcome;
    }

    static boolean outOfMemory(Evidence e) {
        return e.memoryLimitHit() || nearLimit(e.peakMemoryKb(), e.memoryMb()) || containsAny(e.stderr(), MEMORY_SIGNS);
    }

    /** 90 % of the limit: RLIMIT_DATA counts address space the process never touched, so RSS stays below it. */
    private static boolean nearLimit(long peakKb, int memoryMb) {
        return peakKb > 0 && memoryMb > 0 && peakKb * 10 >= memoryMb * 1024L * 9;
    }

    static boolean deniedBySandbox(Evidence e) {
        if (e.exitCode() == SPAWN_FAILURE_EXIT && e.stderr().startsWith(SPAWN_FAILURE_SIGN)) {
            return true;
        }
        return containsAny(e.stderr(), SANDBOX_SIGNS) || (e.networkNone() && e.stderr().contains(NO_NETWORK_SIGN));
    }

    private static boolean containsAny(String text, List<String> signs) {
        for (String sign : signs) {
            if (text.contains(sign)) {
                return true;
            }
        }
        return false;
    }
}
