package org.faasj.worker.exec;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The function processes running now, and how to kill one with everything it started.
 * Killing goes by process group (faas-limit made each function a group leader) and by
 * descendants (for anything that moved to another group), then the leader itself.
 */
public final class ProcessTrees {

    private final LimitLauncher launcher;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    public ProcessTrees(LimitLauncher launcher) {
        this.launcher = launcher;
    }

    void started(Process process) {
        running.add(process);
    }

    void ended(Process process) {
        running.remove(process);
    }

    /** Processes running now, the metrics sampler adds their cost to the worker's. */
    public int size() {
        return running.size();
    }

    void kill(Process process) {
        if (!process.isAlive()) {
            return; // already reaped: its pid, and so its group number, may belong to someone else now
        }
        // collect descendants while the leader is alive: afterwards they are reparented and lost
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        launcher.killGroup(process.pid());
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Used when the worker shuts down: no function may outlive it. */
    public void killAll() {
        for (Process process : List.copyOf(running)) {
            kill(process);
        }
    }
}
