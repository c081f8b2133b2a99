package org.faasj.worker.exec.process;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.faasj.model.HandoffFrame;
import org.faasj.model.Network;
import org.faasj.worker.exec.CgiEnvironment;
import org.faasj.worker.exec.ExecSettings;
import org.faasj.worker.spawn.SandboxLimits;
import org.faasj.worker.spawn.SpawnRequest;

/**
 * How one invocation's process is started.
 *
 * @param request       what the fork server is asked for; for PHP it does not depend on the request,
 *                      so it also names the warm pool the process may come from
 * @param requestEnv    the request's environment for the PHP prelude (descriptor 3), or null when
 *                      the whole environment is given at exec (Python, native)
 */
record LaunchPlan(SpawnRequest request, byte[] requestEnv) {

    boolean poolable() {
        return requestEnv != null;
    }

    static LaunchPlan of(HandoffFrame frame, Path interpreter, ExecSettings settings) {
        long dataBytes = (long) Math.max(1, frame.memoryMb()) << 20;
        // the CPU rlimit is only a backstop behind the wall-clock deadline
        int cpuSeconds = (int) TimeUnit.MILLISECONDS.toSeconds(frame.timeoutMillis()) + 2;
        var argv = RuntimeCommand.program(frame, interpreter, settings);
        SandboxLimits sandbox = new SandboxLimits(Path.of(frame.modulePath()).toAbsolutePath().getParent(),
                frame.tmpMb(), frame.processes(), frame.network() == Network.NONE);
        Map<String, String> full = CgiEnvironment.build(frame, settings.functionPath(), settings.workDir());
        if (!frame.runtime().spec().warmPool()) {
            return new LaunchPlan(new SpawnRequest(argv, CgiEnvironment.entries(full), settings.workDir(),
                    dataBytes, cpuSeconds, false, sandbox), null);
        }
        Map<String, String> stable = CgiEnvironment.stable(frame, settings.functionPath(), settings.workDir());
        return new LaunchPlan(new SpawnRequest(argv, CgiEnvironment.entries(stable), settings.workDir(),
                dataBytes, cpuSeconds, true, sandbox), CgiEnvironment.block(full));
    }
}
