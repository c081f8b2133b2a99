package org.faasj.worker.spawn;

import java.nio.file.Path;

/**
 * The per-process part of the sandbox (the rest is fixed when the fork server starts).
 *
 * @param functionDir host directory shown read-only at {@code /fn}; null for none
 * @param tmpMb       size of the process's private {@code /tmp}
 * @param processes   most processes and threads its uid may have (RLIMIT_NPROC)
 * @param networkNone whether it starts in the empty network namespace
 */
public record SandboxLimits(Path functionDir, int tmpMb, int processes, boolean networkNone) {

    /** What a process gets when nothing more is known (tests, tools). */
    public static final SandboxLimits DEFAULT = new SandboxLimits(null, 64, 64, false);

    public SandboxLimits {
        if (tmpMb <= 0 || processes <= 0) {
            throw new IllegalArgumentException("tmp and process caps must be positive: " + tmpMb + ", " + processes);
        }
    }
}
