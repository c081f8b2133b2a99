package org.faasj.worker.exec.process;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;

import org.faasj.worker.spawn.SpawnRequest;
import org.faasj.worker.spawn.Spawner;

/** Starts one function process through the fork server, with stderr into a freshly truncated file. */
public final class ProcessStarter {

    private final Spawner spawner;

    public ProcessStarter(Spawner spawner) {
        this.spawner = spawner;
    }

    FunctionProcess start(SpawnRequest request, Path stderr, boolean ownsStderr) throws IOException {
        // the server keeps its own duplicate of the descriptor until the fork; ours can go at once
        try (FileOutputStream err = new FileOutputStream(stderr.toFile())) {
            return new FunctionProcess(spawner.spawn(request, err.getFD()), stderr, ownsStderr);
        }
    }

    void kill(long pid) {
        spawner.kill(pid);
    }
}
