package org.faasj.controlplane.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers must not outlive the control plane, even when it dies by kill -9. */
class OrphanIT {

    @TempDir
    Path tmp;

    @Test
    void workersExitWhenTheControlPlaneIsKilled() throws Exception {
        try (RunningPlatform platform = RunningPlatform.start(tmp.resolve("data"))) {
            List<Long> workers = platform.workerPids();
            platform.process.destroyForcibly().waitFor();
            RunningPlatform.await(Duration.ofSeconds(10),
                    () -> workers.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)),
                    "workers " + workers + " gone");
        }
    }
}
