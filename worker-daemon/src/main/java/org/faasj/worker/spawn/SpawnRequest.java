package org.faasj.worker.spawn;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the fork server needs to start one process.
 *
 * @param argv        program (an absolute path: the server does not search PATH) and arguments
 * @param env         the complete environment, as {@code NAME=value} entries
 * @param cwd         working directory of the process
 * @param dataBytes   RLIMIT_DATA, 0 for none
 * @param cpuSeconds  RLIMIT_CPU, 0 for none
 * @param fd3Pipe     whether the process gets one more pipe on descriptor 3 (read end), for the
 *                    request's environment when it is started before the request exists
 * @param sandbox     what the sandbox gives this process; ignored by a server started without one
 * @param answerOnFd3 handler mode: the process's stdout joins its stderr file and it answers on
 *                    descriptor 3, whose read end takes the place of {@link SpawnedProcess#stdout()}
 */
public record SpawnRequest(List<String> argv, List<String> env, Path cwd, long dataBytes, int cpuSeconds,
                           boolean fd3Pipe, SandboxLimits sandbox, boolean answerOnFd3) {

    /** A process whose stdout is its answer (process mode). */
    public SpawnRequest(List<String> argv, List<String> env, Path cwd, long dataBytes, int cpuSeconds,
                        boolean fd3Pipe, SandboxLimits sandbox) {
        this(argv, env, cwd, dataBytes, cpuSeconds, fd3Pipe, sandbox, false);
    }

    public SpawnRequest {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        Objects.requireNonNull(sandbox, "sandbox");
        if (fd3Pipe && answerOnFd3) {
            throw new IllegalArgumentException("descriptor 3 is either the request's environment or the answer pipe");
        }
        if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
            throw new IllegalArgumentException("the program must be an absolute path: " + argv);
        }
    }
}
