package org.faasj.worker.exec.process;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.faasj.worker.spawn.SpawnedProcess;
import org.faasj.worker.spawn.Spawner;

/**
 * The function processes running a request now, and how to kill one with everything it started.
 * Killing goes by process group (faas-spawn made each function a group leader) and by
 * descendants (for anything that moved to another group).
 */
public final class ProcessTrees {

    private final Spawner spawner;
    private final Set<SpawnedProcess> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public ProcessTrees(Spawner spawner) {
        this.spawner = spawner;
    }

    void started(SpawnedProcess process) {
        running.add(process);
    }

    void ended(SpawnedProcess process) {
        running.remove(process);
    }

    /** Processes running a request now. */
    public int size() {
        return running.size();
    }

    void kill(SpawnedProcess process) {
        if (!process.isAlive()) {
            return; // already reaped: its pid, and so its group number, may belong to someone else now
        }
        // collect descendants while the leader is alive: afterwards they are reparented and lost
        List<ProcessHandle> descendants = ProcessHandle.of(process.pid())
                .map(p -> p.descendants().collect(Collectors.toList())).orElse(List.of());
        spawner.kill(process.pid()); // one write on the fork server's socket, no process
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    /** Used when the worker shuts down: no function may outlive it. */
    public void killAll() {
        stopping = true;
        List.copyOf(running).forEach(this::kill);
    }

    /** Whether the worker is stopping: a process that dies now was killed by that, not by its own failure. */
    boolean stopping() {
        return stopping;
    }
}
